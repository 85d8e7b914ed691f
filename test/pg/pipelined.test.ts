import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgContext } from '../../src/store/postgres/pg-context';
import { PostgresStore } from '../../src/store/postgres/pg-store';
import { loadTaskRow, taskParams, updateTaskChecked } from '../../src/store/postgres/rows';
import { postgresBackend as pg, sql } from '../race/backends';

/**
 * A mutation's writes, its journal entry and its COMMIT go to the server together (pg-context.ts queue/commit). A
 * write that does not apply (its row is no longer at the version it was read at) must roll all of it back: no task
 * change, no journal entry, a busy error after the bounded retries, and the connection usable afterwards.
 */
describe.skipIf(pg.skipReason !== null)('statements sent ahead of COMMIT', () => {
  beforeAll(() => pg.start(), 60_000);
  afterAll(async () => {
    await pg.cleanup();
    await pg.stop();
  });

  it('a checked write that finds another version rolls back the writes and journal entry sent with it', async () => {
    const url = await pg.empty();
    const store = new PostgresStore({ url });
    await store.createTeam({ name: 'pipe' });
    const task = await store.createTask('pipe', { subject: 'first' });
    const rowsBefore = await sql(url, 'SELECT raw, version FROM lockstep_tasks WHERE id = $1', [task.id]);
    const journalBefore = await sql(url, 'SELECT count(*)::int AS n FROM lockstep_journal');

    const ctx = new PgContext({ url, retry: { busyAttempts: 2 } });
    const attempt = ctx.transact(async (client, opId) => {
      await client.query('BEGIN');
      const teamId = String((await client.query('SELECT id FROM lockstep_teams WHERE name = $1', ['pipe'])).rows[0].id);
      const loaded = loadTaskRow('pipe', (await client.query('SELECT id, raw FROM lockstep_tasks WHERE id = $1', [task.id])).rows[0]);
      const changed = { ...loaded.task, subject: 'second' };
      // Checked against a version the row never had; a second write and the journal entry are queued behind it.
      ctx.queue(client, updateTaskChecked(client, taskParams(teamId, changed, loaded.extra, '{}', 'v-new'), 'not-the-version'));
      ctx.queue(client, client.query("UPDATE lockstep_teams SET config_raw = config_raw || ' ' WHERE id = $1", [teamId]));
      void ctx.queueJournal(client, teamId, ctx.entry('pipe', ctx.info('task.update', 'tester', { taskId: task.id }), []), opId);
    });
    await expect(attempt).rejects.toMatchObject({ code: 'STORE_BUSY' });

    expect(await sql(url, 'SELECT raw, version FROM lockstep_tasks WHERE id = $1', [task.id])).toEqual(rowsBefore);
    expect(await sql(url, 'SELECT count(*)::int AS n FROM lockstep_journal')).toEqual(journalBefore);
    expect((await sql(url, "SELECT config_raw FROM lockstep_teams WHERE name = 'pipe'"))[0].config_raw).not.toMatch(/ $/);

    // The same pool goes on working, and a real change still lands with its journal entry.
    const done = await ctx.transact(async (client) => {
      await client.query('BEGIN');
      return (await client.query('SELECT 1 AS one')).rows[0].one;
    });
    expect(done).toBe(1);
    await store.updateTask('pipe', task.id, { subject: 'third' });
    expect((await store.getTask('pipe', task.id)).subject).toBe('third');
    expect(await sql(url, 'SELECT count(*)::int AS n FROM lockstep_journal')).toEqual([{ n: journalBefore[0].n + 1 }]);
    await ctx.pool.end();
    await store.close();
  });
});
