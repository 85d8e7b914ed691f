import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openRegular, readTextOrNull } from './safe-read';
import * as lockfile from 'proper-lockfile';
import { LockCompromisedError, StoreBusyError } from '../../shared/errors';
import { describeAge } from '../../shared/time';
import { processAlive } from '../core/claims';
import { removeEmptyDir, removeEntry, removeTree } from './safe-move';

// The lock folder (proper-lockfile) under a team's kernel locks: who holds it (holder.json), taking over a holder
// that is gone, polling a writer outside the kernel queue, and the STORE_BUSY wording.

export interface TeamLockOptions {
  /** A lock whose folder was not refreshed for this long belongs to a dead writer and may be taken (min 2000). */
  staleMs: number;
  /** Give up with STORE_BUSY after waiting this long. */
  acquireTimeoutMs: number;
  /** Sleep between attempts at a lock folder held by a writer that does not queue in the kernel (jittered). */
  retryMinMs: number;
  retryMaxMs: number;
  /** Who we are, written into the lock so others can say who holds it. */
  app: string;
}

/** A lock folder whose mtime is further ahead of our clock than this was stamped before the clock stepped back. */
const FUTURE_MTIME_SLACK_MS = 2_000;

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

/** Holder details to write into a lock folder the moment we create it, keyed by the folder's path. */
const pendingHolders = new Map<string, string>();

/** Removes a lock folder: our holder file and the folder (two calls), or everything in it if somebody added files. */
function removeLockDir(p: string): void {
  try {
    removeEntry(path.join(p, HOLDER_FILE)); // false when there is none (a writer killed right after mkdir)
  } catch {
    // Not a file: the folder is removed whole below.
  }
  if (!removeEmptyDir(p) && fs.existsSync(p)) removeTree(p);
}

/**
 * The file system proper-lockfile uses for our lock. Differences from Node's:
 * - mkdir also writes the holder details into the new folder, before proper-lockfile reads the folder's mtime: the
 *   details are written once and the mtime proper-lockfile recorded stays the folder's;
 * - removal takes our holder file too (on release and on stale takeover);
 * - the exit-time cleanup removes a lock folder only if it is still ours;
 * - mkdir/stat/rmdir/utimes run synchronously: each is one fast metadata syscall, and inside a contended lock the
 *   thread-pool hops of the async versions cost more than the calls themselves.
 */
const lockFs = {
  ...fs,
  mkdir: viaSync((p: string) => {
    // eslint-disable-next-line no-restricted-syntax -- proper-lockfile's mkdir of the lock folder: fails on anything already there, a link included
    fs.mkdirSync(p);
    const holder = pendingHolders.get(p);
    // eslint-disable-next-line no-restricted-syntax -- flag 'wx' is O_CREAT | O_EXCL: never through anything already there
    if (holder !== undefined) fs.writeFileSync(path.join(p, HOLDER_FILE), holder, { flag: 'wx' });
  }),
  stat: viaSync((p: string) => fs.statSync(p)),
  // eslint-disable-next-line no-restricted-syntax -- proper-lockfile touches its own lock folder (in a checked folder)
  utimes: viaSync((p: string, atime: Date, mtime: Date) => fs.utimesSync(p, atime, mtime)),
  rmdir: viaSync((p: string) => removeLockDir(p)),
  // Used only by proper-lockfile's exit handler, for locks still registered when the process exits. A lock we
  // lost to a stale takeover is registered too but belongs to another process now: remove only our own.
  rmdirSync: (p: string) => {
    if (readLockHolder(p)?.pid === process.pid) removeLockDir(p);
  },
};

export interface HeldTeamLock {
  /** Throws LOCK_COMPROMISED when the lock was lost or may be lost at any moment: checked right before saving. */
  assertHeld(): void;
  /** Throws LOCK_COMPROMISED when the lock folder is no longer ours: checked right after saving. */
  assertStillOurs(): void;
  release(): Promise<void>;
}

export function readLockHolder(lockDir: string): LockHolderInfo | null {
  try {
    // Never a link, never a FIFO (it would hang), never a big file: a holder record is a few hundred bytes.
    const text = readTextOrNull(path.join(lockDir, HOLDER_FILE), 64 * 1024);
    if (text === null) return null;
    const value = JSON.parse(text) as unknown;
    if (!value || typeof value !== 'object') return null;
    const h = value as Record<string, unknown>;
    if (typeof h.pid !== 'number' || typeof h.host !== 'string' || typeof h.nonce !== 'string') return null;
    return { pid: h.pid, host: h.host, app: String(h.app ?? ''), since: String(h.since ?? ''), nonce: h.nonce };
  } catch {
    return null;
  }
}

/**
 * Whether the lock folder still holds the very holder file we wrote into it (`ours`, its bytes): our nonce is in
 * them, so another writer's takeover never matches. Reads at most one byte more than ours, without parsing.
 */
