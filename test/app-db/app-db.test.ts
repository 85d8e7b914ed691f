import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../src/shared/api';
import { connectDatabase } from '../../src/main/db-connect';
import { DatabaseWatcher } from '../../src/main/db-watcher';
import { createHandlers } from '../../src/main/handlers';
import type { EffectiveSettings } from '../../src/main/settings';
import { PostgresStore } from '../../src/store';
import { copyStore } from '../../src/store/copy/copy';
import { freePort, postgresMissingReason, startCluster } from '../pg/cluster.mjs';
import { lockstepAt } from '../features/cli-harness';
import { copyFixture } from '../fixture';

/**
 * The app's side of a PostgreSQL database, on a real throwaway cluster: connecting (with every refusal in words
 * beside its field), the handlers working on the database, and the database watcher turning NOTIFY into the
 * window's events.
 */

const skip = postgresMissingReason();
if (skip) console.log(`skipping the app's database tests: ${skip}`);

type Cluster = Awaited<ReturnType<typeof startCluster>>;
let cluster: Cluster;
const opened: PostgresStore[] = [];

async function fixtureDatabase(): Promise<string> {
  const url = cluster.createDatabase();
  const dir = copyFixture();
  try {
    await copyStore(dir, url);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return url;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string; field: unknown }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code: string; message: string; details: { field?: unknown } };
    return { code: e.code, message: e.message, field: e.details?.field };
  }
  throw new Error('expected a refusal');
}

