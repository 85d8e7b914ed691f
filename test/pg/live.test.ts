import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/pg-store';
import { postgresBackend as pg, sql } from '../race/backends';
import { lockstepAt } from '../features/cli-harness';

/** Live updates: every committed change, from any process, is announced through LISTEN/NOTIFY. */

// A notice's own kind (a message or a cost changed) replaces 'change' when the store gives one.
type Event = { kind: 'change' | 'costs' | 'messages'; team: string; seq?: number } | { kind: 'status'; status: string };

function recorder() {
  const events: Event[] = [];
  const waiters: Array<() => void> = [];
  const push = (e: Event) => {
    events.push(e);
    for (const w of waiters.splice(0)) w();
  };
  const until = async (pred: (e: Event) => boolean, from = 0): Promise<Event> => {
    for (;;) {
      const found = events.slice(from).find(pred);
      if (found) return found;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { events, push, until };
}

describe.skipIf(pg.skipReason !== null)('live updates through LISTEN/NOTIFY', () => {
  beforeAll(() => pg.start(), 60_000);
  afterAll(async () => {
    await pg.cleanup();
    await pg.stop();
  });

  it('announces each committed change of another process with its team and journal number, and nothing for a refused one', async () => {
    const url = await pg.fixture();
    const store = new PostgresStore({ url });
    const rec = recorder();
    const stop = await store.watch(
      (c) => rec.push({ kind: 'change', ...c }),
      (status) => rec.push({ kind: 'status', status }),
    );
    await rec.until((e) => e.kind === 'status' && e.status === 'connected');
    const cli = (args: string[]) => lockstepAt(['--store', url], args);
    expect(cli(['task', 'claim', 'webapp', '087e245f', '--as', 'ann']).code).toBe(0);
    const first = await rec.until((e) => e.kind === 'change');
    const journal = await pg.journal(url, 'webapp');
    expect(first).toEqual({ kind: 'change', team: 'webapp', seq: journal.at(-1)?.seq });
    const mark = rec.events.length;
    expect(cli(['task', 'claim', 'webapp', '087e245f', '--as', 'bo']).json.error.code).toBe('TASK_LOCKED'); // rolled back
    expect(cli(['task', 'update', 'webapp', '797906f1', '--priority', 'low']).code).toBe(0);
    const next = await rec.until((e) => e.kind === 'change', mark);
    expect(next).toEqual({ kind: 'change', team: 'webapp', seq: (first as { seq: number }).seq + 1 });
    expect(rec.events.slice(mark).filter((e) => e.kind === 'change')).toHaveLength(1);
    await stop();
    await store.close();
  });

  it('says when its connection is lost, reconnects, asks for a full re-read, and hears later changes', async () => {
    const url = await pg.fixture();
    const store = new PostgresStore({ url });
    const rec = recorder();
    const stop = await store.watch(
      (c) => rec.push({ kind: 'change', ...c }),
      (status) => rec.push({ kind: 'status', status }),
    );
    await rec.until((e) => e.kind === 'status' && e.status === 'connected');
    const mark = rec.events.length;
    await sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lockstep-listen' AND datname = current_database()");
    await rec.until((e) => e.kind === 'status' && e.status === 'unavailable', mark);
    await rec.until((e) => e.kind === 'status' && e.status === 'connected', mark);
    await rec.until((e) => e.kind === 'change' && e.team === '*', mark);
    const after = rec.events.length;
    expect(lockstepAt(['--store', url], ['task', 'create', 'research', 'after the outage']).code).toBe(0);
    expect(await rec.until((e) => e.kind === 'change', after)).toMatchObject({ team: 'research' });
    await stop();
    await store.close();
  });
});
