import * as fs from 'fs';
import { loadKoffi } from './load-koffi';
import { openLockFile as openLockFileInside } from './safe-fs';

/**
 * A real BSD `flock` (Linux, macOS) or `LockFileEx` (Windows) from Node, to interlock with ClawTeam's Python
 * writers, which hold `fcntl.flock(LOCK_EX)` (`msvcrt.locking` on the first byte on Windows) on
 * `tasks/<team>/.tasks.lock`. Node has no flock; koffi (FFI with prebuilt binaries for Linux, macOS and Windows,
 * no compiler at install, N-API so the same binary loads in Node and Electron) calls the C library directly.
 * fcntl/OFD record locks (fs-native-extensions, os-lock) do not exclude flock on Linux, so they cannot be used.
 *
 * The non-blocking form runs on the calling thread (it never waits). To wait, `acquireFlock` makes the blocking
 * call through koffi's asynchronous form, which runs it on a worker thread: the kernel queues the waiters and wakes
 * one when the holder lets go, and the calling thread (the Electron main thread) never blocks.
 */

export interface FlockHandle {
  release(): void;
}

type TryLock = (fd: number) => 'locked' | 'busy';

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EWOULDBLOCK_LINUX = 11;
const EWOULDBLOCK_DARWIN = 35;
const EINTR = 4;
// Windows: LockFileEx flags and the error a held lock gives.
const LOCKFILE_FAIL_IMMEDIATELY = 1;
const LOCKFILE_EXCLUSIVE_LOCK = 2;
const ERROR_LOCK_VIOLATION = 33;

type LockBlocking = (fd: number, done: (err: Error | null) => void) => void;

let backend: { tryLock: TryLock; unlock: (fd: number) => void; lockBlocking: LockBlocking } | null | undefined;
let loadError = '';

function loadBackend(): typeof backend {
  if (backend !== undefined) return backend;
  try {
    const koffi = loadKoffi();
    if (process.platform === 'win32') {
      const kernel32 = koffi.load('kernel32.dll');
      const msvcrt = koffi.load('msvcrt.dll');
      const getOsHandle = msvcrt.func('intptr_t _get_osfhandle(int fd)');
      const OVERLAPPED = koffi.struct('LOCKSTEP_OVERLAPPED', {
        Internal: 'uintptr_t',
        InternalHigh: 'uintptr_t',
        Offset: 'uint32_t',
        OffsetHigh: 'uint32_t',
        hEvent: 'void *',
      });
      const lockFileEx = kernel32.func(
        'bool __stdcall LockFileEx(intptr_t h, uint32_t flags, uint32_t reserved, uint32_t lenLow, uint32_t lenHigh, _Inout_ LOCKSTEP_OVERLAPPED *ov)',
      );
      const unlockFileEx = kernel32.func(
        'bool __stdcall UnlockFileEx(intptr_t h, uint32_t reserved, uint32_t lenLow, uint32_t lenHigh, _Inout_ LOCKSTEP_OVERLAPPED *ov)',
      );
      const getLastError = kernel32.func('uint32_t __stdcall GetLastError()');
      const overlapped = () => ({ Internal: 0, InternalHigh: 0, Offset: 0, OffsetHigh: 0, hEvent: null });
      void OVERLAPPED;
      backend = {
        lockBlocking(fd, done) {
          lockFileEx.async(getOsHandle(fd), LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, overlapped(), (err: Error | null, ok: boolean) =>
            done(err ?? (ok ? null : new Error('LockFileEx failed'))),
          );
        },
        // Byte 0, length 1: the range msvcrt.locking(fd, LK_NBLCK, 1) locks at offset 0.
        tryLock(fd) {
          const ok = lockFileEx(getOsHandle(fd), LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, overlapped());
          if (ok) return 'locked';
          const code = getLastError();
          if (code === ERROR_LOCK_VIOLATION) return 'busy';
          throw new Error(`LockFileEx failed (error ${code})`);
        },
        unlock(fd) {
          unlockFileEx(getOsHandle(fd), 0, 1, 0, overlapped());
        },
      };
    } else {
      const libc = koffi.load(process.platform === 'darwin' ? 'libSystem.B.dylib' : 'libc.so.6');
      const flock = libc.func('int flock(int fd, int operation)');
      const errnoOf = (): number => koffi.errno();
      backend = {
        lockBlocking(fd, done) {
          // Retried on EINTR (a signal arrived while waiting); errno is per thread, so read it in the same call.
          const attempt = () =>
            flock.async(fd, LOCK_EX, (err: Error | null, result: number) => {
              if (err) done(err);
              else if (result === 0) done(null);
              else if (koffi.errno() === EINTR) attempt();
              else done(new Error('flock failed'));
            });
          attempt();
        },
        tryLock(fd) {
          if (flock(fd, LOCK_EX | LOCK_NB) === 0) return 'locked';
          const errno = errnoOf();
          if (errno === EWOULDBLOCK_LINUX || errno === EWOULDBLOCK_DARWIN) return 'busy';
          throw new Error(`flock failed (errno ${errno})`);
        },
        unlock(fd) {
          flock(fd, LOCK_UN);
        },
      };
    }
  } catch (err) {
    loadError = (err as Error).message;
    backend = null;
  }
  return backend;
}

function requireBackend(): NonNullable<typeof backend> {
  const impl = loadBackend();
  if (!impl) throw new Error(`ClawTeam's file lock is not available here: ${loadError}`);
  return impl;
}

/**
 * Tries an exclusive flock once on a descriptor the caller already holds open (a claimed `.consumed` message is
 * locked through the very descriptor it is read and checked through): true when taken, false when another open
 * file holds it. Never waits.
 */
