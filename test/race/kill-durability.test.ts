import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { WORKER, runNode, tempDir } from './harness';

/**
 * Issue 29, goal 1's crash check: writers SIGKILLed at random points of 500 updates of one growing task (ClawTeam's
 * race-test workload). Every update a writer reported done (a line written only after updateTask resolved) is in
 * the file afterwards, and every file of the team parses. Folder backend: the kills land inside the lock, between
 * the fsync and the rename, anywhere.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const TOTAL = 500;
const WRITERS = 4;

describe('writers SIGKILLed at random points of 500 updates', () => {
  it('lose no update they reported, and leave every file parseable', async () => {
    const dataDir = tempDir('lockstep-kill-');
    dirs.push(dataDir);
    const store = new LockstepStore({ dataDir });
    await store.createTeam({ name: 'crash' });
    const task = await store.createTask('crash', { subject: 'grows under fire' });
    const reported = new Set<string>();
    let started = 0;
    let kills = 0;
    const env = { ...process.env, LOCKSTEP_TEST_STALE_MS: '1500' };
    const spawnWriter = () => {
      const prefix = `w${started++}-`;
      const writer = runNode([WORKER, 'merge-meta-report', dataDir, 'crash', task.id, prefix, String(TOTAL)], env);
      let buffered = '';
      writer.child.stdout?.on('data', (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('done ')) reported.add(line.slice(5));
      });
      return writer;
    };
    const running = Array.from({ length: WRITERS }, spawnWriter);
    // Kill one writer at a random moment, start a new one in its place, until 500 updates were reported.
    while (reported.size < TOTAL) {
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 400));
      if (reported.size >= TOTAL) break;
      if (kills < 12) {
        const victim = Math.floor(Math.random() * running.length);
        running[victim].child.kill('SIGKILL');
        await running[victim].done;
        kills++;
        running[victim] = spawnWriter();
      }
    }
    for (const w of running) w.child.kill('SIGKILL');
    await Promise.all(running.map((w) => w.done));

    const reader = new LockstepStore({ dataDir, lock: { staleMs: 1500 } });
    const listed = await reader.listTasks('crash');
    expect(listed.problems).toEqual([]);
    for (const name of fs.readdirSync(path.join(dataDir, 'tasks', 'crash')).filter((n) => n.endsWith('.json'))) {
      expect(() => JSON.parse(fs.readFileSync(path.join(dataDir, 'tasks', 'crash', name), 'utf8'))).not.toThrow();
    }
    const onDisk = (await reader.getTask('crash', task.id)).metadata;
    const lost = [...reported].filter((key) => !(key in onDisk));
    expect(lost).toEqual([]);
    expect(kills).toBeGreaterThan(5);
    // A writer still gets through afterwards (after the stale time if a kill left the lock behind).
    await reader.updateTask('crash', task.id, { metadata: { after: true } });
  });
});
