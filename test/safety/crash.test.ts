import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture } from '../fixture';
import { lockstepAsync, pool, snapshot } from './helpers';

/**
 * A change touching several files survives a crash: `task complete` of dd0eba2d writes three task files (the task
 * and the two tasks it blocks) and one journal line. The CLI process is SIGKILLed (a real kill, from the
 * LOCKSTEP_FAILPOINT_KILL_AFTER_STEP failpoint) right after each step: 1 = the intent record is durable, 2–4 = each
 * rename, 5 = the journal line. Whatever the step, the next command sees the whole new state.
 */

const CLAIMED = 'dd0eba2d';
const env = { LOCKSTEP_LOCK_STALE_MS: '2000' }; // the killed writer's team lock is stale after 2 s
const PYTHON_WRITER = path.join(__dirname, '..', 'clawteam', 'clawteam_writer.py');

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function taskOnDisk(data: string, id: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(data, 'tasks', 'webapp', `task-${id}.json`), 'utf8'));
}

function journalLines(data: string): Array<Record<string, any>> {
  const file = path.join(data, 'tasks', 'webapp', '.lockstep', 'journal.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** The whole new state of a completed dd0eba2d, checked on disk. */
function expectCompletedWhole(data: string, label: string): void {
  expect(taskOnDisk(data, CLAIMED).status, label).toBe('completed');
  expect(taskOnDisk(data, CLAIMED).lockedBy, label).toBe('');
  expect(taskOnDisk(data, '797906f1'), label).toMatchObject({ status: 'pending', blockedBy: [] });
  expect(taskOnDisk(data, 'cb4e74bf'), label).toMatchObject({ status: 'blocked', blockedBy: ['797906f1'] });
  const completes = journalLines(data).filter((e) => e.op === 'task.complete');
  expect(completes, label).toHaveLength(1);
  expect(completes[0].tasks.map((t: { id: string }) => t.id).sort(), label).toEqual(['797906f1', 'cb4e74bf', CLAIMED].sort());
  expect(fs.existsSync(path.join(data, 'tasks', 'webapp', '.lockstep', 'intent.json')), label).toBe(false);
}

describe('a multi-file change killed at each step', () => {
  it('SIGKILL after each step, 50 times: the next command sees the whole completion, journaled once', async () => {
    const runs = Array.from({ length: 50 }, (_, i) => ({ step: (i % 5) + 1, round: Math.floor(i / 5) }));
    const results = await pool(
      runs.map(({ step }) => async () => {
        const data = copyFixture('lockstep-crash-');
        cleanup.push(data);
        const killed = await lockstepAsync(data, ['task', 'complete', 'webapp', CLAIMED, '--as', 'backend'], {
          ...env,
          LOCKSTEP_FAILPOINT_KILL_AFTER_STEP: String(step),
        });
        const intentLeft = fs.existsSync(path.join(data, 'tasks', 'webapp', '.lockstep', 'intent.json'));
        // A reader first (task list completes the interrupted change under the lock), then a retry.
        const list = await lockstepAsync(data, ['task', 'list', 'webapp'], env);
        const retry = await lockstepAsync(data, ['task', 'complete', 'webapp', CLAIMED, '--as', 'backend'], env);
        return { step, data, killed, intentLeft, list, retry };
      }),
      3,
    );
    for (const { step, data, killed, intentLeft, list, retry } of results) {
      const label = `killed after step ${step}`;
      expect(killed.signal, label).toBe('SIGKILL');
      expect(intentLeft, label).toBe(true);
      expect(list.code, label).toBe(0);
      const byId = Object.fromEntries(list.json.tasks.map((t: { id: string; status: string }) => [t.id, t.status]));
      expect(byId, label).toMatchObject({ [CLAIMED]: 'completed', '797906f1': 'pending', cb4e74bf: 'blocked' });
      expectCompletedWhole(data, label);
      expect(retry.json.error?.code, label).toBe('INVALID_INPUT'); // "already completed": the whole of it is saved
    }
    expect(new Set(results.map((r) => r.step))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it('a file another writer changed after the crash keeps their change when the rest is completed', async () => {
    const data = copyFixture('lockstep-crash-other-');
    cleanup.push(data);
    // Killed after the intent and the first rename (the completed task itself).
    const killed = await lockstepAsync(data, ['task', 'complete', 'webapp', CLAIMED, '--as', 'backend'], {
      ...env,
      LOCKSTEP_FAILPOINT_KILL_AFTER_STEP: '2',
    });
    expect(killed.signal).toBe('SIGKILL');
    // ClawTeam's writer (its own flock, no knowledge of Lockstep) then edits one of the files not yet renamed.
    const py = spawnSync(
      'python3',
      [PYTHON_WRITER, 'merge-meta', '--data-dir', data, '--team', 'webapp', '--task', 'cb4e74bf', '--prefix', 'py-', '--count', '1'],
      { encoding: 'utf8' },
    );
    expect(py.status, py.stderr).toBe(0);
    const list = await lockstepAsync(data, ['task', 'list', 'webapp'], env);
    expect(list.code).toBe(0);
    expect(list.stderr).toContain('cb4e74bf');
    expect(taskOnDisk(data, 'cb4e74bf').metadata['py-0']).toBe(0); // theirs stays
    expect(taskOnDisk(data, '797906f1')).toMatchObject({ status: 'pending', blockedBy: [] }); // the rest is completed
    expect(journalLines(data).filter((e) => e.op === 'task.complete')).toHaveLength(1);
  });
});

describe('a disk that fills up in the middle of a multi-file change', () => {
  it('ENOSPC at a rename after the intent is durable: the caller is told it was saved, and the next command completes it', async () => {
    const data = copyFixture('lockstep-enospc-');
    cleanup.push(data);
    const res = await lockstepAsync(data, ['task', 'complete', 'webapp', CLAIMED, '--as', 'backend'], {
      LOCKSTEP_FAILPOINT_ENOSPC_AT_STEP: '3',
    });
    expect(res.code, res.stdout).toBe(0);
    expect(res.json.status).toBe('completed');
    expect(res.stderr).toContain('ENOSPC');
    expect(res.stderr).toContain('the next write to this team completes it');
    const list = await lockstepAsync(data, ['task', 'list', 'webapp']);
    expect(list.code).toBe(0);
    expectCompletedWhole(data, 'after ENOSPC at step 3');
  });

  it('ENOSPC while writing the intent record: IO_ERROR and nothing changed', async () => {
    const data = copyFixture('lockstep-enospc-first-');
    cleanup.push(data);
    const before = snapshot(path.join(data, 'tasks'));
    const res = await lockstepAsync(data, ['task', 'complete', 'webapp', CLAIMED, '--as', 'backend'], {
      LOCKSTEP_FAILPOINT_ENOSPC_AT_STEP: '1',
    });
    expect(res.code).toBe(1);
    expect(res.json.error.code).toBe('IO_ERROR');
    const after = snapshot(path.join(data, 'tasks'));
    // Only the lock's own folder appeared; no task file, journal line or intent record.
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => !k.includes('.lockstep')))).toEqual(before);
    expect(Object.keys(after).filter((k) => k.includes('.lockstep') && after[k] !== 'dir')).toEqual([]);
    expect(taskOnDisk(data, CLAIMED).status).toBe('in_progress');
  });
});
