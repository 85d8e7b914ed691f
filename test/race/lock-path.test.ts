import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { Barrier, WORKER, copyFixture, readJson, runNode } from './harness';

/**
 * The team lock's path (kernel flock first, then the proper-lockfile folder), at process level: what never blocks a
 * writer, what is taken over at once, and what a stalled holder can no longer lose. "Promptly" is asserted without
 * clocks: the writers get a wait bound (LOCKSTEP_TEST_ACQUIRE_MS) far below the stale time, so a writer that waited
 * for the stale time fails with STORE_BUSY instead of succeeding.
 */

const TASK = '087e245f';
const folders: string[] = [];
const children: Array<{ kill: () => void }> = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill();
  for (const d of folders.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dataFolder(): string {
  const dir = copyFixture();
  folders.push(dir);
  return dir;
}

const lockstepDir = (dataDir: string) => path.join(dataDir, 'tasks', 'webapp', '.lockstep');
const lockDir = (dataDir: string) => path.join(lockstepDir(dataDir), 'write.lock');
/** Stale only after a minute, and a wait bound of 4 s: only a lock taken at once lets these writers through. */
const PROMPT = { LOCKSTEP_TEST_STALE_MS: '60000', LOCKSTEP_TEST_ACQUIRE_MS: '4000' };

async function writeKeys(dataDir: string, prefix: string, count = 3, env: NodeJS.ProcessEnv = {}) {
  const result = await runNode([WORKER, 'merge-meta', dataDir, 'webapp', TASK, prefix, String(count)], { ...process.env, ...PROMPT, ...env }).done;
  let json: { ok: boolean; code?: string; message?: string } = { ok: false };
  try {
    json = JSON.parse(result.stdout.trim().split('\n').pop() as string);
  } catch {
    // reported below
  }
  return { ...result, json };
}

/** A lock folder as a Lockstep writer leaves it, with its holder details and mtime. */
function plantLock(dataDir: string, holder: { pid: number; host: string }, mtime = new Date()) {
  fs.mkdirSync(lockDir(dataDir), { recursive: true });
  fs.writeFileSync(
    path.join(lockDir(dataDir), 'holder.json'),
    JSON.stringify({ ...holder, app: 'planted', since: new Date().toISOString(), nonce: 'planted-nonce' }),
  );
  fs.utimesSync(lockDir(dataDir), mtime, mtime);
}

/** A process that runs until killed: a live pid on this host. */
function liveProcess(): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push({ kill: () => child.kill('SIGKILL') });
  return child.pid as number;
}

/** The pid of a process of this host that has exited. */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  return Number(pid);
}

describe('junk in the lock folder never blocks a writer', () => {
  it('ignores stray files and foreign or dead tickets in .lockstep/queue and writes at once', async () => {
    const dataDir = dataFolder();
    const queue = path.join(lockstepDir(dataDir), 'queue');
    fs.mkdirSync(queue, { recursive: true });
    fs.writeFileSync(path.join(queue, '.DS_Store'), 'junk');
    fs.writeFileSync(path.join(queue, 'not-a-ticket'), '');
    // Tickets naming live processes (pid 1 and a running process of ours), as the old queue would have obeyed.
    fs.writeFileSync(path.join(queue, `00000000000000001-1-abcdef`), '');
    fs.writeFileSync(path.join(queue, `00000000000000002-${liveProcess()}-abcdef`), '');
    fs.mkdirSync(path.join(queue, 'a-folder'));
    const result = await writeKeys(dataDir, 'junk-');
    expect(result.json, result.stdout + result.stderr).toEqual({ ok: true });
    const metadata = readJson(path.join(dataDir, 'tasks', 'webapp', `task-${TASK}.json`)).metadata as Record<string, unknown>;
    expect([metadata['junk-0'], metadata['junk-1'], metadata['junk-2']]).toEqual([0, 1, 2]);
    // Stray files are left alone (they are not ours to delete).
    expect(fs.existsSync(path.join(queue, '.DS_Store'))).toBe(true);
  });
});

