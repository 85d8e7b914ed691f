import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as lockfile from 'proper-lockfile';
import { LockCompromisedError, StoreBusyError } from '../../shared/errors';
import { describeAge } from '../../shared/time';

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
  /** Unique per acquisition: proves the lock folder is still the one we created. */
  nonce: string;
}

const HOLDER_FILE = 'holder.json';

type Callback<T = void> = (err: NodeJS.ErrnoException | null, value?: T) => void;

/** Runs a quick sync file-system call and reports through a callback, skipping the libuv thread-pool round trip. */
function viaSync<A extends unknown[], T>(fn: (...args: A) => T) {
  return (...args: [...A, Callback<T>]) => {
    const cb = args.pop() as Callback<T>;
    let value: T;
    try {
      value = fn(...(args as unknown as A));
    } catch (err) {
      cb(err as NodeJS.ErrnoException);
      return;
    }
    cb(null, value);
  };
}

/**
 * The file system proper-lockfile uses for our lock. Two differences from Node's:
 * - removal is recursive, because our lock folder also holds `holder.json` (on release and on stale takeover);
 * - the exit-time cleanup removes a lock folder only if it is still ours;
 * - mkdir/stat/rmdir/utimes run synchronously: each is one fast metadata syscall, and inside a contended lock the
 *   thread-pool hops of the async versions cost more than the calls themselves (measured: about half the time of
 *   an uncontended locked update was spent waiting for them).
 */
const lockFs = {
  ...fs,
  mkdir: viaSync((p: string) => fs.mkdirSync(p)),
  stat: viaSync((p: string) => fs.statSync(p)),
  utimes: viaSync((p: string, atime: Date, mtime: Date) => fs.utimesSync(p, atime, mtime)),
  rmdir: viaSync((p: string) => fs.rmSync(p, { recursive: true, force: true })),
  // Used only by proper-lockfile's exit handler, for locks still registered when the process exits. A lock we
  // lost to a stale takeover is registered too but belongs to another process now: remove only our own.
  rmdirSync: (p: string) => {
    if (readLockHolder(p)?.pid === process.pid) fs.rmSync(p, { recursive: true, force: true });
  },
};

export interface HeldTeamLock {
  /** Throws LOCK_COMPROMISED when the lock was lost (taken as stale by another process) while we held it. */
  assertHeld(): void;
  release(): Promise<void>;
}

/**
 * A FIFO queue of lock waiters with a direct hand-off, because a mkdir lock has no wake-up on release (unlike
 * flock). Each waiter drops a ticket file into `queue/` (names sort by arrival) and watches only its own ticket; only
 * the first live ticket may try the lock; the releaser touches that ticket, waking exactly that process. Without the
 * queue every release woke every waiter at once on 2 cores, and the holder lost its CPU to them. Dead waiters'
 * tickets (their pid no longer runs) are removed by whoever sees them; timed retries remain as a fallback.
 */
class WaitQueue {
  constructor(private readonly dir: string) {}

