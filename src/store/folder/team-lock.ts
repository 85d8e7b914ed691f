import * as path from 'path';
import { acquireFlock, FlockTimeoutError, isFlockSupported, type FlockHandle } from './flock';
import { acquireLockFolder, busyError, type HeldTeamLock, type TeamLockOptions } from './lock-folder';

export const DEFAULT_LOCK_OPTIONS: TeamLockOptions = {
  staleMs: 10_000,
  acquireTimeoutMs: 15_000,
  retryMinMs: 2,
  retryMaxMs: 25,
  app: 'lockstep',
};

/** A kernel lock to hold: a file (created if missing), or a folder that exists (POSIX). */
export interface KernelLock {
  path: string;
  directory?: boolean;
}

/**
 * Lockstep's own kernel lock, always held whatever ClawTeam's interlock setting: a flock on the folder holding the
 * lock folder (`.lockstep`), which leaves no file behind; on Windows, where a folder cannot be locked, a file beside.
 */
export function privateKernelLock(lockDir: string): KernelLock {
  const dir = path.dirname(lockDir);
  return process.platform === 'win32' ? { path: path.join(dir, 'write.flock') } : { path: dir, directory: true };
}

/**
 * Takes the team's exclusive write lock. In one fixed order, everywhere:
 * 1. the kernel locks `kernelLocks` (Lockstep's private flock on `.lockstep`, then ClawTeam's `.tasks.lock` when
 *    interlocked),
 *    each waited for in the kernel's queue on a worker thread, so a release hands the lock over in microseconds;
 * 2. the proper-lockfile folder `lockDir`, which then is uncontended among Lockstep writers: it remains the lock
 *    that records who holds it and recovers from a writer that died, and it still excludes any writer that could
 *    not take the kernel locks (no flock on this platform). A holder that is gone is taken over at once.
 * Everything is bounded by `acquireTimeoutMs`, then STORE_BUSY naming the holder.
 */
export async function acquireTeamLock(
  team: string,
  lockDir: string,
  options: TeamLockOptions,
  kernelLocks: KernelLock[] = [privateKernelLock(lockDir)],
): Promise<HeldTeamLock> {
  const deadline = Date.now() + options.acquireTimeoutMs;
  const flocks: FlockHandle[] = [];
  const releaseFlocks = () => {
    for (const f of flocks.splice(0).reverse()) f.release();
  };
  const kernelQueued = isFlockSupported();
  if (kernelQueued) {
    try {
      for (const lock of kernelLocks) flocks.push(await acquireFlock(lock.path, deadline, lock.directory));
    } catch (err) {
      releaseFlocks();
      if (err instanceof FlockTimeoutError) throw busyError(team, lockDir, options, err.lockPath);
      throw err;
    }
  }
  try {
    return await acquireLockFolder(team, lockDir, options, deadline, releaseFlocks, kernelQueued && kernelLocks.length > 0);
  } catch (err) {
    releaseFlocks();
    throw err;
  }
}

export { readLockHolder, type TeamLockOptions, type LockHolderInfo, type HeldTeamLock } from './lock-folder';
