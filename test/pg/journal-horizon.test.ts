import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseWatcher } from '../../src/main/db-watcher';
import type { EventName, EventPayload } from '../../src/shared/api';
import type { JournalEntry } from '../../src/store';
import { MIGRATIONS } from '../../src/store/postgres/migrations';
import { PostgresStore } from '../../src/store/postgres/pg-store';
import { postgresBackend as pg, sql } from '../race/backends';
import { startCluster } from './cluster.mjs';

/**
 * The journal on PostgreSQL is numbered by a sequence per team, not by a head row every commit takes (migration 5),
 * so changes of one team commit in parallel and out of number order. A reader following journalSince must still
 * never miss an entry nor see two out of order: it reads only up to the horizon (pg-journal.ts).
 */

const WRITERS = 8;
const PER_WRITER = 25;

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'lockstep-test' });
  await client.connect();
  return client;
}

/**
 * One change the slow way, on a plain connection: the team row and a task row locked as the store locks them, the
 * entry numbered (lockstep_journal_append, as the store's commit does), then the transaction is held open until
 * another writer has committed a larger number, so this one commits out of order. Every third one rolls back
 * instead, leaving its number unused.
 */
async function slowChange(
  client: Client,
  watcher: Client,
  teamId: string,
  taskId: string,
  actor: string,
  i: number,
): Promise<number | null> {
  await client.query('BEGIN');
  await client.query('SELECT id FROM lockstep_teams WHERE id = $1 FOR SHARE', [teamId]);
  await client.query('SELECT id FROM lockstep_tasks WHERE team_id = $1 AND id = $2 FOR UPDATE', [teamId, taskId]);
  const line = JSON.stringify({
    seq: 0,
    at: new Date().toISOString(),
    actor,
    via: 'test',
    op: 'task.note',
    taskId,
    tasks: [],
    details: { i },
  });
  const r = await client.query('SELECT lockstep_journal_append($1, $2, $3, $4, $5, $6, $7, NULL) AS seq', [
    teamId,
    'now',
    actor,
    'test',
    'task.note',
    [taskId],
    line,
  ]);
  const seq = Number(r.rows[0].seq);
  // Held open (pg_sleep, locks and number taken) until somebody committed past this number, or for at most 2 s.
  for (let waited = 0; waited < 40; waited++) {
    const top = await watcher.query('SELECT coalesce(max(seq), 0) AS top FROM lockstep_journal WHERE team_id = $1', [teamId]);
    if (Number(top.rows[0].top) > seq) break;
    await client.query('SELECT pg_sleep(0.05)');
  }
  if (i % 3 === 2) {
    await client.query('ROLLBACK');
    return null;
  }
  await client.query('COMMIT');
  return seq;
}

let cluster: Awaited<ReturnType<typeof startCluster>>;

