import * as fs from 'fs';
import * as path from 'path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiName, ApiOutput, ApiResult } from '../../src/shared/api';
import { LockstepStore, PostgresStore, type Store } from '../../src/store';
import { createTestHandlers } from '../handlers';
import { backendsHere, sql, type Backend } from '../race/backends';
import { lockstepAt } from './cli-harness';

/**
 * Undo and redo by journal number through the app's real handlers: the window's own list of its changes. On both
 * backends (a data folder, and a database on a throwaway cluster), each step checked in what the store saved.
 */

function undoSuite(backend: Backend): void {
  /** The data folder, or the database URL. */
  let dataDir: string;
  let handlers: ReturnType<typeof createTestHandlers>['handlers'];
  const opened: Array<{ close(): Promise<void> }> = [];
  const onDb = backend.name === 'postgres';

  function open(name: string, via: string): Store {
    if (!onDb) return new LockstepStore({ dataDir, actor: { name, via } });
    const store = new PostgresStore({ url: dataDir, actor: { name, via } });
    opened.push(store);
    return store;
  }

  beforeEach(async () => {
    dataDir = await backend.fixture();
    handlers = createTestHandlers(dataDir, 'ana', open('ana', 'app')).handlers;
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    if (!onDb) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The task as saved (the file, or the row's bytes). */
  const readTask = (_dir: string, team: string, id: string) => backend.readTask(dataDir, team, id);
  const taskExists = async (team: string, id: string) =>
    onDb
      ? (await sql(dataDir, 'SELECT 1 FROM lockstep_tasks t JOIN lockstep_teams g ON g.id = t.team_id WHERE g.name = $1 AND t.id = $2', [team, id])).length === 1
      : fs.existsSync(path.join(dataDir, 'tasks', team, `task-${id}.json`));
  /** The team's config.json as saved (the file, or the row's copy of it). */
  const config = async (team = 'webapp') =>
    onDb
      ? JSON.parse((await sql(dataDir, 'SELECT config_raw FROM lockstep_teams WHERE name = $1', [team]))[0].config_raw)
      : JSON.parse(fs.readFileSync(path.join(dataDir, 'teams', team, 'config.json'), 'utf8'));
  /** Whether a team of this name is there (its folders, or its row). */
  const teamExists = async (team: string) =>
    onDb
      ? (await sql(dataDir, 'SELECT 1 FROM lockstep_teams WHERE name = $1', [team])).length === 1
      : fs.existsSync(path.join(dataDir, 'teams', team)) || fs.existsSync(path.join(dataDir, 'tasks', team));
  /** The team's task files (a database: the file each row would be). */
  const taskFiles = async (team: string) =>
    onDb
      ? (await sql(dataDir, 'SELECT t.id FROM lockstep_tasks t JOIN lockstep_teams g ON g.id = t.team_id WHERE g.name = $1', [team])).map((r) => `task-${r.id}.json`).sort()
      : fs.readdirSync(path.join(dataDir, 'tasks', team)).sort();
  /** What the trash holds. */
  const trashIds = async () =>
    onDb ? (await sql(dataDir, 'SELECT id FROM lockstep_trash')).map((r) => r.id) : fs.readdirSync(path.join(dataDir, '.lockstep', 'trash'));
  const lockstep = (_dir: string, args: string[]) => lockstepAt(backend.storeArgs(dataDir), args);

  async function call<N extends ApiName>(name: N, input: unknown): Promise<ApiResult<ApiOutput<N>>> {
    return (handlers[name] as (raw: unknown) => Promise<ApiResult<ApiOutput<N>>>)(input);
  }

  /** Makes a change and returns the journal number the window keeps for it. */
  async function change<N extends ApiName>(name: N, input: unknown): Promise<number> {
    const result = await call(name, input);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.journaled).toHaveLength(1);
    return result.journaled?.[0].seq as number;
  }

  async function undo(seq: number, redo = false) {
    return call('undo', { team: 'webapp', seq, redo });
  }

  async function undoOk(seq: number, redo = false): Promise<number> {
    const result = await undo(seq, redo);
    if (!result.ok) throw new Error(result.error.message);
    return result.journaled?.[0].seq as number;
  }

  const agent = (name: string) => open(name, 'cli');

  describe('undo and redo by journal number (the window\'s own changes)', () => {
    it('five edits of one task undo in reverse order and redo in order, each step checked on disk', async () => {
      const id = '087e245f';
      const pick = (t: Record<string, unknown>) => ({ priority: t.priority, owner: t.owner, subject: t.subject, description: t.description });
      const seqs = [
        await change('updateTask', { team: 'webapp', id, patch: { priority: 'high' } }),
        await change('assignTask', { team: 'webapp', id, owner: 'tester' }),
        await change('updateTask', { team: 'webapp', id, patch: { subject: 'Document the public API' } }),
        await change('updateTask', { team: 'webapp', id, patch: { description: 'REST and events' } }),
        await change('updateTask', { team: 'webapp', id, patch: { priority: 'urgent' } }),
      ];
      const after = pick(await readTask(dataDir, 'webapp', id));
      expect(after).toEqual({ priority: 'urgent', owner: 'tester', subject: 'Document the public API', description: 'REST and events' });

      const undos: number[] = [];
      const expected = [
        { priority: 'high', owner: 'tester', subject: 'Document the public API', description: 'REST and events' },
        { priority: 'high', owner: 'tester', subject: 'Document the public API', description: '' },
        { priority: 'high', owner: 'tester', subject: 'Document the API', description: '' },
        { priority: 'high', owner: '', subject: 'Document the API', description: '' },
        { priority: 'medium', owner: '', subject: 'Document the API', description: '' },
      ];
      for (let i = 4; i >= 0; i--) {
        undos.push(await undoOk(seqs[i]));
        expect(pick(await readTask(dataDir, 'webapp', id))).toMatchObject(expected[4 - i]);
      }
      // Redo in order: each redo re-applies one change.
      for (let i = 0; i < 5; i++) {
        seqs[i] = await undoOk(undos[4 - i], true);
      }
      expect(pick(await readTask(dataDir, 'webapp', id))).toEqual(after);
      // And the redone changes undo again.
      await undoOk(seqs[4]);
      expect((await readTask(dataDir, 'webapp', id)).priority).toBe('high');
    });

    it('an agent\'s change in between refuses only the step it touched, in words, and the others still undo', async () => {
      const a = await change('updateTask', { team: 'webapp', id: '087e245f', patch: { priority: 'high' } });
      const b = await change('assignTask', { team: 'webapp', id: '797906f1', owner: 'tester' });
      const before = (await readTask(dataDir, 'webapp', 'cb4e74bf')).priority;
      const c = await change('updateTask', { team: 'webapp', id: 'cb4e74bf', patch: { priority: 'urgent' } });
      await agent('agent-3').claimTask('webapp', '797906f1', { agent: 'agent-3', force: true });

      await undoOk(c);
      const refused = await undo(b);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error.code).toBe('CONFLICT');
        expect(refused.error.message).toMatch(/^agent-3 claimed ".+" \d+ s ago|^agent-3 claimed ".+" just now/);
        expect(refused.error.message).toContain('nothing was undone');
        expect(refused.error.message).not.toMatch(/task\.|#\d/); // no internal names
      }
      expect((await readTask(dataDir, 'webapp', '797906f1'))).toMatchObject({ owner: 'tester', lockedBy: 'agent-3' });
      await undoOk(a);
      expect((await readTask(dataDir, 'webapp', '087e245f')).priority).toBe('medium');
      expect((await readTask(dataDir, 'webapp', 'cb4e74bf')).priority).toBe(before);
    });

    it('only the window\'s own changes can be undone by number, and a change is undone once', async () => {
      await agent('agent-3').updateTask('webapp', '087e245f', { priority: 'urgent' }, { agent: 'agent-3' });
      const theirs = (await agent('agent-3').history('webapp')).at(-1)?.seq as number;
      const refused = await undo(theirs);
      expect(refused.ok === false && refused.error.code).toBe('INVALID_INPUT');
      const mine = await change('updateTask', { team: 'webapp', id: '087e245f', patch: { priority: 'low' } });
      await undoOk(mine);
      const again = await undo(mine);
      expect(again.ok === false && again.error.message).toContain('already undone');
    });

    it('a deleted task comes back, and redo deletes it again', async () => {
      const del = await change('deleteTask', { team: 'webapp', id: '087e245f' });
      expect(await taskExists('webapp', '087e245f')).toBe(false);
      const u = await undoOk(del);
      expect((await readTask(dataDir, 'webapp', '087e245f')).subject).toBe('Document the API');
      await undoOk(u, true);
      expect(await taskExists('webapp', '087e245f')).toBe(false);
    });

    it('member removal, addition, profile and team rename undo and redo', async () => {
          const before = await config();
      const removed = await change('removeMember', { team: 'webapp', name: 'backend' });
      expect((await config()).members.map((m: { name: string }) => m.name)).not.toContain('backend');
      const back = await undoOk(removed);
      expect((await config())).toEqual(before); // same place, same agentId, same fields
      await undoOk(back, true);
      expect((await config()).members.map((m: { name: string }) => m.name)).not.toContain('backend');

      const added = await change('addMember', { team: 'webapp', name: 'qa' });
      const profile = await change('setMemberProfile', { team: 'webapp', name: 'qa', profile: { wipLimit: 2 } });
      const qa = async () => (await agent('x').getTeam('webapp')).members.find((m) => m.name === 'qa');
      expect((await qa())?.lockstep).toEqual({ wipLimit: 2 });
      await undoOk(profile);
      expect((await config()).members.find((m: { name: string }) => m.name === 'qa').lockstep).toBeUndefined();
      expect((await qa())?.lockstep).toBeUndefined(); // the profile itself (members.json, or the members row)
      await undoOk(added);
      expect((await config()).members.map((m: { name: string }) => m.name)).not.toContain('qa');

      const renamed = await change('renameTeam', { team: 'webapp', newName: 'signup' });
      expect(await teamExists('signup')).toBe(true);
      const result = await call('undo', { team: 'signup', seq: renamed });
      expect(result.ok && result.value.team).toBe('webapp');
      expect(await teamExists('webapp')).toBe(true);
      expect(await teamExists('signup')).toBe(false);
    });

    it('a deleted team comes back from the trash with its tasks and journal; redo of an undone creation brings it back', async () => {
          await change('updateTask', { team: 'webapp', id: '087e245f', patch: { priority: 'urgent' } });
      const tasksBefore = await taskFiles('webapp');
      const deleted = await call('deleteTeam', { team: 'webapp' });
      if (!deleted.ok) throw new Error(deleted.error.message);
      expect(deleted.journaled).toEqual([expect.objectContaining({ op: 'team.delete', undoable: true, trash: deleted.value.trash })]);
      expect(await teamExists('webapp')).toBe(false);
      expect((await call('listTeams', {})).ok && (await agent('x').listTeams()).teams.map((t) => t.name)).toEqual(['research']);

      const restored = await call('restoreTeam', { trash: deleted.value.trash });
      expect(restored.ok && restored.value.members.map((m) => m.name)).toEqual(['lead', 'frontend', 'backend', 'tester']);
      expect(await taskFiles('webapp')).toEqual(tasksBefore);
      expect((await readTask(dataDir, 'webapp', '087e245f')).priority).toBe('urgent');
      const history = await agent('x').history('webapp');
      // Its history came back with it (a database also keeps the deletion in it).
      expect(history.map((e) => e.op)).toEqual(onDb ? ['task.update', 'team.delete', 'team.restore'] : ['task.update', 'team.restore']);
      expect(await trashIds()).toEqual([]);
      // Only a deletion made in this window can be brought back by it.
      expect((await call('restoreTeam', { trash: deleted.value.trash })).ok).toBe(false);

      const created = await change('createTeam', { name: 'ops', members: ['sre'] });
      const undone = await call('undo', { team: 'ops', seq: created });
      if (!undone.ok) throw new Error(undone.error.message);
      expect(await teamExists('ops')).toBe(false);
      expect((await call('restoreTeam', { trash: undone.value.trash as string })).ok).toBe(true);
      expect(await teamExists('ops')).toBe(true);
    });

    it('journal numbers of a deleted team are not taken for those of a new team with the same name', async () => {
      const mine = await change('updateTask', { team: 'webapp', id: '087e245f', patch: { priority: 'urgent' } });
      const deleted = await call('deleteTeam', { team: 'webapp' });
      if (!deleted.ok) throw new Error(deleted.error.message);
      await agent('agent-3').createTeam({ name: 'webapp', members: [{ name: 'agent-3' }] });
      await agent('agent-3').createTask('webapp', { subject: 'their task' });
      const refused = await undo(mine);
      expect(refused.ok === false && refused.error.code).toBe('INVALID_INPUT');
      expect((await taskFiles('webapp')).filter((f) => f.startsWith('task-'))).toHaveLength(1);
    });

    it('undoing a team\'s creation is refused once somebody else worked in it', async () => {
      const created = await change('createTeam', { name: 'ops' });
      await agent('agent-3').createTask('ops', { subject: 'page the on-call' });
      const refused = await call('undo', { team: 'ops', seq: created });
      expect(refused.ok === false && refused.error.message).toMatch(/^agent-3 created "page the on-call" in team ops since you created it; nothing was undone\.$/);
      expect(await teamExists('ops')).toBe(true);
    });

    it('a member re-added by somebody else refuses undoing the removal, naming them', async () => {
      const removed = await change('removeMember', { team: 'webapp', name: 'tester' });
      await agent('lead').addMember('webapp', { name: 'tester' });
      const refused = await undo(removed);
      expect(refused.ok === false && refused.error.message).toMatch(/^lead added tester to team webapp .*nothing was undone/);
    });

    it('the CLI undo still undoes the actor\'s last change, and a second undo the one before', async () => {
      expect(lockstep(dataDir, ['task', 'update', 'webapp', '087e245f', '--priority', 'urgent', '--as', 'ana']).code).toBe(0);
      expect(lockstep(dataDir, ['task', 'update', 'webapp', '087e245f', '--priority', 'low', '--as', 'ana']).code).toBe(0);
      expect(lockstep(dataDir, ['undo', 'webapp', '--as', 'ana']).code).toBe(0);
      expect((await readTask(dataDir, 'webapp', '087e245f')).priority).toBe('urgent');
      expect(lockstep(dataDir, ['undo', 'webapp', '--as', 'ana']).code).toBe(0); // its own undo is not "somebody else"
      expect((await readTask(dataDir, 'webapp', '087e245f')).priority).toBe('medium');
    });
  });

  describe('activity from the journal', () => {
    it('says claimed, released, completed, assigned, created and deleted in words, newest last', async () => {
      const store = agent('agent-3');
      await store.claimTask('webapp', '087e245f', { agent: 'agent-3' });
      await store.releaseTask('webapp', '087e245f', { agent: 'agent-3' });
      await store.updateTask('webapp', '087e245f', { owner: 'tester' }, { agent: 'agent-3' });
      const created = await store.createTask('webapp', { subject: 'Write the changelog' });
      await store.deleteTask('webapp', created.id, { agent: 'agent-3' });
      await store.completeTask('webapp', 'dd0eba2d', { agent: 'backend' });
      const result = await call('activity', { team: 'webapp' });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.items.map((i) => `${i.actor} ${i.text}`)).toEqual([
        'agent-3 claimed "Document the API"',
        'agent-3 released "Document the API"',
        'agent-3 assigned "Document the API" to tester',
        `${store.actor.name} created "Write the changelog"`,
        'agent-3 deleted "Write the changelog"',
        'backend completed "Design the signup API"',
      ]);
      const after = await call('activity', { team: 'webapp', afterSeq: result.value.lastSeq - 1 });
      expect(after.ok && after.value.items.map((i) => i.verb)).toEqual(['completed']);
      expect((await call('activity', { team: 'nope' })).ok).toBe(false);
    });
  });
}

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    undoSuite(backend);
  });
}
