import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { READY_INDEX_LIMIT } from '../../src/store/ready-index';
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
      const task = { id, subject: `t${i}`, description: '', status, priority, owner: '', lockedBy: '', lockedAt: '', blocks: [], blockedBy,
        startedAt: '', createdAt: new Date(at).toISOString().replace('Z', '000+00:00'), updatedAt: '', metadata: {} };
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
