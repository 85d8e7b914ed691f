import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/pg-store';
import { backendsHere, postgresBackend, sql, storesOf, type Backend } from '../race/backends';
import { Barrier, runNode } from '../race/harness';

/**
 * Team messages, costs, budgets, the team trash and tracked changes, on both backends from one set of tests: the
 * same calls (`Store.messages`, `Store.costs`, …) and the same CLI commands give the same results on a data folder
 * and on a database.
 */

const RECEIVER = path.join(__dirname, 'receive-worker.cjs');
const contents = (ms: Array<{ content?: string }>) => ms.map((m) => m.content);
const recContents = (rs: Array<{ message: { content?: string } }>) => rs.map((r) => r.message.content);

function suite(backend: Backend): void {
  const { open, cli } = storesOf(backend);

  it('send, peek, receive each message once, unread counts, and the history log (oldest first, never consumed)', async () => {
    const m = open(await backend.fixture()).messages;
    const sent = await m.send('webapp', { from: 'frontend', to: 'lead', content: 'hi lead', fields: { reason: 'why not' } });
    expect(sent).toMatchObject({ type: 'message', from: 'frontend', to: 'lead', content: 'hi lead', reason: 'why not' });
    expect(sent.requestId).toMatch(/^[0-9a-f]{12}$/);
    await m.send('webapp', { from: 'lead', to: 'tester', content: 't1' });
    await m.send('webapp', { from: 'lead', to: 'tester', content: 't2' });
    // lead has a user (ana): its inbox is ana_lead, as ClawTeam names it.
    expect(await m.recipients('webapp')).toEqual(['ana_lead', 'tester']);
    expect(await m.unreadCounts('webapp')).toEqual({ ana_lead: 1, tester: 2 });
    expect(contents(await m.peek('webapp', 'tester'))).toEqual(['t1', 't2']);
    expect(contents(await m.peek('webapp', 'tester'))).toEqual(['t1', 't2']); // peek takes nothing
    expect(contents(await m.receive('webapp', 'tester', 1))).toEqual(['t1']);
    expect(contents(await m.receive('webapp', 'tester'))).toEqual(['t2']);
    expect(await m.receive('webapp', 'tester')).toEqual([]);
    expect(await m.unreadCounts('webapp')).toEqual({ ana_lead: 1, tester: 0 });
    expect(recContents(await m.log('webapp'))).toEqual(['hi lead', 't1', 't2']);
    expect(recContents(await m.log('webapp', { limit: 2 }))).toEqual(['t1', 't2']);
    expect(recContents(await m.log('webapp', { from: 'frontend' }))).toEqual(['hi lead']);
    await expect(m.send('nowhere', { from: 'lead', to: 'tester', content: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(m.send('webapp', { from: 'lead', to: '../etc', content: 'x' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(m.receive('webapp', 'tester', 0)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(m.log('webapp', { limit: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('broadcast: one message to every other inbox, none to the sender', async () => {
    const m = open(await backend.fixture()).messages;
    await m.send('webapp', { from: 'lead', to: 'outsider', content: 'an inbox of a non-member' });
    const b = await m.broadcast('webapp', { from: 'frontend', content: 'standup' });
    expect(b.recipients).toEqual(['ana_lead', 'backend', 'outsider', 'tester']);
    expect(b.count).toBe(4);
    expect(b.messages.every((x) => x.type === 'broadcast' && x.from === 'frontend')).toBe(true);
    for (const who of ['lead', 'backend', 'outsider', 'tester']) expect(contents(await m.receive('webapp', who)).filter((c) => c === 'standup')).toEqual(['standup']);
    expect(await m.receive('webapp', 'frontend')).toEqual([]);
  });

  it('history pages back from the newest (readHistory before/limit), and readEvents reads only what is new', async () => {
    const m = open(await backend.fixture()).messages;
    for (let i = 0; i < 25; i++) await m.send('webapp', { from: 'lead', to: 'tester', content: `m${i}` });
    const first = await m.readHistory('webapp', { limit: 10 });
    expect(recContents(first.records)).toEqual(Array.from({ length: 10 }, (_, i) => `m${15 + i}`));
    expect(first.more).toBe(true);
    expect(first.names).toHaveLength(25);
    const second = await m.readHistory('webapp', { before: first.records[0].id, limit: 10 });
    expect(recContents(second.records)).toEqual(Array.from({ length: 10 }, (_, i) => `m${5 + i}`));
    expect(second.more).toBe(true);
    const last = await m.readHistory('webapp', { before: second.records[0].id, limit: 10 });
    expect(recContents(last.records)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(last.more).toBe(false);
    const known = new Set(first.names);
    expect((await m.readEvents('webapp', known)).records).toEqual([]);
    await m.send('webapp', { from: 'tester', to: 'lead', content: 'new one' });
    const fresh = await m.readEvents('webapp', known);
    expect(recContents(fresh.records)).toEqual(['new one']);
    expect(recContents((await m.readEvents('webapp', undefined, new Set([fresh.records[0].id]))).records)).toEqual(['new one']);
  });

  it('costs: report, events, summary, overview and the budget', async () => {
    const store = open(await backend.fixture());
    const c = store.costs;
    const first = await c.report('webapp', { agentName: 'frontend', inputTokens: 1000, outputTokens: 200, costCents: 150, provider: 'p', model: 'm' });
    expect(first).toMatchObject({ agentName: 'frontend', costCents: 150, inputTokens: 1000, outputTokens: 200, provider: 'p', model: 'm' });
    await c.report('webapp', { agentName: 'backend', inputTokens: 10, outputTokens: 2, costCents: 25 });
    await c.report('webapp', { agentName: 'frontend', inputTokens: 5, outputTokens: 5, costCents: 50.5 });
    expect((await c.events('webapp')).map((e) => e.costCents)).toEqual([150, 25, 50.5]);
    expect((await c.events('webapp', 'frontend')).map((e) => e.costCents)).toEqual([150, 50.5]);
    expect(await c.summary('webapp')).toEqual({
      teamName: 'webapp',
      totalCostCents: 225.5,
      totalInputTokens: 1015,
      totalOutputTokens: 207,
      byAgent: { backend: 25, frontend: 200.5 },
      eventCount: 3,
      budgetCents: 0,
    });
    expect((await store.setBudget('webapp', 500)).budgetCents).toBe(500);
    expect((await store.getTeam('webapp')).budgetCents).toBe(500);
    const overview = await c.overview('webapp');
    expect(overview.summary.budgetCents).toBe(500);
    expect(overview.agents).toEqual([
      { agentName: 'frontend', costCents: 200.5, inputTokens: 1005, outputTokens: 205, events: 2 },
      { agentName: 'backend', costCents: 25, inputTokens: 10, outputTokens: 2, events: 1 },
    ]);
    await expect(store.setBudget('webapp', -1)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(c.report('webapp', { agentName: 'frontend', costCents: -3 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await store.getTeam('webapp')).budgetCents).toBe(500);
  });

  it('the team trash: delete returns an id; restore brings back tasks, members, journal, messages and costs; a taken name is refused', async () => {
    const store = open(await backend.fixture());
    await store.messages.send('webapp', { from: 'lead', to: 'tester', content: 'still here?' });
    await store.costs.report('webapp', { agentName: 'lead', costCents: 7 });
    const tasksBefore = (await store.listTasks('webapp')).tasks.map((t) => t.id).sort();
    const journalBefore = await store.history('webapp');
    const deleted = await store.deleteTeam('webapp');
    expect(deleted.team).toBe('webapp');
    expect(deleted.deletedTasks).toBe(tasksBefore.length);
    expect(deleted.trash).toMatch(/^[a-z0-9]{1,12}-[0-9a-f]{6}$/);
    expect((await store.listTeams()).teams.map((t) => t.name)).toEqual(['research']);
    await expect(store.getTeam('webapp')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A new team of that name: the old one is not brought back over it, and the new one is untouched.
    await store.createTeam({ name: 'webapp', description: 'new', members: [{ name: 'solo' }] });
    await expect(store.restoreTeam(deleted.trash)).rejects.toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('exists again') });
    expect((await store.getTeam('webapp')).members.map((m) => m.name)).toEqual(['solo']);
    const second = await store.deleteTeam('webapp');
    const restored = await store.restoreTeam(deleted.trash);
    expect(restored.members.map((m) => m.name)).toEqual(['lead', 'frontend', 'backend', 'tester']);
    expect((await store.listTasks('webapp')).tasks.map((t) => t.id).sort()).toEqual(tasksBefore);
    expect(contents(await store.messages.peek('webapp', 'tester'))).toEqual(['still here?']);
    expect((await store.costs.summary('webapp')).totalCostCents).toBe(7);
    const journalAfter = await store.history('webapp');
    expect(journalAfter.slice(0, journalBefore.length)).toEqual(journalBefore); // the journal came back with the team
    expect(journalAfter.at(-1)).toMatchObject({ op: 'team.restore', details: { name: 'webapp', trash: deleted.trash } });
    await expect(store.restoreTeam(deleted.trash)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.restoreTeam('../../etc')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    // The second deletion (the new team) is still in the trash, and refused while webapp exists.
    await expect(store.restoreTeam(second.trash)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('track reports the journal entries the work committed (not a refused one); journalSince reads after a number', async () => {
    const store = open(await backend.fixture());
    const { value, journaled } = await store.track(async () => {
      await store.updateTask('webapp', '087e245f', { priority: 'high' }, { agent: 'ann' });
      await store.claimTask('webapp', '087e245f', { agent: 'ann' }).catch(() => undefined);
      await store.claimTask('webapp', '087e245f', { agent: 'bo' }).catch(() => undefined); // TASK_LOCKED: nothing journaled
      return 'done';
    });
    expect(value).toBe('done');
    expect(journaled.map((j) => [j.team, j.entry.op, j.entry.actor])).toEqual([
      ['webapp', 'task.update', 'ann'],
      ['webapp', 'task.claim', 'ann'],
    ]);
    expect(journaled[1].entry.seq).toBe(journaled[0].entry.seq + 1);
    const since = await store.journalSince('webapp', journaled[0].entry.seq);
    expect(since.map((e) => [e.seq, e.op])).toEqual([[journaled[1].entry.seq, 'task.claim']]);
    expect(await store.journalSince('webapp', journaled[1].entry.seq)).toEqual([]);
  });

  it('the CLI: inbox, cost and budget commands, team delete and team restore', async () => {
    const loc = await backend.fixture();
    expect(cli(loc, ['inbox', 'send', 'webapp', 'tester', 'hello', '--as', 'lead']).code).toBe(0);
    expect(cli(loc, ['inbox', 'broadcast', 'webapp', 'all hands', '--as', 'lead']).json.recipients).toEqual(['backend', 'frontend', 'tester']);
    expect(cli(loc, ['inbox', 'peek', 'webapp', '--as', 'tester']).json.count).toBe(2);
    expect(contents(cli(loc, ['inbox', 'receive', 'webapp', '--as', 'tester']).json.messages)).toEqual(['hello', 'all hands']);
    expect(cli(loc, ['inbox', 'receive', 'webapp', '--as', 'tester']).json.count).toBe(0);
    expect(contents(cli(loc, ['inbox', 'log', 'webapp', '--from', 'lead']).json.messages)).toEqual(['hello', 'all hands', 'all hands', 'all hands']);
    expect(cli(loc, ['cost', 'report', 'webapp', '--as', 'tester', '--input-tokens', '10', '--output-tokens', '5', '--cost-cents', '12.5']).code).toBe(0);
    expect(cli(loc, ['cost', 'budget', 'webapp', '5']).json).toEqual({ teamName: 'webapp', budgetCents: 500 });
    expect(cli(loc, ['cost', 'show', 'webapp']).json).toMatchObject({ totalCostCents: 12.5, budgetCents: 500, eventCount: 1 });
    expect(cli(loc, ['cost', 'show', 'webapp', '--agent', 'lead']).json).toMatchObject({ totalCostCents: 0, eventCount: 0 });
    const missing = cli(loc, ['inbox', 'send', 'nowhere', 'tester', 'x', '--as', 'lead']);
    expect(missing.code).toBe(4);
    expect(missing.json.error.code).toBe('NOT_FOUND');
    const deleted = cli(loc, ['team', 'delete', 'webapp']);
    expect(deleted.code).toBe(0);
    expect(cli(loc, ['team', 'list']).json.teams.map((t: { name: string }) => t.name)).toEqual(['research']);
    const restored = cli(loc, ['team', 'restore', deleted.json.trash]);
    expect(restored.code).toBe(0);
    expect(restored.json.name).toBe('webapp');
    expect(cli(loc, ['cost', 'show', 'webapp']).json.totalCostCents).toBe(12.5);
  });

  it('8 processes, each with its own store, racing to receive 400 messages from one inbox: each delivered exactly once', async () => {
    const loc = await backend.fixture();
    const m = open(loc).messages;
    for (let i = 0; i < 400; i++) await m.send('webapp', { from: 'lead', to: 'tester', content: `m${i}` });
    const barrier = new Barrier(backend.scratch(loc));
    const racers = Array.from({ length: 8 }, () => runNode([RECEIVER, loc, 'webapp', 'tester', '3'], barrier.env()));
    await barrier.release(8);
    const results = await Promise.all(racers.map((r) => r.done));
    const seen = new Map<string, number>();
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      for (const msg of JSON.parse(r.stdout).messages) seen.set(msg.content, (seen.get(msg.content) ?? 0) + 1);
    }
    expect(seen.size).toBe(400);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    expect(results.filter((r) => JSON.parse(r.stdout).count > 0).length).toBeGreaterThan(1); // a real race
    expect(await m.unreadCounts('webapp')).toMatchObject({ tester: 0 });
    expect((await m.log('webapp')).length).toBe(400); // the history keeps every message
  }, 120_000);
}

function databaseOnly(): void {
  it('every committed send, receive and cost report is announced with its kind; task changes keep theirs without', async () => {
    const url = await postgresBackend.fixture();
    const store = new PostgresStore({ url });
    const heard: Array<{ team: string; seq: number; kind?: string }> = [];
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    const stop = await store.watch((c) => heard.push(c), (s) => s === 'connected' && connected());
    try {
      await ready;
      const until = async (n: number) => {
        for (let i = 0; heard.length < n && i < 2000; i++) await new Promise((r) => setTimeout(r, 5));
      };
      await store.messages.send('webapp', { from: 'lead', to: 'tester', content: 'x' });
      await until(1);
      await store.messages.receive('webapp', 'tester');
      await until(2);
      await store.messages.receive('webapp', 'tester'); // nothing taken: nothing announced
      await store.costs.report('webapp', { agentName: 'lead', costCents: 1 });
      await until(3);
      await store.updateTask('webapp', '087e245f', { priority: 'low' });
      await until(4);
      expect(heard.map((h) => [h.team, h.kind ?? 'journal'])).toEqual([
        ['webapp', 'messages'],
        ['webapp', 'messages'],
        ['webapp', 'costs'],
        ['webapp', 'journal'],
      ]);
      expect(heard[3].seq).toBeGreaterThan(0);
      expect('kind' in heard[3]).toBe(false);
    } finally {
      await stop();
      await store.close();
    }
  });

  it('a COMMIT whose reply is lost (connection dropped) neither sends twice, nor loses what a receive took, nor counts a cost twice', async () => {
    const url = await postgresBackend.fixture();
    const store = new PostgresStore({ url });
    try {
      await store.messages.send('webapp', { from: 'lead', to: 'tester', content: 'before' });
      process.env.LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY = '1';
      try {
        await store.messages.send('webapp', { from: 'lead', to: 'tester', content: 'once' });
        await store.messages.broadcast('webapp', { from: 'lead', content: 'all' });
        await store.costs.report('webapp', { agentName: 'lead', costCents: 3 });
        // The receive's COMMIT went through; its retry learns what it took instead of taking nothing (or more).
        expect(contents(await store.messages.receive('webapp', 'tester', 2))).toEqual(['before', 'once']);
      } finally {
        delete process.env.LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY;
      }
      expect(contents(await store.messages.receive('webapp', 'tester'))).toEqual(['all']);
      expect(recContents(await store.messages.log('webapp'))).toEqual(['before', 'once', 'all', 'all', 'all']);
      expect((await store.costs.summary('webapp')).eventCount).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('8 receivers while the server cuts their connections: every message received exactly once, none lost', async () => {
    const url = await postgresBackend.fixture();
    const store = new PostgresStore({ url });
    try {
      for (let i = 0; i < 400; i++) await store.messages.send('webapp', { from: 'lead', to: 'tester', content: `m${i}` });
      const barrier = new Barrier(postgresBackend.scratch(url));
      const racers = Array.from({ length: 8 }, () => runNode([RECEIVER, url, 'webapp', 'tester', '3'], barrier.env()));
      await barrier.release(8);
      let finished = false;
      const running = Promise.all(racers.map((r) => r.done)).finally(() => (finished = true));
      let cut = 0;
      while (!finished && cut < 20) {
        const rows = await sql(url, "SELECT pid FROM pg_stat_activity WHERE application_name = 'lockstep' AND state <> 'idle' ORDER BY random() LIMIT 1");
        if (rows.length && (await sql(url, 'SELECT pg_terminate_backend($1) AS ok', [rows[0].pid]))[0].ok) cut++;
        await new Promise((r) => setTimeout(r, 10));
      }
      const results = await running;
      console.log(`connection cuts during the receive race: ${cut}`);
      expect(cut).toBeGreaterThan(0);
      const seen = new Map<string, number>();
      for (const r of results) {
        expect(r.code, r.stderr).toBe(0);
        for (const msg of JSON.parse(r.stdout).messages) seen.set(msg.content, (seen.get(msg.content) ?? 0) + 1);
      }
      expect(seen.size).toBe(400);
      expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
      expect(await store.messages.peek('webapp', 'tester')).toEqual([]);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a deleted team waits in the database, under a name no team can have, and leaves with the newest 20 kept', async () => {
    const url = await postgresBackend.empty();
    const store = new PostgresStore({ url });
    try {
      const trash: string[] = [];
      for (let i = 0; i < 22; i++) {
        await store.createTeam({ name: `t${i}`, description: '', members: [] });
        trash.push((await store.deleteTeam(`t${i}`)).trash);
      }
      const kept = await sql(url, "SELECT x.id, t.name FROM lockstep_trash x JOIN lockstep_teams t ON t.id = x.team_id ORDER BY x.n");
      expect(kept.map((r) => r.id)).toEqual(trash.slice(2));
      expect(kept.every((r) => r.name === `trash:${r.id}`)).toBe(true);
      await expect(store.restoreTeam(trash[0])).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await store.restoreTeam(trash[21])).name).toBe('t21');
      expect((await store.listTeams()).teams.map((t) => t.name)).toEqual(['t21']);
    } finally {
      await store.close();
    }
  });
}

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend: messages, costs, trash, track`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    suite(backend);
    if (backend.name === 'postgres') databaseOnly();
  });
}
