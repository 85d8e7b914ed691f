import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture } from '../fixture';
import { CLI } from '../race/harness';

/**
 * Issue 28, item 7: a CLI waiting for a team lock that another process holds (and does not let go: stopped, stuck)
 * exits as soon as it has answered STORE_BUSY, and SIGTERM ends it while it waits. The holder keeps the lock the
 * whole time (util-linux `flock` on the team's `.lockstep` folder, Lockstep's own kernel lock).
 */

const made: string[] = [];
const holders: ChildProcess[] = [];
afterAll(() => {
  for (const h of holders) h.kill('SIGKILL');
  made.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

/** A data folder whose webapp team lock is held by another process until the test ends. */
async function heldTeam(): Promise<string> {
  const data = copyFixture('lockstep-cli-exit-');
  made.push(data);
  const lockDir = path.join(data, 'tasks', 'webapp', '.lockstep');
  fs.mkdirSync(lockDir, { recursive: true });
  const holder = spawn('flock', [lockDir, 'sh', '-c', 'echo held; exec sleep 600'], { stdio: ['ignore', 'pipe', 'ignore'] });
  holders.push(holder);
  await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
  return data;
}

/** Resolves with the exit code once the child exits, or 'still running' after `ms` (a liveness bound, not a timing). */
function exitWithin(child: ChildProcess, ms: number): Promise<number | string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('still running'), ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}

describe('a waiting CLI never outlives its answer', () => {
  it('after STORE_BUSY it exits while the holder still holds the lock', async () => {
    const data = await heldTeam();
    const child = spawn(process.execPath, [CLI, 'task', 'update', 'webapp', '087e245f', '--subject', 'x', '--json', '--data-dir', data], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let stdout = '';
    const answered = new Promise<void>((resolve) =>
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) resolve();
      }),
    );
    await answered;
    expect(JSON.parse(stdout).error.code).toBe('STORE_BUSY');
    expect(await exitWithin(child, 10_000)).toBe(1);
    if (child.exitCode === null) child.kill('SIGKILL');
  }, 60_000);

  it('SIGTERM ends a CLI that is waiting for the lock', async () => {
    const data = await heldTeam();
    const child = spawn(process.execPath, [CLI, 'task', 'update', 'webapp', '087e245f', '--subject', 'x', '--json', '--data-dir', data], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    // Let it reach the wait (it cannot get past it: the holder never lets go).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGTERM');
    expect(await exitWithin(child, 10_000)).toBe('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, 60_000);
});