describe.skipIf(skip !== null)('the app on a PostgreSQL database', () => {
  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => undefined);
    cluster?.stop();
  });

  it('connects to an empty database, creating its tables, and says in words what is wrong with a bad URL, host or database', async () => {
    const url = cluster.createDatabase();
    const actor = { name: 'ana', via: 'app' };
    const first = await connectDatabase({ url }, { actor });
    opened.push(first.store);
    expect(first.migrated.applied.length).toBeGreaterThan(0);
    expect(first.label).toBe(`127.0.0.1:${cluster.port}/${new URL(url).pathname.slice(1)}`);
    expect((await first.store.listTeams()).teams).toEqual([]);
    const again = await connectDatabase({ url }, { actor });
    opened.push(again.store);
    expect(again.migrated.applied).toEqual([]);

    expect(await refusal(connectDatabase({ url: 'mysql://x@h/db' }, { actor }))).toMatchObject({ field: 'url', message: expect.stringContaining('starts with postgres://') });
    expect(await refusal(connectDatabase({ url: `postgres://lockstep@127.0.0.1:${cluster.port}` }, { actor }))).toMatchObject({
      field: 'url',
      message: expect.stringContaining('Name the database'),
    });
    const port = await freePort();
    expect(await refusal(connectDatabase({ url: `postgres://lockstep@127.0.0.1:${port}/board` }, { actor }))).toEqual({
      code: 'INVALID_INPUT',
      field: 'url',
      message: `No PostgreSQL server answers at 127.0.0.1:${port}. Check the host and port, and that the server runs.`,
    });
    expect(await refusal(connectDatabase({ url: `postgres://lockstep@127.0.0.1:${cluster.port}/nope` }, { actor }))).toEqual({
      code: 'INVALID_INPUT',
      field: 'url',
      message: `There is no database named nope on 127.0.0.1:${cluster.port}. Create it (createdb nope) or check the name.`,
    });
  });

  it('says "wrong password" beside the password, and connects with the right one (in the field or the URL), keeping the URL without it', async () => {
    const db = cluster.createDatabase();
    const dbName = new URL(db).pathname.slice(1);
    cluster.psql(`CREATE ROLE pwuser LOGIN PASSWORD 'right-one'; GRANT ALL ON DATABASE ${dbName} TO pwuser; ALTER DATABASE ${dbName} OWNER TO pwuser`);
    // This cluster trusts everybody; make it ask pwuser for a password (scram), as a real server does.
    const hba = path.join(cluster.dir, 'data', 'pg_hba.conf');
    fs.writeFileSync(hba, `host all pwuser 127.0.0.1/32 scram-sha-256\n${fs.readFileSync(hba, 'utf8')}`);
    cluster.psql('SELECT pg_reload_conf()');
    const url = `postgres://pwuser@127.0.0.1:${cluster.port}/${dbName}`;
    const actor = { name: 'ana', via: 'app' };
    const env = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      expect(await refusal(connectDatabase({ url, password: 'wrong' }, { actor }))).toEqual({
        code: 'INVALID_INPUT',
        field: 'password',
        message: `Wrong password for user pwuser on 127.0.0.1:${cluster.port}.`,
      });
      expect(await refusal(connectDatabase({ url }, { actor }))).toMatchObject({ field: 'password', message: expect.stringContaining('wants a password for user pwuser') });
      const ok = await connectDatabase({ url, password: 'right-one' }, { actor });
      opened.push(ok.store);
      expect(ok.url).toBe(url);
      expect(ok.password).toBe('right-one');
      const inUrl = await connectDatabase({ url: `postgres://pwuser:right-one@127.0.0.1:${cluster.port}/${dbName}` }, { actor });
      opened.push(inUrl.store);
      expect(inUrl.url).toBe(url);
    } finally {
      if (env !== undefined) process.env.PGPASSWORD = env;
    }
  });

  it('answers the window on a database, and messages, costs and the team trash included', async () => {
    const url = await fixtureDatabase();
    const store = new PostgresStore({ url, actor: { name: 'ana', via: 'app' } });
    opened.push(store);
    const settings: EffectiveSettings = { dataDir: '/unused', dataDirSource: 'test', agentName: 'ana', clawteamInterlock: true, theme: 'system', activityOpen: true, activityHeight: 160, messagesOpen: null, database: { url, label: 'db' } };
    let connection: { state: 'connected' | 'unavailable'; label: string } = { state: 'connected', label: '127.0.0.1/db' };
    const h = createHandlers({
      store: () => store,
      settings: () => settings,
      setAgentName: () => settings,
      setClawteamInterlock: () => settings,
      setAppearance: () => settings,
      openDataFolder: async () => settings,
      connection: () => connection,
      validateOutputs: true,
    });
    const team = await h.getTeam({ team: 'webapp' });
    expect(team.ok && team.value.tasks.length).toBe(5);
    const moved = await h.moveTask({ team: 'webapp', id: '087e245f', status: 'in_progress' });
    expect(moved.ok && moved.value).toMatchObject({ status: 'in_progress', lockedBy: 'ana' });
    const activity = await h.activity({ team: 'webapp' });
    expect(activity.ok && activity.value.items.at(-1)).toMatchObject({ actor: 'ana', taskId: '087e245f' });
    // Messages and costs: the database's own tables, through the same calls as a folder's files.
    const sent = await h.sendMessage({ team: 'webapp', to: 'backend', content: 'Schema is ready' });
    expect(sent).toMatchObject({ ok: true, value: { from: 'ana', to: 'backend', content: 'Schema is ready' } });
    const messages = await h.getMessages({ team: 'webapp' });
    expect(messages.ok && messages.value.records.at(-1)?.message).toMatchObject({ from: 'ana', to: 'backend', content: 'Schema is ready' });
    expect(messages.ok && messages.value.unread.backend).toBe(1);
    expect(await h.setBudget({ team: 'webapp', dollars: 12.5 })).toMatchObject({ ok: true, value: { budgetCents: 1250 } });
    expect(await h.getCosts({ team: 'webapp' })).toMatchObject({ ok: true, value: { summary: { teamName: 'webapp', budgetCents: 1250 } } });
    // A team deleted in this window goes to the database's trash and comes back from it; nobody else's can.
    const deleted = await h.deleteTeam({ team: 'research' });
    expect(deleted).toMatchObject({ ok: true, value: { team: 'research', trash: expect.any(String) } });
    expect(await h.restoreTeam({ trash: 'research-abcdef' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('was not deleted in this window') },
    });
    const trash = (deleted as { value: { trash: string } }).value.trash;
    expect(await h.restoreTeam({ trash })).toMatchObject({ ok: true, value: { name: 'research' } });
    expect((await store.listTasks('research')).tasks.length).toBeGreaterThan(0);
    // While the database is away, a write is refused at once in words; settings still answer.
    connection = { state: 'unavailable', label: '127.0.0.1/db' };
    expect(await h.moveTask({ team: 'webapp', id: '087e245f', status: 'pending' })).toMatchObject({
      ok: false,
      error: { code: 'STORE_UNAVAILABLE', message: expect.stringContaining('Lost the connection to the database at 127.0.0.1/db, so the change was not made') },
    });
    expect((await h.getSettings({})).ok).toBe(true);
    expect(await store.getTask('webapp', '087e245f')).toMatchObject({ status: 'in_progress' });
  });

  it('the window’s undo stack on a database: its changes undo by number in one transaction each, another window hears each, an agent’s change in between is named', async () => {
    const url = await fixtureDatabase();
    const store = new PostgresStore({ url, actor: { name: 'ana', via: 'app' } });
    const other = new PostgresStore({ url, actor: { name: 'bo', via: 'app' } });
    opened.push(store, other);
    const settings: EffectiveSettings = { dataDir: '/unused', dataDirSource: 'test', agentName: 'ana', clawteamInterlock: true, theme: 'system', activityOpen: true, activityHeight: 160, messagesOpen: null, database: { url, label: 'db' } };
    const h = createHandlers({
      store: () => store,
      settings: () => settings,
      setAgentName: () => settings,
      setClawteamInterlock: () => settings,
      setAppearance: () => settings,
      openDataFolder: async () => settings,
      validateOutputs: true,
    });
    // Another window on the same database, listening.
    const events: Array<{ event: EventName; payload: unknown }> = [];
    const statuses: string[] = [];
    const watcher = new DatabaseWatcher(other, <E extends EventName>(event: E, payload: EventPayload<E>) => events.push({ event, payload }), (state) => statuses.push(state));
    watcher.prime('webapp', (await other.listTasks('webapp')).tasks);
    await watcher.start();
    await expect.poll(() => statuses).toContain('connected');

    const edited = await h.updateTask({ team: 'webapp', id: '087e245f', patch: { priority: 'urgent' } });
    const removed = await h.removeMember({ team: 'webapp', name: 'backend' });
    const assigned = await h.assignTask({ team: 'webapp', id: '797906f1', owner: 'tester' });
    expect(edited.ok && removed.ok && assigned.ok).toBe(true);
    const seqOf = (r: typeof edited | typeof removed) => (r.ok ? (r.journaled?.[0].seq as number) : -1);
    expect([edited, removed, assigned].map((r) => r.ok && r.journaled?.length)).toEqual([1, 1, 1]);
    await expect.poll(() => events.some((e) => e.event === 'tasksChanged' && (e.payload as { ids: string[] }).ids.includes('797906f1'))).toBe(true);

    // An agent claims the assigned task: undoing the assignment is refused, naming the agent; nothing changes.
    expect(lockstepAt(['--store', url], ['task', 'claim', 'webapp', '797906f1', '--as', 'agent-3', '--force']).code).toBe(0);
    const refused = await h.undo({ team: 'webapp', seq: seqOf(assigned) });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/^agent-3 claimed ".+" (\d+ s ago|just now).*nothing was undone/) } });
    expect(await store.getTask('webapp', '797906f1')).toMatchObject({ owner: 'tester', lockedBy: 'agent-3' });

    // The member comes back (same place, same agent id), and the edit is undone; the other window hears both.
    const before = (await other.getTeam('webapp')).members;
    expect(before.map((m) => m.name)).not.toContain('backend');
    events.length = 0;
    const back = await h.undo({ team: 'webapp', seq: seqOf(removed) });
    expect(back).toMatchObject({ ok: true, value: { undone: { op: 'team.remove-member' } } });
    expect((await other.getTeam('webapp')).members.map((m) => m.name)).toEqual(['lead', 'frontend', 'backend', 'tester']);
    await expect.poll(() => events.some((e) => e.event === 'teamsChanged')).toBe(true);
    events.length = 0;
    const undone = await h.undo({ team: 'webapp', seq: seqOf(edited) });
    expect(undone.ok).toBe(true);
    expect((await other.getTask('webapp', '087e245f')).priority).toBe('medium');
    await expect.poll(() => events.find((e) => e.event === 'tasksChanged')?.payload).toMatchObject({ team: 'webapp', ids: ['087e245f'] });
    await expect.poll(() => events.find((e) => e.event === 'activity')?.payload).toMatchObject({ team: 'webapp', taskId: '087e245f', actor: 'ana' });
    // Each undo is one journal entry naming what it undoes.
    const journal = await other.history('webapp');
    expect(journal.slice(-2).map((e) => [e.op, e.details?.undoes])).toEqual([
      ['team.undo', seqOf(removed)],
      ['task.undo', seqOf(edited)],
    ]);
    // Redo of the undone edit, by the number the undo journaled.
    const redo = await h.undo({ team: 'webapp', seq: (undone.ok && undone.journaled?.[0].seq) as number, redo: true });
    expect(redo).toMatchObject({ ok: true, value: { undone: { op: 'task.undo' } } });
    expect((await other.getTask('webapp', '087e245f')).priority).toBe('urgent');
    await watcher.stop();
  });

  it('turns another process’s change into the window’s events: the changed task, the teams, and who did it', async () => {
    const url = await fixtureDatabase();
    const store = new PostgresStore({ url, actor: { name: 'ana', via: 'app' } });
    opened.push(store);
    const events: Array<{ event: EventName; payload: unknown }> = [];
    const statuses: string[] = [];
    const watcher = new DatabaseWatcher(
      store,
      <E extends EventName>(event: E, payload: EventPayload<E>) => events.push({ event, payload }),
      (state) => statuses.push(state),
    );
    watcher.prime('webapp', (await store.listTasks('webapp')).tasks);
    await watcher.start();
    await expect.poll(() => statuses).toContain('connected');
    expect(lockstepAt(['--store', url], ['task', 'claim', 'webapp', '087e245f', '--as', 'bo']).code).toBe(0);
    await expect.poll(() => events.find((e) => e.event === 'activity')).toBeTruthy();
    expect(events.find((e) => e.event === 'tasksChanged')?.payload).toMatchObject({ team: 'webapp', ids: ['087e245f'] });
    expect(events.some((e) => e.event === 'teamsChanged')).toBe(true);
    expect(events.find((e) => e.event === 'activity')?.payload).toMatchObject({ team: 'webapp', taskId: '087e245f', actor: 'bo', kind: 'changed' });
    // Two changes in a row: each task named once, in one re-read or two, none lost.
    events.length = 0;
    expect(lockstepAt(['--store', url], ['task', 'update', 'webapp', '797906f1', '--priority', 'low']).code).toBe(0);
    expect(lockstepAt(['--store', url], ['task', 'release', 'webapp', '087e245f', '--as', 'bo']).code).toBe(0);
    await expect
      .poll(() => new Set(events.filter((e) => e.event === 'tasksChanged').flatMap((e) => (e.payload as { ids: string[] }).ids)))
      .toEqual(new Set(['797906f1', '087e245f']));
    // A team deleted and made again under the same name starts its journal at 1 again: its changes still arrive.
    watcher.prime('research', (await store.listTasks('research')).tasks);
    for (let i = 0; i < 3; i++) expect(lockstepAt(['--store', url], ['task', 'create', 'research', `note ${i}`]).code).toBe(0);
    await expect.poll(() => events.filter((e) => e.event === 'tasksChanged' && (e.payload as { team: string }).team === 'research').length).toBeGreaterThan(0);
    expect(lockstepAt(['--store', url], ['team', 'delete', 'research']).code).toBe(0);
    expect(lockstepAt(['--store', url], ['team', 'create', 'research']).code).toBe(0);
    events.length = 0;
    const created = lockstepAt(['--store', url, '--json'], ['task', 'create', 'research', 'fresh start']);
    expect(created.code).toBe(0);
    await expect
      .poll(() => events.filter((e) => e.event === 'tasksChanged').flatMap((e) => (e.payload as { ids: string[] }).ids))
      .toContain(created.json.id);
    // A message another process sends reaches the window as its new history entry (and the unread counts).
    events.length = 0;
    expect(lockstepAt(['--store', url], ['inbox', 'send', 'webapp', 'backend', 'Deploy at noon', '--as', 'bo']).code).toBe(0);
    await expect.poll(() => events.find((e) => e.event === 'messagesChanged')).toBeTruthy();
    expect(events.some((e) => e.event === 'inboxesChanged' && (e.payload as { team: string }).team === 'webapp')).toBe(true);
    const announced = (events.find((e) => e.event === 'messagesChanged')?.payload as { team: string; ids: string[] });
    expect(announced.team).toBe('webapp');
    const { records } = await store.messages.readEvents('webapp', undefined, new Set(announced.ids));
    expect(records.map((r) => r.message.content)).toEqual(['Deploy at noon']);
    // The next one announces only itself.
    events.length = 0;
    expect(lockstepAt(['--store', url], ['inbox', 'send', 'webapp', 'lead', 'Done', '--as', 'bo']).code).toBe(0);
    await expect.poll(() => events.find((e) => e.event === 'messagesChanged')).toBeTruthy();
    const next = (events.find((e) => e.event === 'messagesChanged')?.payload as { ids: string[] }).ids;
    expect((await store.messages.readEvents('webapp', undefined, new Set(next))).records.map((r) => r.message.content)).toEqual(['Done']);
    await watcher.stop();
  });

  it('after its listening connection was cut, says so, reconnects, and has the window re-read every task of the teams it shows', async () => {
    const url = await fixtureDatabase();
    const dbName = new URL(url).pathname.slice(1);
    const store = new PostgresStore({ url, actor: { name: 'ana', via: 'app' } });
    opened.push(store);
    const events: Array<{ event: EventName; payload: unknown }> = [];
    const statuses: string[] = [];
    const watcher = new DatabaseWatcher(
      store,
      <E extends EventName>(event: E, payload: EventPayload<E>) => events.push({ event, payload }),
      (state) => statuses.push(state),
    );
    watcher.prime('webapp', (await store.listTasks('webapp')).tasks);
    await watcher.start();
    await expect.poll(() => statuses).toEqual(['connected']);
    // A change nobody announces (as if made while the window was not listening), then the listener cut.
    cluster.psql(`UPDATE lockstep_tasks SET raw = replace(raw, 'Document the API', 'Document the API, v2') WHERE id = '087e245f'`, dbName);
    cluster.psql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lockstep-listen' AND datname = '${dbName}'`);
    await expect.poll(() => statuses).toEqual(['connected', 'unavailable', 'connected']);
    await expect.poll(() => events.find((e) => e.event === 'tasksChanged')?.payload).toMatchObject({ team: 'webapp' });
    const ids = (events.find((e) => e.event === 'tasksChanged')?.payload as { ids: string[] }).ids;
    expect(new Set(ids)).toEqual(new Set(['087e245f', '797906f1', 'cb4e74bf', 'dd0eba2d', 'fdbd3860']));
    expect(events.some((e) => e.event === 'teamsChanged')).toBe(true);
    expect((await store.getTask('webapp', '087e245f')).subject).toBe('Document the API, v2');
    await watcher.stop();
  });
});
