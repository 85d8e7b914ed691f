import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiOutput, LockstepApi } from '../../../shared/api';
import type { MessageRecord } from '../../../shared/messages';
import { call, CallError } from '../api';

export type CostsView = ApiOutput<'getCosts'>;

export interface MessagesState {
  /** History, oldest first (file names start with the epoch ms, so name order is time order). */
  records: MessageRecord[];
  /** Older history exists beyond what is loaded (the newest PAGE entries are loaded first). */
  more: boolean;
  unread: Record<string, number>;
  costs: CostsView | null;
  loading: boolean;
  error: string | null;
}

const EMPTY: MessagesState = { records: [], more: false, unread: {}, costs: null, loading: true, error: null };
export const PAGE = 1000;

/**
 * A team's messages, unread counts and costs, live: loaded once, then on messagesChanged only the new history files
 * are read (getMessagesByIds), on inboxesChanged the counts, on costsChanged the cost overview.
 */
export function useMessages(api: LockstepApi, team: string) {
  const [state, setState] = useState<MessagesState>(EMPTY);
  const teamRef = useRef(team);
  teamRef.current = team;
  const known = useRef(new Set<string>());
  /** The newest count asked for: an older answer that arrives later is dropped (it would show a count one behind). */
  const unreadAsked = useRef(0);

  const fail = (err: unknown) => (err instanceof CallError ? err.message : String(err));

  const loadCosts = useCallback(async () => {
    try {
      const costs = await call(api, 'getCosts', { team });
      if (teamRef.current === team) setState((s) => ({ ...s, costs }));
    } catch (err) {
      if (teamRef.current === team) setState((s) => ({ ...s, error: fail(err) }));
    }
  }, [api, team]);

  const loadUnread = useCallback(async () => {
    const asked = ++unreadAsked.current;
    try {
      const { unread } = await call(api, 'getUnread', { team });
      if (teamRef.current === team && asked === unreadAsked.current) setState((s) => ({ ...s, unread }));
    } catch {
      // the team went away; teamsChanged handles that
    }
  }, [api, team]);

  const addRecords = useCallback(
    async (ids: string[]) => {
      const fresh = ids.filter((id) => !known.current.has(id));
      if (fresh.length === 0) return;
      try {
        const records: MessageRecord[] = [];
        for (let i = 0; i < fresh.length; i += 5000) {
          records.push(...(await call(api, 'getMessagesByIds', { team, ids: fresh.slice(i, i + 5000) })).records);
        }
        if (teamRef.current !== team) return;
        const added = records.filter((r) => !known.current.has(r.id));
        for (const r of added) known.current.add(r.id);
        if (added.length === 0) return;
        setState((s) => {
          const all = [...s.records, ...added];
          // Usually appended in order; sort only when a late file lands before the newest one.
          if (s.records.length && added.some((r) => r.id < s.records[s.records.length - 1].id))
            all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          return { ...s, records: all };
        });
      } catch (err) {
        if (teamRef.current === team) setState((s) => ({ ...s, error: fail(err) }));
      }
    },
    [api, team],
  );

  useEffect(() => {
    known.current = new Set();
    setState(EMPTY);
    let alive = true;
    void (async () => {
      const asked = unreadAsked.current;
      try {
        const value = await call(api, 'getMessages', { team, limit: PAGE });
        if (!alive) return;
        for (const r of value.records) known.current.add(r.id);
        // Live messages that arrived while this was loading are kept (they may be newer than what it read).
        setState((s) => {
          const loaded = new Set(value.records.map((r) => r.id));
          const live = s.records.filter((r) => !loaded.has(r.id));
          const records = live.length
            ? [...value.records, ...live].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
            : value.records;
          return {
            ...s,
            records,
            more: value.more,
            unread: asked === unreadAsked.current ? value.unread : s.unread,
            loading: false,
            error: null,
          };
        });
      } catch (err) {
        if (alive) setState((s) => ({ ...s, loading: false, error: fail(err) }));
      }
    })();
    void loadCosts();
    let budgetTimer: ReturnType<typeof setTimeout> | null = null;
    const offs = [
      api.on('messagesChanged', (p) => p.team === team && void addRecords(p.ids)),
      api.on('inboxesChanged', (p) => p.team === team && void loadUnread()),
      api.on('costsChanged', (p) => p.team === team && void loadCosts()),
      // The budget lives in the team config; another process may change it.
      api.on('teamsChanged', () => {
        if (budgetTimer) return;
        budgetTimer = setTimeout(() => {
          budgetTimer = null;
          void loadCosts();
          void loadUnread();
        }, 300);
      }),
    ];
    return () => {
      alive = false;
      if (budgetTimer) clearTimeout(budgetTimer);
      for (const off of offs) off();
    };
  }, [api, team, addRecords, loadUnread, loadCosts]);

  /** Reads the next older page of history (it goes below what is shown: nothing moves). */
  const loadOlder = useCallback(async () => {
    const oldest = state.records[0]?.id;
    if (!oldest) return;
    try {
      const value = await call(api, 'getMessages', { team, before: oldest, limit: PAGE });
      if (teamRef.current !== team) return;
      const added = value.records.filter((r) => !known.current.has(r.id));
      for (const r of added) known.current.add(r.id);
      setState((s) => ({ ...s, records: [...added, ...s.records], more: value.more }));
    } catch (err) {
      if (teamRef.current === team) setState((s) => ({ ...s, error: fail(err) }));
    }
  }, [api, team, state.records]);

  const setBudgetCents = useCallback(
    (budgetCents: number) => setState((s) => (s.costs ? { ...s, costs: { ...s.costs, summary: { ...s.costs.summary, budgetCents } } } : s)),
    [],
  );

  return { ...state, setBudgetCents, reloadCosts: loadCosts, loadOlder };
}