function holderIsOurs(lockDir: string, ours: Buffer): boolean {
  let fd: number;
  try {
    const opened = openRegular(path.join(lockDir, HOLDER_FILE));
    if (!opened) return false;
    fd = opened.fd;
  } catch {
    return false;
  }
  try {
    // One read of a byte more than ours normally returns the whole file; a longer one is not ours.
    const buf = Buffer.allocUnsafe(ours.length + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < ours.length; n += got) got = fs.readSync(fd, buf, n, buf.length - n, n);
    return n === ours.length && ours.equals(buf.subarray(0, n));
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

function jitter(min: number, max: number): number {
  return min + Math.random() * Math.max(0, max - min);
}

/**
 * Why a lock folder that exists may be taken now without waiting for its stale time, or null: its holder is a
 * process of this host that no longer runs, or its mtime lies in the future (stamped before the clock stepped back,
 * so it would never look stale).
 */
function takeableAtOnce(lockDir: string, host: string): string | null {
  const holder = readLockHolder(lockDir);
  if (holder && holder.host === host && holder.pid !== process.pid && !processAlive(holder.pid)) {
    return `holder pid ${holder.pid} is gone`;
  }
  try {
    if (fs.statSync(lockDir).mtimeMs > Date.now() + FUTURE_MTIME_SLACK_MS) return 'its time stamp lies in the future';
  } catch {
    return 'it is gone';
  }
  return null;
}

export async function acquireLockFolder(
  team: string,
  lockDir: string,
  options: TeamLockOptions,
  deadline: number,
  releaseFlocks: () => void,
  kernelQueued: boolean,
): Promise<HeldTeamLock> {
  let compromised: LockCompromisedError | null = null;
  const host = os.hostname();
  const nonce = Math.random().toString(16).slice(2) + process.hrtime.bigint().toString(16);
  const holder: LockHolderInfo = { pid: process.pid, host, app: options.app, since: new Date().toISOString(), nonce };
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
  let releaseFolder: (() => Promise<void>) | null = null;
  const holderText = JSON.stringify(holder);
  const holderBytes = Buffer.from(holderText, 'utf8');
  pendingHolders.set(lockDir, holderText);
  try {
    for (;;) {
      try {
        releaseFolder = await lockfile.lock(target, lockOptions);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
      }
      // Only while we hold the kernel locks: then no writer of the queue can create a new folder between our look at
      // its holder and its removal. Without them, only proper-lockfile's stale rule applies.
      if (kernelQueued && takeableAtOnce(lockDir, host)) {
        removeLockDir(lockDir);
        continue;
      }
      if (Date.now() >= deadline) throw busyError(team, lockDir, options);
      // Held by a writer outside the kernel queue (or one that died and is not yet stale): poll.
      await new Promise((resolve) => setTimeout(resolve, jitter(options.retryMinMs, options.retryMaxMs)));
    }
  } finally {
    pendingHolders.delete(lockDir);
  }
  const releaseLock = releaseFolder;
  let released = false;
  const lost = (why: string) =>
    new LockCompromisedError(`Lost the write lock of team ${team} (${why}); the change was not saved. Try again.`, { team });
  const stillOurs = () => {
    if (compromised) throw compromised;
    if (released) throw new LockCompromisedError(`The write lock of team ${team} was already released.`, { team });
    if (!holderIsOurs(lockDir, holderBytes)) {
      throw fs.existsSync(lockDir) ? lost('another writer took it over as stale') : lost('its lock folder was removed');
    }
  };
  return {
    /**
     * Checked right before saving. proper-lockfile notices a lost lock only on its next timer tick, which a busy
     * event loop can delay past the stale time, so we also check now that the folder is still ours and fresh.
     */
    assertHeld() {
      stillOurs();
      let stat: fs.Stats;
      try {
        stat = fs.statSync(lockDir);
      } catch {
        throw lost('its lock folder was removed');
      }
      // Past most of the stale time without a refresh, a writer outside the kernel queue may take it at any moment.
      if (Date.now() - stat.mtimeMs > options.staleMs * 0.8) throw lost('it was held too long without being refreshed');
    },
    /** Checked right after saving: nobody took the folder over while we wrote. */
    assertStillOurs() {
      stillOurs();
    },
    async release() {
      if (released) return;
      released = true;
      try {
        // If another writer took the folder over, it is theirs now: proper-lockfile's release would delete it. Left
        // alone, proper-lockfile notices the loss on its next refresh and forgets the lock by itself.
        if (holderIsOurs(lockDir, holderBytes)) {
          try {
            await releaseLock();
          } catch {
            // Already compromised or removed: nothing of ours is left to clean up.
          }
        }
      } finally {
        // Reverse order: the folder first, then the kernel locks, which wake the next waiter.
        releaseFlocks();
      }
    },
  };
}

export function busyError(team: string, lockDir: string, options: TeamLockOptions, kernelLock?: string): StoreBusyError {
  const holder = readLockHolder(lockDir);
  const sinceMs = holder ? Date.parse(holder.since) : NaN;
  const since = Number.isFinite(sinceMs) ? ` since ${describeAge(sinceMs * 1000, Date.now() * 1000)}` : '';
  const who = holder
    ? ` by ${holder.app} (pid ${holder.pid} on ${holder.host})${since}`
    : kernelLock && path.basename(kernelLock) === '.tasks.lock'
      ? ' by a ClawTeam writer'
      : '';
  return new StoreBusyError(
    `Team ${team} is busy: its write lock has been held${who} for more than ${Math.round(
      options.acquireTimeoutMs / 1000,
    )} s. Try again in a moment. A lock left by a writer that crashed on this machine is taken over at once; one from another machine after ${Math.round(options.staleMs / 1000)} s.`,
    { team, holder, lockPath: kernelLock ?? lockDir },
  );
}
