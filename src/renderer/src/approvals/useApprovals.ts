import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import type { RequestList } from '../../../shared/requests';
import { call, describeFailure } from '../api';
import { allOpen, changesApprovals } from './logic';

export interface ApprovalsState {
  /** Each team's requests and idle notices, as last read. */
  lists: Record<string, RequestList>;
  /** Open requests over all teams (the top bar's count). */
  openCount: number;
  /** A team's list could not be read (in words), by team. */
  errors: Record<string, string>;
  reload(team: string): Promise<void>;
}

/**
 * Every team's requests, live: read once per team, then again only when a new history entry of that team is a
 * request, an answer or an idle notice (the new entries are read by name first, which costs little, so a busy
 * chat does not make the window re-read the whole history).
 */
export function useApprovals(api: LockstepApi, teams: string[]): ApprovalsState {
  const [lists, setLists] = useState<Record<string, RequestList>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const teamsRef = useRef(new Set<string>());
  teamsRef.current = new Set(teams);

  const reload = useCallback(
    async (team: string) => {
      try {
        const list = await call(api, 'listRequests', { team });
        if (!teamsRef.current.has(team)) return;
        setLists((all) => ({ ...all, [team]: list }));
        setErrors(({ [team]: _gone, ...rest }) => rest);
      } catch (err) {
        if (teamsRef.current.has(team)) setErrors((all) => ({ ...all, [team]: describeFailure(err) }));
      }
    },
    [api],
  );

  const key = [...teams].sort().join('\n');
  useEffect(() => {
    const names = key ? key.split('\n') : [];
    setLists((all) => Object.fromEntries(Object.entries(all).filter(([t]) => names.includes(t))));
    for (const team of names) void reload(team);
  }, [key, reload]);

  useEffect(() => {
    const offs = [
      api.on('messagesChanged', ({ team, ids }) => {
        if (!teamsRef.current.has(team)) return;
        void call(api, 'getMessagesByIds', { team, ids: ids.slice(0, 10_000) })
          .then(({ records }) => {
            if (records.some((r) => changesApprovals(r.message))) void reload(team);
          })
          .catch(() => void reload(team));
      }),
      // Another folder or database: the same team names may hold other requests.
      api.on('folderChanged', () => {
        setLists({});
        for (const team of teamsRef.current) void reload(team);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, reload]);

  const openCount = useMemo(() => allOpen(lists).length, [lists]);
  return { lists, openCount, errors, reload };
}
