import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import type { FileProblem, TeamConfig, VersionedTask } from '../../../shared/domain';
import { call, CallError } from '../api';
import { useApi } from './api-context';
import { keys } from './queries';

export interface TeamData {
  config: TeamConfig;
  tasks: Map<string, VersionedTask>;
  problems: FileProblem[];
}

const NO_TASKS = new Map<string, VersionedTask>();
const isAway = (err: unknown) => err instanceof CallError && err.code === 'STORE_UNAVAILABLE';

/**
 * One team as on disk: a query read once (getTeam), then kept current from main's events: on tasksChanged only the
 * changed ids are re-read (getTasks) into the cached team, so a 10,000-task team is not reloaded on every write; on
 * teamsChanged its config.
 */
export function useTeam(team: string) {
  const api = useApi();
  const client = useQueryClient();
  const key = keys.team(team);
  // Config reads can overlap (a write's own reload, then the watcher's echo of the next write): only the latest
  // one started may land, so an older answer never puts back a member that was just added back (or removed).
  const configRead = useRef(0);

  const query = useQuery({
    queryKey: key,
    queryFn: async (): Promise<TeamData> => {
      const read = ++configRead.current;
      const value = await call(api, 'getTeam', { team });
      const before = client.getQueryData<TeamData>(key);
      return {
        config: read === configRead.current || !before ? value.config : before.config,
        tasks: new Map(value.tasks.map((t) => [t.id, t])),
        problems: value.problems,
      };
    },
  });

  /** Changes the cached team (nothing while it is not read, or could not be read other than for a database away). */
  const change = useCallback(
    (update: (data: TeamData) => TeamData) => {
      const state = client.getQueryState<TeamData>(keys.team(team));
      if (!state?.data || (state.status === 'error' && !isAway(state.error))) return;
      client.setQueryData<TeamData>(keys.team(team), (data) => data && update(data));
    },
    [client, team],
  );

  const reload = useCallback(() => client.invalidateQueries({ queryKey: keys.team(team) }), [client, team]);

  const refreshIds = useCallback(
    async (ids: string[]) => {
      if (ids.length === 0) return;
      try {
        const value = await call(api, 'getTasks', { team, ids });
        change((s) => {
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
    [api, team, change, reload],
  );

  /** Shows a task as the store returned it after a write (before the watcher's echo arrives). */
  const applyTask = useCallback((task: VersionedTask) => change((s) => ({ ...s, tasks: new Map(s.tasks).set(task.id, task) })), [change]);

  const removeTask = useCallback(
    (id: string) =>
      change((s) => {
        const tasks = new Map(s.tasks);
        tasks.delete(id);
        return { ...s, tasks };
      }),
    [change],
  );

  useEffect(() => {
    const offTasks = api.on('tasksChanged', (e) => {
      if (e.team === team) void refreshIds(e.ids);
    });
    let retry: ReturnType<typeof setTimeout> | null = null;
    // A read that fails (the team is being renamed or deleted: the team list says so) is tried once more, so a
    // passing refusal never leaves an old member list on screen.
    const readConfig = (attempt: number) => {
      const read = ++configRead.current;
      void call(api, 'getTeamConfig', { team })
        .then((config) => {
          if (read === configRead.current) change((s) => ({ ...s, config }));
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
  }, [api, team, refreshIds, change]);

  // A database that went away (the window's banner says so): the board keeps what it last read, and is read again
  // in full once the connection is back.
  const err = query.error;
  const away = isAway(err) && query.data !== undefined;
  const error = err && !away ? (err instanceof CallError ? err.message : String(err)) : null;
  return {
    config: error ? null : (query.data?.config ?? null),
    tasks: (!error && query.data?.tasks) || NO_TASKS,
    problems: (!error && query.data?.problems) || [],
    error,
    reload,
    refreshIds,
    applyTask,
    removeTask,
  };
}
