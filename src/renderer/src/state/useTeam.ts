import { useCallback, useEffect, useRef, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import type { FileProblem, TeamConfig, VersionedTask } from '../../../shared/domain';
import { call, CallError } from '../api';

export interface TeamState {
  config: TeamConfig | null;
  tasks: Map<string, VersionedTask>;
  problems: FileProblem[];
  loading: boolean;
  error: string | null;
}

/**
 * One team as on disk. Loads it once, then applies live changes: on tasksChanged only the changed ids are re-read
 * (getTasks), so a 10,000-task team is not reloaded on every write.
 */
export function useTeam(api: LockstepApi, team: string | null) {
  const [state, setState] = useState<TeamState>({ config: null, tasks: new Map(), problems: [], loading: false, error: null });
  const teamRef = useRef(team);
  teamRef.current = team;
  // Config reads can overlap (a write's own reload, then the watcher's echo of the next write): only the latest
  // one started may land, so an older answer never puts back a member that was just added back (or removed).
  const configRead = useRef(0);

  const reload = useCallback(async () => {
    if (!team) return;
    setState((s) => ({ ...s, loading: true }));
    const read = ++configRead.current;
    try {
      const value = await call(api, 'getTeam', { team });
      if (teamRef.current !== team) return;
      setState((s) => ({
        config: read === configRead.current ? value.config : s.config,
        tasks: new Map(value.tasks.map((t) => [t.id, t])),
        problems: value.problems,
        loading: false,
        error: null,
      }));
    } catch (err) {
      if (teamRef.current !== team) return;
      // A database that went away (the window's banner says so): the board keeps what it last read, and is read
      // again in full once the connection is back.
      const away = err instanceof CallError && err.code === 'STORE_UNAVAILABLE';
      setState((s) =>
        away && s.config
          ? { ...s, loading: false }
          : { config: null, tasks: new Map(), problems: [], loading: false, error: err instanceof CallError ? err.message : String(err) },
      );
    }
  }, [api, team]);

  const refreshIds = useCallback(
    async (ids: string[]) => {
      if (!team || ids.length === 0) return;
      try {
        const value = await call(api, 'getTasks', { team, ids });
        if (teamRef.current !== team) return;
        setState((s) => {
          const tasks = new Map(s.tasks);
          for (const t of value.tasks) tasks.set(t.id, t);
          for (const id of value.missing) tasks.delete(id);
          // A file that became unreadable leaves the board and shows as a warning card instead.
          const brokenPaths = new Set(value.problems.map((p) => p.path));
          for (const id of ids) if ([...brokenPaths].some((p) => p.endsWith(`task-${id}.json`))) tasks.delete(id);
          const healed = new Set(value.tasks.map((t) => `task-${t.id}.json`));
          const problems = [
            ...s.problems.filter((p) => !brokenPaths.has(p.path) && ![...healed].some((h) => p.path.endsWith(h))),
            ...value.problems,
          ];
          return { ...s, tasks, problems };
        });
      } catch {
        void reload();
      }
    },
    [api, team, reload],
  );

  /** Shows a task as the store returned it after a write (before the watcher's echo arrives). */
  const applyTask = useCallback((task: VersionedTask) => {
    setState((s) => {
      const tasks = new Map(s.tasks);
      tasks.set(task.id, task);
      return { ...s, tasks };
    });
  }, []);

  const removeTask = useCallback((id: string) => {
    setState((s) => {
      const tasks = new Map(s.tasks);
      tasks.delete(id);
      return { ...s, tasks };
    });
  }, []);

  useEffect(() => {
    setState({ config: null, tasks: new Map(), problems: [], loading: true, error: null });
    void reload();
  }, [reload]);

  useEffect(() => {
    if (!team) return;
    const offTasks = api.on('tasksChanged', (e) => {
      if (e.team === teamRef.current) void refreshIds(e.ids);
    });
    let retry: ReturnType<typeof setTimeout> | null = null;
    // A read that fails (the team is being renamed or deleted: the team list says so) is tried once more, so a
    // passing refusal never leaves an old member list on screen.
    const readConfig = (attempt: number) => {
      if (!teamRef.current) return;
      const read = ++configRead.current;
      void call(api, 'getTeamConfig', { team: teamRef.current })
        .then((config) => {
          if (read === configRead.current) setState((s) => ({ ...s, config }));
        })
        .catch(() => {
          if (attempt === 0 && read === configRead.current) retry = setTimeout(() => readConfig(1), 250);
        });
    };
    const offTeams = api.on('teamsChanged', () => readConfig(0));
    return () => {
      if (retry) clearTimeout(retry);
      offTasks();
      offTeams();
    };
  }, [api, team, refreshIds]);

  return { ...state, reload, refreshIds, applyTask, removeTask };
}
