import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import { call } from '../api';
import { mergeRows, rowFromJournal, rowFromWatcher, type ActivityRow } from './group';

/** How much history a team shows at launch. */
export const LAUNCH_ROWS = 50;
const MAX_ROWS = 300;
/** The least time between two reads of one team's new journal entries. */
const FOLLOW_MS = 300;

/**
 * The activity view's rows: each team's recent journal, loaded when the team list is known (at launch, for every
 * team), then only the entries after the last one seen whenever that team's tasks or config change, or the window
 * itself journaled a change there (`follow`: a stall radar fix may touch no task file). Changes that no Lockstep
 * writer journaled (ClawTeam) come from the watcher's activity events.
 */
export interface Activity {
  rows: ActivityRow[];
  /** Reads a team's new journal entries now: the window journaled a change (one that may touch no task file). */
  follow(team: string): void;
}

export function useActivity(api: LockstepApi, teams: string[], selected: string | null): Activity {
  const [journal, setJournal] = useState<Map<string, ActivityRow[]>>(new Map());
  const [watched, setWatched] = useState<ActivityRow[]>([]);
  const lastSeq = useRef(new Map<string, number>());
  const inflight = useRef(new Map<string, Promise<void>>());
  const again = useRef(new Set<string>());
  const counter = useRef(0);
  const generation = useRef(0);
  const listed = useRef(new Set(teams));
  listed.current = new Set(teams);

  const fetchTeam = useCallback(
    async (team: string): Promise<void> => {
      if (inflight.current.has(team)) {
        again.current.add(team);
        return;
      }
      const gen = generation.current;
      const run = (async () => {
        try {
          const after = lastSeq.current.get(team);
          const value = await call(api, 'activity', after === undefined ? { team, limit: LAUNCH_ROWS } : { team, afterSeq: after });
          if (gen !== generation.current || !listed.current.has(team)) return;
          lastSeq.current.set(team, value.lastSeq);
          if (value.items.length === 0) return;
          setJournal((m) => {
            const next = new Map(m);
            const rows = (after === undefined ? [] : (next.get(team) ?? [])).concat(value.items.map(rowFromJournal));
            next.set(team, rows.slice(-MAX_ROWS));
            return next;
          });
        } catch {
          // A team that vanished or cannot be read shows no history; its board says why.
        }
      })();
      inflight.current.set(team, run);
      await run;
      // Busy teams (agents looping) are followed at most a few times a second, not once per change.
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_MS));
      inflight.current.delete(team);
      if (again.current.delete(team)) void fetchTeam(team);
    },
    [api],
  );

  const teamsKey = teams.join('\n');
  useEffect(() => {
    // A team renamed or deleted leaves the list: its lines go with it. A renamed team's journal moves with it and is
    // read afresh under the new name, so keeping the old name's lines would list every past line twice.
    const now = new Set(teams);
    const gone = [...lastSeq.current.keys()].filter((team) => !now.has(team));
    if (gone.length) {
      for (const team of gone) lastSeq.current.delete(team);
      setJournal((m) => new Map([...m].filter(([team]) => now.has(team))));
      setWatched((list) => list.filter((row) => now.has(row.team)));
    }
    for (const team of teams) if (!lastSeq.current.has(team) && !inflight.current.has(team)) void fetchTeam(team);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [teamsKey, fetchTeam]);

  useEffect(() => {
    const offs = [
      api.on('tasksChanged', (e) => {
        if (lastSeq.current.has(e.team)) void fetchTeam(e.team);
      }),
      api.on('teamsChanged', () => {
        if (selected && lastSeq.current.has(selected)) void fetchTeam(selected);
      }),
      api.on('activity', (a) => {
        if (a.seq === undefined) setWatched((list) => [rowFromWatcher(a, ++counter.current), ...list].slice(0, MAX_ROWS));
      }),
      api.on('folderChanged', () => {
        generation.current++;
        lastSeq.current.clear();
        setJournal(new Map());
        setWatched([]);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, fetchTeam, selected]);

  const follow = useCallback(
    (team: string) => {
      if (lastSeq.current.has(team)) void fetchTeam(team);
    },
    [fetchTeam],
  );
  const rows = useMemo(() => mergeRows([...journal.values()].flat(), watched, MAX_ROWS), [journal, watched]);
  return useMemo(() => ({ rows, follow }), [rows, follow]);
}
