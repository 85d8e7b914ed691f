import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiOutput } from '../../../shared/api';
import type { MessageRecord } from '../../../shared/messages';
import { call, CallError } from '../api';
import { useApi } from '../state/api-context';
import { keys } from '../state/queries';

export type CostsView = ApiOutput<'getCosts'>;

interface History {
  /** History, oldest first (file names start with the epoch ms, so name order is time order). */
  records: MessageRecord[];
  /** Older history exists beyond what is loaded (the newest PAGE entries are loaded first). */
  more: boolean;
  unread: Record<string, number>;
}

export const PAGE = 1000;
const byId = (a: MessageRecord, b: MessageRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const say = (err: unknown) => (err instanceof CallError ? err.message : String(err));

/**
 * A team's messages, unread counts and costs, live: two queries (history with the unread counts, and costs) read
 * once, then on messagesChanged only the new history files are read (getMessagesByIds) into the cached history, on
 * inboxesChanged the counts, on costsChanged the cost overview again.
 */
export function useTeamMessages(team: string) {
  const api = useApi();
  const client = useQueryClient();
  const key = keys.messages(team);
  // What this team's history already holds, and what arrived live before the first page was read.
  const seen = useRef({ team, known: new Set<string>(), early: [] as MessageRecord[], lateUnread: null as History['unread'] | null });
  const local = useCallback(() => {
    if (seen.current.team !== team) seen.current = { team, known: new Set(), early: [], lateUnread: null };
    return seen.current;
  }, [team]);
  /** The newest count asked for: an older answer that arrives later is dropped (it would show a count one behind). */
  const unreadAsked = useRef(0);
  const [error, setError] = useState<{ team: string; text: string } | null>(null);
  const failed = useCallback((err: unknown) => setError({ team, text: say(err) }), [team]);

  const history = useQuery({
    queryKey: key,
    queryFn: async (): Promise<History> => {
      const asked = unreadAsked.current;
      const mine = local();
      const value = await call(api, 'getMessages', { team, limit: PAGE });
      for (const r of value.records) mine.known.add(r.id);
      // Live messages that arrived while this was loading are kept (they may be newer than what it read).
      const loaded = new Set(value.records.map((r) => r.id));
      const live = mine.early.filter((r) => !loaded.has(r.id));
      mine.early = [];
      const unread = asked === unreadAsked.current ? value.unread : (mine.lateUnread ?? value.unread);
      setError(null);
      return { records: live.length ? [...value.records, ...live].sort(byId) : value.records, more: value.more, unread };
    },
  });
  const costs = useQuery({ queryKey: keys.costs(team), queryFn: () => call(api, 'getCosts', { team }) });

  const setHistory = useCallback(
    (update: (h: History) => History) => client.setQueryData<History>(keys.messages(team), (h) => h && update(h)),
    [client, team],
  );

  const loadUnread = useCallback(async () => {
    const asked = ++unreadAsked.current;
    try {
      const { unread } = await call(api, 'getUnread', { team });
      if (asked !== unreadAsked.current) return;
      if (client.getQueryData(keys.messages(team))) setHistory((h) => ({ ...h, unread }));
      else local().lateUnread = unread;
    } catch {
      // the team went away; teamsChanged handles that
    }
  }, [api, team, client, setHistory, local]);

  const addRecords = useCallback(
    async (ids: string[]) => {
      const mine = local();
      const fresh = ids.filter((id) => !mine.known.has(id));
      if (fresh.length === 0) return;
      try {
        const records: MessageRecord[] = [];
        for (let i = 0; i < fresh.length; i += 5000) {
          records.push(...(await call(api, 'getMessagesByIds', { team, ids: fresh.slice(i, i + 5000) })).records);
        }
        if (seen.current !== mine) return;
        const added = records.filter((r) => !mine.known.has(r.id));
        for (const r of added) mine.known.add(r.id);
        if (added.length === 0) return;
        if (!client.getQueryData(keys.messages(team))) {
          mine.early.push(...added);
          return;
        }
        setHistory((h) => {
          const all = [...h.records, ...added];
          // Usually appended in order; sort only when a late file lands before the newest one.
          if (h.records.length && added.some((r) => r.id < h.records[h.records.length - 1].id)) all.sort(byId);
          return { ...h, records: all };
        });
      } catch (err) {
        failed(err);
      }
    },
    [api, team, client, setHistory, local, failed],
  );

  useEffect(() => {
    const reloadCosts = () => void client.invalidateQueries({ queryKey: keys.costs(team) });
    let budgetTimer: ReturnType<typeof setTimeout> | null = null;
    const offs = [
      api.on('messagesChanged', (p) => p.team === team && void addRecords(p.ids)),
      api.on('inboxesChanged', (p) => p.team === team && void loadUnread()),
      api.on('costsChanged', (p) => p.team === team && reloadCosts()),
      // The budget lives in the team config; another process may change it.
      api.on('teamsChanged', () => {
        if (budgetTimer) return;
        budgetTimer = setTimeout(() => {
          budgetTimer = null;
          reloadCosts();
          void loadUnread();
        }, 300);
      }),
    ];
    return () => {
      if (budgetTimer) clearTimeout(budgetTimer);
      for (const off of offs) off();
    };
  }, [api, team, client, addRecords, loadUnread]);

  const records = history.data?.records;
  /** Reads the next older page of history (it goes below what is shown: nothing moves). */
  const loadOlder = useCallback(async () => {
    const oldest = records?.[0]?.id;
    if (!oldest) return;
    const mine = local();
    try {
      const value = await call(api, 'getMessages', { team, before: oldest, limit: PAGE });
      if (seen.current !== mine) return;
      const added = value.records.filter((r) => !mine.known.has(r.id));
      for (const r of added) mine.known.add(r.id);
      setHistory((h) => ({ ...h, records: [...added, ...h.records], more: value.more }));
    } catch (err) {
      failed(err);
    }
  }, [api, team, records, setHistory, local, failed]);

  const setBudgetCents = useCallback(
    (budgetCents: number) => client.setQueryData<CostsView>(keys.costs(team), (c) => c && { ...c, summary: { ...c.summary, budgetCents } }),
    [client, team],
  );
  const reloadCosts = useCallback(() => client.invalidateQueries({ queryKey: keys.costs(team) }), [client, team]);

  const problem = history.error ?? costs.error;
  return {
    records: records ?? NO_RECORDS,
    more: history.data?.more ?? false,
    unread: history.data?.unread ?? NO_UNREAD,
    costs: costs.data ?? null,
    loading: history.isPending,
    error: error?.team === team ? error.text : problem ? say(problem) : null,
    setBudgetCents,
    reloadCosts,
    loadOlder,
  };
}

const NO_RECORDS: MessageRecord[] = [];
const NO_UNREAD: Record<string, number> = {};