export function tryLockFd(fd: number): boolean {
  return requireBackend().tryLock(fd) === 'locked';
}

export function unlockFd(fd: number): void {
  requireBackend().unlock(fd);
}

/** False when the native lock cannot be loaded here (then the reason is in flockUnavailableReason()). Never throws. */
export function isFlockSupported(): boolean {
  return loadBackend() !== null;
}

export function flockUnavailableReason(): string {
  loadBackend();
  return loadError;
}

/**
 * Opens `lockPath` (creating it if missing, in append mode: never truncated, replaced or deleted, as ClawTeam
 * expects) and tries an exclusive lock once. Returns null when another process holds it.
 */
export function tryFlockExclusive(lockPath: string): FlockHandle | null {
  const impl = loadBackend();
  if (!impl) throw new Error(`ClawTeam's file lock is not available here: ${loadError}`);
  const fd = openLockFile(lockPath);
  const state = tryLockOrClose(impl, fd);
  if (state === 'busy') {
    fs.closeSync(fd);
    return null;
  }
  return handleFor(impl, fd);
}

/**
 * Opens a lock target for flock, never through a symlink: a file is created if missing and appended (never
 * truncated); a folder (`directory`, POSIX only) is opened read-only, so locking it leaves nothing on disk.
 */
function openLockFile(lockPath: string, directory = false): number {
  const { O_RDONLY } = fs.constants;
  const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0; // absent on Windows, where symlinks need privileges anyway
  // eslint-disable-next-line no-restricted-syntax -- read-only, O_DIRECTORY | O_NOFOLLOW: a folder to flock, never a link
  if (directory) return fs.openSync(lockPath, O_RDONLY | (fs.constants.O_DIRECTORY ?? 0) | O_NOFOLLOW);
  // safe-fs: a link there is UNSAFE_PATH, never followed to create a file elsewhere.
  return openLockFileInside(lockPath);
}

/** True when the descriptor still names the file at `lockPath` (not unlinked or replaced while we waited). */
function stillLinked(fd: number, lockPath: string): boolean {
  try {
    const held = fs.fstatSync(fd);
    const now = fs.lstatSync(lockPath);
    return held.nlink > 0 && held.ino === now.ino && held.dev === now.dev;
  } catch {
    return false;
  }
}

/** One try for the lock on `fd`; the descriptor is closed when the try throws. */
function tryLockOrClose(impl: NonNullable<typeof backend>, fd: number): 'locked' | 'busy' {
  try {
    return impl.tryLock(fd);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

function handleFor(impl: NonNullable<typeof backend>, fd: number): FlockHandle {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        impl.unlock(fd);
      } finally {
        fs.closeSync(fd); // closing the descriptor drops the lock in any case
      }
    },
  };
}

/** 'queue': the kernel's queue on a worker thread (the app); 'poll': tries with sleeps of up to POLL_MAX_MS (the CLI). */
let waitMode: 'queue' | 'poll' = 'queue';
const POLL_MAX_MS = 8;
export function setFlockWaitMode(mode: 'queue' | 'poll'): void {
  waitMode = mode;
}

/** Lock paths with a blocking wait still pending on a worker thread although its caller gave up. */
const abandonedWaits = new Set<string>();

export class FlockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for the file lock ${lockPath}`);
  }
}

/**
 * Takes an exclusive flock on `lockPath` (a folder when `directory`), waiting in the kernel's queue (on a worker thread) until `deadline`
 * (epoch ms), then FlockTimeoutError. A wait that outlives its deadline keeps its worker thread until the lock comes,
 * then lets it go at once. If the file was replaced or unlinked while we waited (a team deleted or renamed), the
 * lock we got guards nothing: we start over on the file now at the path.
 */
export async function acquireFlock(lockPath: string, deadline: number, directory = false): Promise<FlockHandle> {
  const impl = loadBackend();
  if (!impl) throw new Error(`ClawTeam's file lock is not available here: ${loadError}`);
  let pollMs = 1;
  for (;;) {
    const fd = openLockFile(lockPath, directory);
    const state = tryLockOrClose(impl, fd);
    if (state === 'busy' && waitMode === 'poll') {
      // No wait parked on a worker thread: it would keep a CLI alive after STORE_BUSY until the holder lets go.
      fs.closeSync(fd);
      if (Date.now() >= deadline) throw new FlockTimeoutError(lockPath);
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
      pollMs = Math.min(POLL_MAX_MS, pollMs * 2);
      continue;
    }
    if (state === 'busy' && abandonedWaits.has(lockPath)) {
      // An earlier wait on this lock timed out and still holds a worker thread: do not pin another one (the
      // thread pool is shared with all asynchronous file I/O). Poll until that wait ends or the deadline passes.
      fs.closeSync(fd);
      if (Date.now() >= deadline) throw new FlockTimeoutError(lockPath);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 15));
      continue;
    }
    if (state === 'busy') {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        fs.closeSync(fd);
        throw new FlockTimeoutError(lockPath);
      }
      await new Promise<void>((resolve, reject) => {
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          abandonedWaits.add(lockPath);
          reject(new FlockTimeoutError(lockPath));
        }, remaining);
        impl.lockBlocking(fd, (err) => {
          if (timedOut) {
            // Nobody waits for it any more: let the next waiter have it.
            abandonedWaits.delete(lockPath);
            if (!err) impl.unlock(fd);
            fs.closeSync(fd);
            return;
          }
          clearTimeout(timer);
          if (err) {
            fs.closeSync(fd);
            reject(err);
          } else resolve();
        });
      });
    }
    if (stillLinked(fd, lockPath)) return handleFor(impl, fd);
    impl.unlock(fd);
    fs.closeSync(fd);
  }
}