describe.skipIf(pg.skipReason !== null)('the journal on PostgreSQL: numbered without a head row', () => {
  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it(`${WRITERS} writers in overlapping transactions, some slow to commit after taking their number, and a reader following journalSince: never a missed or reordered entry`, async () => {
    const url = cluster.createDatabase();
    const admin = new PostgresStore({ url });
    await admin.migrate();
    await admin.createTeam({ name: 'swarm' });
    const ids: string[] = [];
    for (let i = 0; i < WRITERS; i++) ids.push((await admin.createTask('swarm', { subject: `task ${i}` })).id);
    const teamId = String((await sql(url, "SELECT id FROM lockstep_teams WHERE name = 'swarm'"))[0].id);

    // The reader: journalSince from its last number, throughout, on a store of its own.
    const reader = new PostgresStore({ url });
    const seen: JournalEntry[] = [];
    let cursor = (await reader.journalSince('swarm', 0)).at(-1)?.seq ?? 0;
    const readBatch = async () => {
      const batch = await reader.journalSince('swarm', cursor);
      for (const e of batch) {
        expect(e.seq).toBeGreaterThan(cursor);
        seen.push(e);
        cursor = e.seq;
      }
    };
    const before = cursor;
    let writing = true;
    let reads = 0;
    const following = (async () => {
      while (writing) {
        await readBatch();
        reads++;
        await new Promise((r) => setTimeout(r, 2));
      }
    })();

    // Half the writers go through the store (task updates, one task each: no row lock between them), half are slow.
    // The store's writers keep going while a slow one is at work, so each slow one soon sees a larger number commit.
    const slowCommitted: number[] = [];
    const updates = new Map<number, number>();
    let slowAtWork = WRITERS / 2;
    let outOfOrder = 0;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      if (w % 2 === 0) {
        const store = new PostgresStore({ url, poolSize: 1 });
        let i = 0;
        for (; i < PER_WRITER || slowAtWork > 0; i++)
          await store.updateTask('swarm', ids[w], { metadata: { [`w${w}`]: i } }, { agent: `agent-${w}` });
        updates.set(w, i);
        await store.close();
        return;
      }
      const client = await connect(url);
      const watcher = await connect(url);
      for (let i = 0; i < PER_WRITER; i++) {
        const seq = await slowChange(client, watcher, teamId, ids[w], `slow-${w}`, i);
        if (seq === null) continue;
        slowCommitted.push(seq);
        // Committed after a larger number was: out of number order.
        const top = await watcher.query('SELECT max(seq) AS top FROM lockstep_journal WHERE team_id = $1', [teamId]);
        if (Number(top.rows[0].top) > seq) outOfOrder++;
      }
      slowAtWork--;
      await client.end();
      await watcher.end();
    });
    await Promise.all(writers);
    writing = false;
    await following;
    await readBatch(); // the last ones, now that every writer is done

    const full = await reader.history('swarm');
    const after = full.filter((e) => e.seq > before);
    // Exactly the final journal, in its order: nothing missed, nothing twice, nothing out of order.
    expect(seen.map((e) => e.seq)).toEqual(after.map((e) => e.seq));
    expect(seen.map((e) => JSON.stringify(e))).toEqual(after.map((e) => JSON.stringify(e)));
    expect(after.filter((e) => e.op === 'task.update')).toHaveLength([...updates.values()].reduce((a, b) => a + b, 0));
    expect(after.filter((e) => e.op === 'task.note').map((e) => e.seq)).toEqual([...slowCommitted].sort((a, b) => a - b));
    // The race was real: changes committed out of number order, numbers were left unused, the reader read often.
    expect(outOfOrder).toBeGreaterThan(0);
    const numbers = after.map((e) => e.seq);
    expect(numbers[numbers.length - 1] - numbers[0] + 1).toBeGreaterThan(numbers.length);
    expect(reads).toBeGreaterThan(10);
    // The store's own changes: each update's metadata is all there (no lost update).
    for (let w = 0; w < WRITERS; w += 2) expect((await admin.getTask('swarm', ids[w])).metadata?.[`w${w}`]).toBe((updates.get(w) ?? 0) - 1);
    await reader.close();
    await admin.close();
  }, 120_000);

  it("the app's watcher: a change announced while an older transaction is open reaches the window once that one ends", async () => {
    const url = cluster.createDatabase();
    const store = new PostgresStore({ url });
    await store.migrate();
    await store.createTeam({ name: 'w' });
    const task = await store.createTask('w', { subject: 'watched' });
    const listener = new PostgresStore({ url });
    const events: Array<{ event: string; payload: unknown }> = [];
    const statuses: string[] = [];
    const watcher = new DatabaseWatcher(
      listener,
      <E extends EventName>(event: E, payload: EventPayload<E>) => events.push({ event, payload }),
      (state) => statuses.push(state),
    );
    watcher.prime('w', (await listener.listTasks('w')).tasks);
    await watcher.start();
    await expect.poll(() => statuses).toContain('connected');
    // An older transaction with an xid stays open: the change commits and is announced, but it is not final yet.
    const blocker = await connect(url);
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_current_xact_id()');
    await store.updateTask('w', task.id, { priority: 'urgent' });
    const changed = () => events.some((e) => e.event === 'tasksChanged' && (e.payload as { ids: string[] }).ids.includes(task.id));
    // Long enough for the watcher's read to give up waiting (2 s) and return without the entry.
    await new Promise((r) => setTimeout(r, 2_500));
    await blocker.query('COMMIT');
    await blocker.end();
    await expect.poll(changed, { timeout: 20_000 }).toBe(true);
    expect(events.find((e) => e.event === 'activity')?.payload).toMatchObject({ team: 'w', taskId: task.id });
    await watcher.stop();
    await listener.close();
    await store.close();
  }, 60_000);

  it('a database at version 4 (head rows) migrates: its entries stay readable and numbering continues after them', async () => {
    const url = cluster.createDatabase();
    const client = await connect(url);
    try {
      await client.query(
        'CREATE TABLE lockstep_schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      for (const m of MIGRATIONS.filter((x) => x.version <= 4)) {
        await client.query(m.sql);
        await client.query('INSERT INTO lockstep_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      // A team as version 4 left it: three entries and its head at 3.
      const team = await client.query(`INSERT INTO lockstep_teams (name, config_raw) VALUES ('old', $1) RETURNING id`, [
        JSON.stringify({ name: 'old', description: '', leadAgentId: '', createdAt: '2026-01-01T00:00:00Z', members: [] }),
      ]);
      const teamId = String(team.rows[0].id);
      for (let seq = 1; seq <= 3; seq++) {
        const line = JSON.stringify({ seq, at: '2026-01-01T00:00:00Z', actor: 'ann', via: 'cli', op: 'task.note', tasks: [] });
        await client.query(
          "INSERT INTO lockstep_journal (team_id, seq, at, actor, via, op, task_ids, line) VALUES ($1, $2, 'x', 'ann', 'cli', 'task.note', '{}', $3)",
          [teamId, seq, line],
        );
      }
      await client.query('INSERT INTO lockstep_journal_heads (team_id, seq) VALUES ($1, 3)', [teamId]);
    } finally {
      await client.end();
    }
    const store = new PostgresStore({ url });
    expect((await store.migrate()).applied).toEqual([5, 6]);
    expect((await store.journalSince('old', 0)).map((e) => e.seq)).toEqual([1, 2, 3]);
    const { journaled } = await store.track(() => store.createTask('old', { subject: 'after the upgrade' }));
    expect(journaled.map((j) => j.entry.seq)).toEqual([4]);
    expect((await store.journalSince('old', 3)).map((e) => [e.seq, e.op])).toEqual([[4, 'task.create']]);
    expect((await store.history('old')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    // A new team starts at 1; deleting teams for good drops their sequences.
    await store.createTeam({ name: 'fresh' });
    expect((await store.journalSince('fresh', 0)).map((e) => e.seq)).toEqual([1]);
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'S' AND relname LIKE 'lockstep_journal_seq_%'")).toEqual(
      [{ n: 2 }],
    );
    await sql(url, "DELETE FROM lockstep_teams WHERE name = 'fresh'");
    expect(await sql(url, "SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'S' AND relname LIKE 'lockstep_journal_seq_%'")).toEqual(
      [{ n: 1 }],
    );
    await store.close();
  });
});