describe('a lock folder left behind', () => {
  it('is taken at once when its holder is a process of this host that is gone', async () => {
    const dataDir = dataFolder();
    plantLock(dataDir, { pid: deadPid(), host: os.hostname() });
    const result = await writeKeys(dataDir, 'after-dead-');
    expect(result.json, result.stdout + result.stderr).toEqual({ ok: true });
    expect(fs.existsSync(lockDir(dataDir))).toBe(false); // released after the write
  });

  it('is not taken while its holder on this host still runs and its mtime is fresh: STORE_BUSY naming the holder', async () => {
    const dataDir = dataFolder();
    const pid = liveProcess();
    plantLock(dataDir, { pid, host: os.hostname() });
    const result = await writeKeys(dataDir, 'blocked-', 1, { LOCKSTEP_TEST_ACQUIRE_MS: '1500' });
    expect(result.code).toBe(1);
    expect(result.json.code).toBe('STORE_BUSY');
    expect(result.json.message).toContain(`pid ${pid}`);
    const metadata = readJson(path.join(dataDir, 'tasks', 'webapp', `task-${TASK}.json`)).metadata as Record<string, unknown>;
    expect(metadata['blocked-0']).toBeUndefined();
    expect(fs.existsSync(lockDir(dataDir))).toBe(true); // a live holder's lock is left alone
  });

  it('counts as stale when its mtime lies in the future (the clock stepped back), even with a live holder', async () => {
    const dataDir = dataFolder();
    plantLock(dataDir, { pid: liveProcess(), host: os.hostname() }, new Date(Date.now() + 3_600_000));
    const result = await writeKeys(dataDir, 'future-');
    expect(result.json, result.stdout + result.stderr).toEqual({ ok: true });
  });
});

describe('a holder stalled inside its save with the ClawTeam interlock off', () => {
  it('loses no update: the other writer waits in the kernel queue instead of taking the lock over as stale', async () => {
    const dataDir = dataFolder();
    const env = { ...process.env, LOCKSTEP_CLAWTEAM_INTERLOCK: 'off', LOCKSTEP_TEST_STALE_MS: '2000' };
    // The slow writer stalls 4.5 s between its last ownership check and its rename, event loop blocked (no lock
    // refresh): far past the 2 s stale time. Before the private flock, the other writer took the lock over, saved,
    // and was then overwritten by the slow writer's rename, both reporting success.
    const slow = runNode([WORKER, 'merge-meta', dataDir, 'webapp', TASK, 'slow-', '1'], { ...env, LOCKSTEP_FAILPOINT_DELAY_IN_SAVE_MS: '4500' });
    while (!fs.existsSync(lockDir(dataDir))) await new Promise((r) => setTimeout(r, 5));
    const fast = runNode([WORKER, 'merge-meta', dataDir, 'webapp', TASK, 'fast-', '1'], env);
    const [slowResult, fastResult] = await Promise.all([slow.done, fast.done]);
    expect(slowResult.code, slowResult.stdout + slowResult.stderr).toBe(0);
    expect(fastResult.code, fastResult.stdout + fastResult.stderr).toBe(0);
    const metadata = readJson(path.join(dataDir, 'tasks', 'webapp', `task-${TASK}.json`)).metadata as Record<string, unknown>;
    expect(metadata['slow-0']).toBe(0);
    expect(metadata['fast-0']).toBe(0);
    // The journal shows both, in the order they were saved: slow first (it held the lock), then fast.
    const history = await new LockstepStore({ dataDir }).history('webapp', TASK);
    const keys = history.map((e) => Object.keys(e.tasks[0]?.after ?? {}).find((k) => /^metadata\.(slow|fast)-0$/.test(k)));
    expect(keys.filter(Boolean)).toEqual(['metadata.slow-0', 'metadata.fast-0']);
  });
});

describe('8 processes updating one task for 5 s', () => {
  it('lets every process complete some updates, and none is lost', async () => {
    const dataDir = dataFolder();
    const barrier = new Barrier(dataDir);
    const racers = Array.from({ length: 8 }, (_, i) =>
      runNode([WORKER, 'update-for', dataDir, 'webapp', TASK, `p${i}`, '5000'], barrier.env()),
    );
    await barrier.release(8);
    const results = await Promise.all(racers.map((r) => r.done));
    const done = results.map((r) => {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return (JSON.parse(r.stdout.trim()) as { done: number }).done;
    });
    console.log(`fairness: updates per process ${done.join(' ')}`);
    for (const n of done) expect(n).toBeGreaterThan(0);
    // Each process's key holds its own last count: no update of any process was lost.
    const metadata = readJson(path.join(dataDir, 'tasks', 'webapp', `task-${TASK}.json`)).metadata as Record<string, unknown>;
    expect(done.map((_, i) => metadata[`p${i}`])).toEqual(done);
  });
});


