import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { RequestList } from '../../../shared/requests';
import { call, describeFailure } from '../api';
import { useBridge } from '../state/api-context';
import { keys } from '../state/queries';
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
 * Every team's requests, live: one query per team, read again only when a new history entry of that team is a
 * request, an answer or an idle notice (the new entries are read by name first, which costs little, so a busy chat
 * does not make the window re-read the whole history). Answers go to the bridge, never the undo stack.
 */
export function useApprovals(teams: string[]): ApprovalsState {
  const api = useBridge();
  const client = useQueryClient();
  const teamsRef = useRef(new Set<string>());
  teamsRef.current = new Set(teams);

  // One function for as long as the teams are the same: the lists keep their identity until a list changes.
  const key = teams.join('\n');
  const combine = useCallback(
    (results: Array<{ data?: RequestList; error: Error | null }>) => {
      const names = key ? key.split('\n') : [];
      const lists: Record<string, RequestList> = {};
      const errors: Record<string, string> = {};
      results.forEach((r, i) => {
        if (r.data) lists[names[i]] = r.data;
        if (r.error) errors[names[i]] = describeFailure(r.error);
      });
      return { lists, errors };
    },
    [key],
  );
  const { lists, errors } = useQueries({
    queries: teams.map((team) => ({ queryKey: keys.requests(team), queryFn: () => call(api, 'listRequests', { team }) })),
    combine,
  });

  const reload = useCallback((team: string) => client.invalidateQueries({ queryKey: keys.requests(team) }), [client]);

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
      api.on('folderChanged', () => void client.resetQueries({ queryKey: keys.allRequests })),
    ];
    return () => offs.forEach((off) => off());
  }, [api, client, reload]);

  const openCount = useMemo(() => allOpen(lists).length, [lists]);
  return { lists, openCount, errors, reload };
}
