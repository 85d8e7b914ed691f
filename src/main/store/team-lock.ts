import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lockfile from 'proper-lockfile';
import { LockCompromisedError, StoreBusyError } from '../../shared/errors';

export interface TeamLockOptions {
  /** A lock whose folder was not refreshed for this long belongs to a dead writer and may be taken (min 2000). */
  staleMs: number;
  /** Give up with STORE_BUSY after waiting this long. */
  acquireTimeoutMs: number;
  /** Fallback sleep between attempts when no release was seen (jittered between these). */
  retryMinMs: number;
  retryMaxMs: number;
  /** Who we are, written into the lock so others can say who holds it. */
  app: string;
}

export const DEFAULT_LOCK_OPTIONS: TeamLockOptions = {
  staleMs: 10_000,
  acquireTimeoutMs: 15_000,
  retryMinMs: 2,
  retryMaxMs: 25,
  app: 'lockstep',
};

export interface LockHolderInfo {
  pid: number;
  host: string;
  app: string;
  since: string;
}

const HOLDER_FILE = 'holder.json';

/**
 * proper-lockfile removes its lock folder with rmdir; ours also holds `holder.json`, so removal (on release and
 * when taking over a stale lock) must be recursive.
 */
const lockFs = {
  ...fs,
  rmdir: (p: string, cb: (err: NodeJS.ErrnoException | null) => void) => fs.rm(p, { recursive: true, force: true }, cb),
  rmdirSync: (p: string) => fs.rmSync(p, { recursive: true, force: true }),
};

export interface HeldTeamLock {
  /** Throws LOCK_COMPROMISED when the lock was lost (taken as stale by another process) while we held it. */
  assertHeld(): void;
  release(): Promise<void>;
}

/**
 * Wakes lock waiters when the lock folder disappears instead of leaving them to blind sleeps: a mkdir lock has no
 * wake-up on release, unlike flock. One inotify/FSEvents watcher per folder, shared by this process's waiters.
 */
class ReleaseWatcher {
  generation = 0;
  private watcher: fs.FSWatcher | null = null;
  private users = 0;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly dir: string, private readonly lockName: string) {}

  acquireUse(): void {
    this.users++;
    if (this.watcher) return;
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, (_event, filename) => {
        if (filename && filename !== this.lockName) return;
        this.generation++;
        for (const wake of this.wakers) wake();
      });
      this.watcher.on('error', () => this.closeWatcher());
    } catch {
      this.watcher = null; // Watching is an optimisation; timed retries still work without it.
    }
  }

  releaseUse(): void {
    this.users--;
    if (this.users <= 0) {
      this.users = 0;
      this.closeWatcher();
    }
  }

  wait(ms: number, sinceGeneration: number): Promise<void> {
    if (this.generation !== sinceGeneration) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}

const watchers = new Map<string, ReleaseWatcher>();

function watcherFor(lockDir: string): ReleaseWatcher {
  let w = watchers.get(lockDir);
  if (!w) {
    w = new ReleaseWatcher(path.dirname(lockDir), path.basename(lockDir));
    watchers.set(lockDir, w);
  }
  return w;
}

export function readLockHolder(lockDir: string): LockHolderInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(lockDir, HOLDER_FILE), 'utf8')) as LockHolderInfo;
  } catch {
    return null;
  }
}

function jitter(min: number, max: number): number {
  return min + Math.random() * Math.max(0, max - min);
}

/**
 * Takes the team's exclusive write lock (a proper-lockfile folder `lockDir`). Waits are woken by the holder's
 * release, with jittered timed retries as a fallback, bounded by `acquireTimeoutMs`, then STORE_BUSY.
 */
export async function acquireTeamLock(
  team: string,
  lockDir: string,
  options: TeamLockOptions,
): Promise<HeldTeamLock> {
  let compromised: LockCompromisedError | null = null;
  const lockOptions: lockfile.LockOptions = {
    lockfilePath: lockDir,
    realpath: false,
    stale: options.staleMs,
    retries: 0,
    fs: lockFs as unknown as typeof fs,
    onCompromised: (err: Error) => {
      compromised = new LockCompromisedError(
        `Lost the write lock of team ${team} while working (${err.message}); the change was not saved. Try again.`,
        { team },
      );
    },
  };
  // The lock target only keys proper-lockfile's registry; the folder itself is `lockfilePath`.
  const target = path.dirname(lockDir);
  const deadline = Date.now() + options.acquireTimeoutMs;
  const watcher = watcherFor(lockDir);
  let watching = false;
  let release: () => Promise<void>;
  try {
    for (;;) {
      const generation = watcher.generation;
      try {
        release = await lockfile.lock(target, lockOptions);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      }
      if (Date.now() >= deadline) throw busyError(team, lockDir, options);
      if (!watching) {
        watcher.acquireUse();
        watching = true;
        continue; // The release may have happened before the watcher existed: try again at once.
      }
      await watcher.wait(jitter(options.retryMinMs, options.retryMaxMs), generation);
    }
  } finally {
    if (watching) watcher.releaseUse();
  }
  const since = new Date().toISOString();
  try {
    fs.writeFileSync(
      path.join(lockDir, HOLDER_FILE),
      JSON.stringify({ pid: process.pid, host: os.hostname(), app: options.app, since } satisfies LockHolderInfo),
    );
  } catch {
    // Holder details are for display only.
  }
  let released = false;
  return {
    assertHeld() {
      if (compromised) throw compromised;
      if (released) throw new LockCompromisedError(`The write lock of team ${team} was already released.`, { team });
    },
    async release() {
      if (released) return;
      released = true;
      try {
        await release();
      } catch {
        // Already compromised or removed: nothing of ours is left to clean up.
      }
    },
  };
}

function busyError(team: string, lockDir: string, options: TeamLockOptions): StoreBusyError {
  const holder = readLockHolder(lockDir);
  const who = holder ? ` by ${holder.app} (pid ${holder.pid} on ${holder.host}) since ${holder.since}` : '';
  return new StoreBusyError(
    `Team ${team} is busy: its write lock has been held${who} for more than ${Math.round(
      options.acquireTimeoutMs / 1000,
    )} s. Try again in a moment; a lock left by a crashed writer frees itself after ${Math.round(options.staleMs / 1000)} s.`,
    { team, holder, lockPath: lockDir },
  );
}