  /** Live tickets in arrival order; removes those whose process is gone. */
  tickets(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return [];
    }
    return names.sort().filter((name) => {
      const pid = Number(name.split('-')[1]);
      if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) return true;
      try {
        fs.unlinkSync(path.join(this.dir, name));
      } catch {
        // Somebody else removed it first.
      }
      return false;
    });
  }

  enter(): Ticket {
    fs.mkdirSync(this.dir, { recursive: true });
    const name = `${String(Date.now() * 1000 + (Number(process.hrtime.bigint() / 1000n) % 1000)).padStart(17, '0')}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, '');
    return new Ticket(this, name, file);
  }

  /** Wakes the first waiter, if any. */
  pokeHead(): void {
    const head = this.tickets()[0];
    if (!head) return;
    const now = new Date();
    try {
      fs.utimesSync(path.join(this.dir, head), now, now);
    } catch {
      // It just left the queue.
    }
  }
}

class Ticket {
  private watcher: fs.FSWatcher | null = null;
  private wake: (() => void) | null = null;
  private poked = false;

  constructor(private readonly queue: WaitQueue, readonly name: string, private readonly file: string) {
    try {
      this.watcher = fs.watch(file, { persistent: false }, () => {
        this.poked = true;
        this.wake?.();
      });
      this.watcher.on('error', () => undefined);
    } catch {
      this.watcher = null; // Timed retries still work without the wake-up.
    }
  }

  isHead(): boolean {
    const live = this.queue.tickets();
    return live.length === 0 || live[0] === this.name;
  }

  wait(ms: number): Promise<void> {
    if (this.poked) {
      this.poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake?.(), ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        this.poked = false;
        resolve();
      };
    });
  }

  leave(): void {
    this.watcher?.close();
    this.watcher = null;
    try {
      fs.unlinkSync(this.file);
    } catch {
      // Already removed (by a sweep of dead tickets, which cannot be us, or the folder went away).
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  const queue = new WaitQueue(path.join(path.dirname(lockDir), 'queue'));
  const tryLock = async (): Promise<(() => Promise<void>) | null> => {
    try {
      return await lockfile.lock(target, lockOptions);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return null;
      throw err;
    }
  };
  // Fast path: nobody queued, try at once.
  let release = queue.tickets().length === 0 ? await tryLock() : null;
  if (!release) {
    const ticket = queue.enter();
    try {
      for (;;) {
        // Checked after the watch exists, so a release that happened meanwhile is not missed.
        if (ticket.isHead()) release = await tryLock();
        if (release) break;
        if (Date.now() >= deadline) throw busyError(team, lockDir, options);
        await ticket.wait(jitter(options.retryMinMs, options.retryMaxMs));
      }
    } finally {
      ticket.leave();
    }
  }
  const releaseLock = release;
  const since = new Date().toISOString();
  const nonce = Math.random().toString(16).slice(2) + process.hrtime.bigint().toString(16);
  // Adding a file changes the folder's mtime, which proper-lockfile uses to recognise its lock as its own (and
  // would then report as compromised at its next refresh): put the mtime back as proper-lockfile recorded it.
  const { atime, mtime } = fs.statSync(lockDir);
  fs.writeFileSync(
    path.join(lockDir, HOLDER_FILE),
    JSON.stringify({ pid: process.pid, host: os.hostname(), app: options.app, since, nonce } satisfies LockHolderInfo),
  );
  fs.utimesSync(lockDir, atime, mtime);
  let released = false;
  const lost = (why: string) =>
    new LockCompromisedError(`Lost the write lock of team ${team} (${why}); the change was not saved. Try again.`, { team });
  return {
    /**
     * Checked right before saving. proper-lockfile notices a lost lock only on its next timer tick, which a busy
     * event loop can delay past the stale time, so we also check now that the folder is still ours and fresh.
     */
    assertHeld() {
      if (compromised) throw compromised;
      if (released) throw new LockCompromisedError(`The write lock of team ${team} was already released.`, { team });
      let stat: fs.Stats;
      try {
        stat = fs.statSync(lockDir);
      } catch {
        throw lost('its lock folder was removed');
      }
      if (readLockHolder(lockDir)?.nonce !== nonce) throw lost('another writer took it over as stale');
      // Past most of the stale time without a refresh, another writer may take it over at any moment.
      if (Date.now() - stat.mtimeMs > options.staleMs * 0.8) throw lost('it was held too long without being refreshed');
    },
    async release() {
      if (released) return;
      released = true;
      // If another writer took the folder over, it is theirs now: proper-lockfile's release would delete it. Left
      // alone, proper-lockfile notices the loss on its next refresh and forgets the lock by itself.
      if (readLockHolder(lockDir)?.nonce === nonce) {
        try {
          await releaseLock();
        } catch {
          // Already compromised or removed: nothing of ours is left to clean up.
        }
      }
      queue.pokeHead();
    },
  };
}

function busyError(team: string, lockDir: string, options: TeamLockOptions): StoreBusyError {
  const holder = readLockHolder(lockDir);
  const sinceMs = holder ? Date.parse(holder.since) : NaN;
  const since = Number.isFinite(sinceMs) ? ` since ${describeAge(sinceMs * 1000, Date.now() * 1000)}` : '';
  const who = holder ? ` by ${holder.app} (pid ${holder.pid} on ${holder.host})${since}` : '';
  return new StoreBusyError(
    `Team ${team} is busy: its write lock has been held${who} for more than ${Math.round(
      options.acquireTimeoutMs / 1000,
    )} s. Try again in a moment; a lock left by a crashed writer frees itself after ${Math.round(options.staleMs / 1000)} s.`,
    { team, holder, lockPath: lockDir },
  );
}
