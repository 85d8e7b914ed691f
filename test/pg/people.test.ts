import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyStore } from '../../src/store/copy/copy';
import { backendsHere, folderBackend, type Backend } from '../race/backends';
import { lockstepAt } from '../features/cli-harness';

/**
 * Display names with spaces (issue 27): a team or member a person named "Marketing Launch" / "Sam Lee" keeps that
 * name beside the short one agents use, on both backends, and agents go on using the short names through the CLI.
 */
function suite(backend: Backend): void {
  it('keeps display names beside short names, through rename, profile edits and an agent claiming by short name', async () => {
    const loc = await backend.empty();
    const opened = backend.open(loc);
    const store = opened.store;
    try {
      const created = await store.createTeam({
        name: 'marketing-launch',
        displayName: 'Marketing Launch',
        members: [{ name: 'sam-lee', displayName: 'Sam  Lee' }],
      });
      expect(created.members[0]).toMatchObject({ name: 'sam-lee', lockstep: { displayName: 'Sam Lee' } });
      const added = await store.addMember('marketing-launch', { name: 'jo-ng', displayName: 'Jo Ng' });
      expect(added.members.map((m) => [m.name, m.lockstep?.displayName])).toEqual([
        ['sam-lee', 'Sam Lee'],
        ['jo-ng', 'Jo Ng'],
      ]);
      // A profile change keeps the display name; a display name can be changed or cleared like any profile field.
      await store.setMemberProfile('marketing-launch', 'sam-lee', { role: 'Writer' });
      expect((await store.getTeam('marketing-launch')).members[0].lockstep).toEqual({ displayName: 'Sam Lee', role: 'Writer' });
      await store.setMemberProfile('marketing-launch', 'jo-ng', { displayName: 'Jo N.' });
      expect((await store.getTeam('marketing-launch')).members[1].lockstep).toEqual({ displayName: 'Jo N.' });
      await expect(store.addMember('marketing-launch', { name: 'Sam Lee' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });

      let teams = (await store.listTeams()).teams;
      expect(teams.map((t) => [t.name, t.displayName])).toEqual([['marketing-launch', 'Marketing Launch']]);

      // An agent uses the short names.
      const task = await store.createTask('marketing-launch', { subject: 'Draft the post' });
      const claim = lockstepAt(backend.storeArgs(loc), ['task', 'claim', 'marketing-launch', '--next', '--as', 'sam-lee']);
      expect(claim.code).toBe(0);
      expect(claim.json.id).toBe(task.id);
      expect(claim.json.lockedBy).toBe('sam-lee');

      // The display name moves with the team on a rename.
      await store.renameTeam('marketing-launch', 'launch');
      teams = (await store.listTeams()).teams;
      expect(teams.map((t) => [t.name, t.displayName])).toEqual([['launch', 'Marketing Launch']]);
      expect((await store.getTeam('launch')).members[0].lockstep?.displayName).toBe('Sam Lee');

      // The name people see changes without touching the name agents use; one undo takes it back.
      await store.setTeamDisplayName('launch', 'Spring  Launch');
      expect((await store.listTeams()).teams.map((t) => [t.name, t.displayName])).toEqual([['launch', 'Spring Launch']]);
      const journal = await backend.journal(loc, 'launch');
      const last = journal[journal.length - 1];
      expect(last.op).toBe('team.set-display-name');
      await store.undoChange('launch', last.seq as number);
      expect((await store.listTeams()).teams.map((t) => [t.name, t.displayName])).toEqual([['launch', 'Marketing Launch']]);
      await store.setTeamDisplayName('launch', null);
      expect((await store.listTeams()).teams[0].displayName).toBeUndefined();
      await store.setTeamDisplayName('launch', 'Marketing Launch');
    } finally {
      await opened.close();
    }
    // `lockstep store copy` carries both display names to the other backend.
    if (backend.name === 'postgres') {
      const folder = await folderBackend.empty();
      await copyStore(loc, folder);
      const copied = folderBackend.open(folder);
      try {
        expect((await copied.store.listTeams()).teams.map((t) => [t.name, t.displayName])).toEqual([['launch', 'Marketing Launch']]);
        expect((await copied.store.getTeam('launch')).members.map((m) => m.lockstep?.displayName)).toEqual(['Sam Lee', 'Jo N.']);
      } finally {
        await copied.close();
      }
    }
  });

  it('moves the claims one name holds to another in one step (owner too), which one undo takes back', async () => {
    const loc = await backend.fixture();
    const opened = backend.open(loc);
    const root = { agent: 'root' };
    try {
      const a = await opened.store.claimTask('webapp', '087e245f', root);
      const b = (await opened.store.createTask('webapp', { subject: 'Second' })).id;
      await opened.store.claimTask('webapp', b, root);
      const result = await opened.store.bulkChangeTasks(
        'webapp',
        ['087e245f', b],
        { moveClaims: { from: 'root', to: 'sam' } },
        {
          agent: 'sam',
        },
      );
      expect(result.tasks.map((t) => [t.lockedBy, t.owner])).toEqual([
        ['sam', a.owner === 'root' ? 'sam' : a.owner],
        ['sam', 'sam'],
      ]);
      const moved = await opened.store.getTask('webapp', '087e245f');
      expect(moved.metadata.lockstep).toMatchObject({ claim: { agent: 'sam' } });
      expect((moved.metadata.lockstep as { claim: { token: number } }).claim.token).toBeGreaterThan(
        (a.metadata.lockstep as { claim: { token: number } }).claim.token,
      );
      // sam may now work on it; root no longer may.
      await expect(opened.store.releaseTask('webapp', '087e245f', root)).rejects.toMatchObject({ code: 'TASK_LOCKED' });
      const journal = await backend.journal(loc, 'webapp');
      const last = journal[journal.length - 1];
      expect(last.op).toBe('task.bulk');
      await opened.store.undoChange('webapp', last.seq as number);
      for (const id of ['087e245f', b]) expect((await opened.store.getTask('webapp', id)).lockedBy).toBe('root');
      // Refused whole when one of them is no longer held by that name.
      await opened.store.releaseTask('webapp', b, root);
      await expect(
        opened.store.bulkChangeTasks('webapp', ['087e245f', b], { moveClaims: { from: 'root', to: 'sam' } }, { agent: 'sam' }),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect((await opened.store.getTask('webapp', '087e245f')).lockedBy).toBe('root');
    } finally {
      await opened.close();
    }
  });
}

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend: display names and moving claims`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    suite(backend);
  });
}
