import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { tempDir } from '../fixture';
import { WORKER, readJson, runNode } from '../race/harness';

/**
 * claim --next keeps a ready-set index beside the tasks so it need not read every task file; these tests change
 * tasks behind its back, as ClawTeam's writers do (the Python writer of this folder, ClawTeam's protocol), and check
 * that what changed is never handed out.
 */

const PY_WRITER = path.join(__dirname, 'clawteam_writer.py');
const folders: string[] = [];
afterEach(() => {
  for (const d of folders.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function python(dataDir: string, mode: string, id: string, ...extra: string[]): void {
  const r = spawnSync('python3', [PY_WRITER, mode, '--data-dir', dataDir, '--team', 'crew', '--task', id, ...extra], { encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
}

async function claimNext(dataDir: string): Promise<string | null> {
  const r = await runNode([WORKER, 'claim-next-once', dataDir, 'crew', 'lockstep-agent']).done;
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return (JSON.parse(r.stdout.trim()) as { got: string | null }).got;
}

describe('claim --next with ClawTeam writers changing tasks between two claims', () => {
  it('never hands out a task completed, claimed or deleted behind its back, nor one edited in place', async () => {
    const dataDir = tempDir('lockstep-next-');
    folders.push(dataDir);
    const store = new LockstepStore({ dataDir });
    await store.createTeam({ name: 'crew' });
    const ids: string[] = [];
    for (const name of 'ABCDEFGHI') ids.push((await store.createTask('crew', { subject: name })).id);
    const [a, b, c, d, e, f, g, h, i] = ids;
    const tasksDir = path.join(dataDir, 'tasks', 'crew');

    expect(await claimNext(dataDir)).toBe(a); // oldest first; this claim builds the index

    // ClawTeam's writers, each under its flock: the next three candidates change behind our back.
    python(dataDir, 'complete', b);
    python(dataDir, 'claim', c, '--as', 'py-agent');
    python(dataDir, 'delete', d);
    expect(await claimNext(dataDir)).toBe(e);
    expect(readJson(path.join(tasksDir, `task-${b}.json`)).status).toBe('completed');
    expect(readJson(path.join(tasksDir, `task-${c}.json`)).lockedBy).toBe('py-agent');

    // Edits in place (same inode, the folder untouched) leave the index's stamp valid: the candidates must be
    // re-read and dropped all the same.
    const index = JSON.parse(fs.readFileSync(path.join(tasksDir, '.lockstep', 'ready.json'), 'utf8')) as { stamp: string };
    expect(BigInt(index.stamp)).toBe(fs.statSync(tasksDir, { bigint: true }).mtimeNs);
    const editInPlace = (id: string, change: Record<string, unknown>) => {
      const file = path.join(tasksDir, `task-${id}.json`);
      fs.writeFileSync(file, JSON.stringify({ ...readJson(file), ...change }, null, 2));
    };
    editInPlace(f, { status: 'completed' });
    editInPlace(g, { status: 'in_progress', lockedBy: 'someone-else' });
    expect(BigInt(index.stamp)).toBe(fs.statSync(tasksDir, { bigint: true }).mtimeNs);
    expect(await claimNext(dataDir)).toBe(h);

    expect(await claimNext(dataDir)).toBe(i);
    expect(await claimNext(dataDir)).toBeNull();

    // What Lockstep handed out, exactly once each, and none of what changed behind its back.
    const mine = (await store.listTasks('crew')).tasks.filter((t) => t.lockedBy === 'lockstep-agent').map((t) => t.id).sort();
    expect(mine).toEqual([a, e, h, i].sort());
    expect(fs.existsSync(path.join(tasksDir, `task-${d}.json`))).toBe(false);
  });

  it('sees a task that ClawTeam made ready again (an exit hook resetting a dead agent\'s claim) at the next claim', async () => {
    const dataDir = tempDir('lockstep-next-');
    folders.push(dataDir);
    const store = new LockstepStore({ dataDir });
    await store.createTeam({ name: 'crew' });
    const only = await store.createTask('crew', { subject: 'only' });
    expect(await claimNext(dataDir)).toBe(only.id);
    expect(await claimNext(dataDir)).toBeNull(); // the index now lists nothing ready
    python(dataDir, 'reset', only.id);
    expect(await claimNext(dataDir)).toBe(only.id);
  });
});
