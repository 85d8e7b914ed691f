import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { READY_INDEX_LIMIT } from '../../src/store/folder/ready-index';
import { tempDir } from '../fixture';

/** claim --next through a team bigger than the ready index holds: the same order and the same tasks as a full read. */

const folders: string[] = [];
afterEach(() => {
  for (const d of folders.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

describe('claim --next on a team larger than its ready index', () => {
  it('hands out every ready task once, most urgent then oldest, across index rebuilds, releases and new tasks', async () => {
    const dataDir = tempDir('lockstep-ready-');
    folders.push(dataDir);
    const store = new LockstepStore({ dataDir });
    await store.createTeam({ name: 'big' });
    const dir = path.join(dataDir, 'tasks', 'big');
    const n = READY_INDEX_LIMIT + 150;
    const expected: Array<{ id: string; rank: number; at: number }> = [];
    for (let i = 0; i < n; i++) {
      const id = (0x20000000 + i).toString(16);
      const priority = PRIORITIES[(i * 7) % 4];
      const at = Date.UTC(2026, 0, 1) + ((i * 37) % n) * 1000; // creation order differs from file order
      // Some tasks are blocked by a task that is never completed here, one is completed: neither is ever ready.
      const blockedBy = i % 11 === 5 ? [(0x20000000 + 1).toString(16)] : [];
      const status = i === 3 ? 'completed' : blockedBy.length ? 'blocked' : 'pending';
      const task = {
        id,
        subject: `t${i}`,
        description: '',
        status,
        priority,
        owner: '',
        lockedBy: '',
        lockedAt: '',
        blocks: [],
        blockedBy,
        startedAt: '',
        createdAt: new Date(at).toISOString().replace('Z', '000+00:00'),
        updatedAt: '',
        metadata: {},
      };
      fs.writeFileSync(path.join(dir, `task-${id}.json`), JSON.stringify(task, null, 2));
      if (status === 'pending') expected.push({ id, rank: (i * 7) % 4, at });
    }
    expected.sort((a, b) => b.rank - a.rank || a.at - b.at || a.id.localeCompare(b.id));

    const got: string[] = [];
    // A release in the middle puts a task back; it must come out again at its place (first, being the most urgent).
    for (;;) {
      const task = await store.claimNextTask('big', { agent: 'worker' });
      if (!task) break;
      got.push(task.id);
      if (got.length === 10) {
        await store.releaseTask('big', got[0], { agent: 'worker' });
        expect((await store.claimNextTask('big', { agent: 'worker' }))?.id).toBe(got[0]);
      }
    }
    expect(got).toEqual(expected.map((e) => e.id));
    // A task created afterwards is found at once.
    const late = await store.createTask('big', { subject: 'late', priority: 'low' });
    expect((await store.claimNextTask('big', { agent: 'worker' }))?.id).toBe(late.id);
    expect(await store.claimNextTask('big', { agent: 'worker' })).toBeNull();
  });
});

describe('claim --next for members with profiles, through the ready index', () => {
  it('gives each member what a full read would: only tasks it has the tags for, never past its WIP limit', async () => {
    // The same team twice; in the second the index is removed before every claim, so each claim reads every task.
    const teams = [tempDir('lockstep-ready-members-'), tempDir('lockstep-ready-members-full-')];
    folders.push(...teams);
    const stores = teams.map((dataDir) => new LockstepStore({ dataDir }));
    const members = ['any', 'py', 'py-js', 'capped', 'outsider'];
    for (const store of stores) {
      await store.createTeam({ name: 'crew', members: members.slice(0, 4).map((name) => ({ name })) });
      await store.setMemberProfile('crew', 'py', { capabilities: ['python'] });
      await store.setMemberProfile('crew', 'py-js', { capabilities: ['python', 'js'] });
      await store.setMemberProfile('crew', 'capped', { wipLimit: 2 });
      for (let i = 0; i < READY_INDEX_LIMIT + 40; i++) {
        const requires = ['', 'python', 'js', 'python,js'][(i * 5) % 4];
        await store.createTask('crew', {
          subject: `t${i}`,
          priority: PRIORITIES[(i * 3) % 4],
          metadata: requires ? { requires } : {},
        });
      }
    }
    const ids = await Promise.all(stores.map(async (s) => (await s.listTasks('crew')).tasks.map((t) => t.id)));
    const sameTask = (store: number, id: string | undefined) => (id === undefined ? undefined : ids[0][ids[store].indexOf(id)]);
    const claimed: Array<Array<string | undefined>> = [[], []];
    const indexFile = path.join(teams[1], 'tasks', 'crew', '.lockstep', 'ready.json');
    for (let round = 0; round < 60; round++) {
      const agent = members[round % members.length];
      for (const [n, store] of stores.entries()) {
        if (n === 1) fs.rmSync(indexFile, { force: true });
        const task = await store.claimNextTask('crew', { agent });
        claimed[n].push(sameTask(n, task?.id));
        // Every third claim is completed at once; `capped` keeps what it has, so it reaches its limit.
        if (task && round % 3 === 0 && agent !== 'capped') await store.completeTask('crew', task.id, { agent });
      }
      expect(claimed[0][round], `round ${round}, ${agent}`).toBe(claimed[1][round]);
    }
    const capped = (await stores[0].listTasks('crew')).tasks.filter((t) => t.lockedBy === 'capped' && t.status === 'in_progress');
    expect(capped).toHaveLength(2);
    const tags = (await stores[0].listTasks('crew')).tasks.filter((t) => t.lockedBy === 'py').map((t) => String(t.metadata.requires ?? ''));
    expect(tags.every((r) => r === '' || r === 'python')).toBe(true);
    expect(fs.existsSync(path.join(teams[0], 'tasks', 'crew', '.lockstep', 'ready.json'))).toBe(true);
  });
});
