import { spawnSync } from 'child_process';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../shared/api';
import { LockstepStore } from '../store';
import { DataFolderWatcher } from './watcher';
import { copyFixture as copyFixtureTo, ROOT } from '../../test/fixture';

const copyFixture = () => copyFixtureTo('lockstep-watch-');

type Received = { event: EventName; payload: unknown };
let watcher: DataFolderWatcher | null = null;
afterEach(async () => {
  await watcher?.stop();
  watcher = null;
});

function waitFor(received: Received[], predicate: (r: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const hit = received.find(predicate);
      if (hit) resolve(hit);
      else if (Date.now() - started > timeoutMs) reject(new Error(`no matching event; got ${JSON.stringify(received)}`));
      else setTimeout(check, 5);
    };
    check();
  });
}

/** A copy of the fixture, a store on it and a started watcher recording what it emits; `opened`: a team the window shows. */
async function watching(options: { opened?: string } = {}): Promise<{ dataDir: string; store: LockstepStore; received: Received[] }> {
  const dataDir = copyFixture();
  const store = new LockstepStore({ dataDir });
  const received: Received[] = [];
  watcher = new DataFolderWatcher(store, <E extends EventName>(event: E, payload: EventPayload<E>) => received.push({ event, payload }));
  await watcher.start();
  if (options.opened) watcher.prime(options.opened, (await store.listTasks(options.opened)).tasks);
  return { dataDir, store, received };
}

describe('the data-folder watcher', () => {
  it('tells the window which task another process changed, and who did what', async () => {
    const { dataDir, received } = await watching({ opened: 'webapp' });

    // An agent claims a task through the CLI, in its own process.
    const cli = spawnSync(process.execPath, [
      path.join(ROOT, 'bin', 'lockstep.js'),
      'task',
      'claim',
      'webapp',
      '087e245f',
      '--as',
      'agent-7',
      '--data-dir',
      dataDir,
    ]);
    expect(cli.status).toBe(0);

    const changed = await waitFor(received, (r) => r.event === 'tasksChanged');
    expect(changed.payload).toMatchObject({ team: 'webapp', ids: ['087e245f'] });
    const activity = (await waitFor(received, (r) => r.event === 'activity')).payload as EventPayload<'activity'>;
    expect(activity).toMatchObject({ team: 'webapp', taskId: '087e245f', actor: 'agent-7', kind: 'changed', subject: 'Document the API' });
    expect(activity.changes).toEqual(
      expect.arrayContaining([
        { field: 'lockedBy', from: '', to: 'agent-7' },
        { field: 'status', from: 'pending', to: 'in_progress' },
      ]),
    );
    // Lockstep's own bookkeeping (.lockstep/: lock, journal) and temp files are not reported as task changes.
    expect(received.filter((r) => r.event === 'tasksChanged').flatMap((r) => (r.payload as { ids: string[] }).ids)).toEqual(['087e245f']);
  });

  it('reports a new team and a deleted task', async () => {
    const { dataDir, received } = await watching({ opened: 'webapp' });
    const other = new LockstepStore({ dataDir });
    await other.createTeam({ name: 'ops' });
    await waitFor(received, (r) => r.event === 'teamsChanged');
    await other.deleteTask('webapp', '087e245f');
    const deleted = (await waitFor(received, (r) => r.event === 'activity' && (r.payload as { kind: string }).kind === 'deleted')).payload;
    expect(deleted).toMatchObject({ taskId: '087e245f', subject: 'Document the API' });
  });

  it("tells the window when another process changes a member profile (kept in Lockstep's own file)", async () => {
    const { dataDir, store, received } = await watching();
    await new LockstepStore({ dataDir }).setMemberProfile('webapp', 'frontend', { wipLimit: 3 });
    await waitFor(received, (r) => r.event === 'teamsChanged');
    expect((await store.getTeam('webapp')).members.find((m) => m.name === 'frontend')?.lockstep).toEqual({ wipLimit: 3 });
  });
});

describe('the team list is re-read only when it really changed', () => {
  it('a task edit that leaves the counts alone says nothing of the team list; a move sends the new counts, not a re-read', async () => {
    const { dataDir, store, received } = await watching({ opened: 'webapp' });
    const agent = new LockstepStore({ dataDir });
    const listed = async () => (await store.listTeams()).teams.find((t) => t.name === 'webapp')?.counts;

    await agent.updateTask('webapp', '087e245f', { subject: 'Document the API again' });
    await waitFor(received, (r) => r.event === 'activity');
    await new Promise((r) => setTimeout(r, 200)); // past the coalescing and the re-check
    expect(received.filter((r) => r.event === 'teamsChanged' || r.event === 'countsChanged')).toEqual([]);

    received.length = 0;
    await agent.claimTask('webapp', '087e245f', { agent: 'agent-7' });
    const counts = (await waitFor(received, (r) => r.event === 'countsChanged')).payload as EventPayload<'countsChanged'>;
    expect(counts).toMatchObject({ team: 'webapp', counts: await listed() });
    received.length = 0;
    await agent.deleteTask('webapp', '087e245f', { agent: 'agent-7' });
    const after = (await waitFor(received, (r) => r.event === 'countsChanged')).payload as EventPayload<'countsChanged'>;
    expect(after.counts).toEqual(await listed());
    await new Promise((r) => setTimeout(r, 200));
    expect(received.filter((r) => r.event === 'teamsChanged')).toEqual([]);
  });

  it('a team the window never opened: the first change re-reads the list, later ones send counts', async () => {
    const { dataDir, store, received } = await watching();
    const agent = new LockstepStore({ dataDir });
    await agent.updateTask('webapp', '087e245f', { subject: 'First change' });
    await waitFor(received, (r) => r.event === 'teamsChanged');
    received.length = 0;
    await agent.claimTask('webapp', '087e245f', { agent: 'agent-7' });
    const counts = (await waitFor(received, (r) => r.event === 'countsChanged')).payload as EventPayload<'countsChanged'>;
    expect(counts.counts).toEqual((await store.listTeams()).teams.find((t) => t.name === 'webapp')?.counts);
  });
});

describe('the watcher under quick successive writes', () => {
  // chokidar drops a second 'change' of the same path within 50 ms of the first; a writer that changes a task (or
  // a team config) again right after the window re-read it must still reach the window.
  it('a task changed again right after the window re-read it still reaches the window', async () => {
    const { dataDir, received } = await watching({ opened: 'webapp' });
    const agent = new LockstepStore({ dataDir });
    for (let round = 0; round < 5; round++) {
      const subject = `Document the API, take ${round}`;
      received.length = 0;
      await agent.updateTask('webapp', '087e245f', { subject: `${subject} (draft)` });
      await waitFor(received, (r) => r.event === 'activity');
      received.length = 0;
      await agent.updateTask('webapp', '087e245f', { subject });
      const activity = (await waitFor(received, (r) => r.event === 'activity')).payload as EventPayload<'activity'>;
      expect(activity.changes).toEqual([{ field: 'subject', from: `${subject} (draft)`, to: subject }]);
    }
  });

  it('a team config changed again right after the window re-read it still reaches the window', async () => {
    const { dataDir, received } = await watching();
    const agent = new LockstepStore({ dataDir });
    for (let round = 0; round < 5; round++) {
      await agent.removeMember('webapp', 'tester');
      await waitFor(received, (r) => r.event === 'teamsChanged');
      received.length = 0;
      await agent.addMember('webapp', { name: 'tester' });
      await waitFor(received, (r) => r.event === 'teamsChanged');
      received.length = 0;
    }
  });
});
