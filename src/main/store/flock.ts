import * as fs from 'fs';
import { openLockFile } from './safe-fs';

/**
 * A real BSD `flock` (Linux, macOS) or `LockFileEx` (Windows) from Node, to interlock with ClawTeam's Python
 * writers, which hold `fcntl.flock(LOCK_EX)` (`msvcrt.locking` on the first byte on Windows) on
 * `tasks/<team>/.tasks.lock`. Node has no flock; koffi (FFI with prebuilt binaries for Linux, macOS and Windows,
 * no compiler at install, N-API so the same binary loads in Node and Electron) calls the C library directly.
 * fcntl/OFD record locks (fs-native-extensions, os-lock) do not exclude flock on Linux, so they cannot be used.
 *
 * Only the non-blocking form is ever called: a blocking flock would freeze the thread calling it (the Electron
 * main thread, or a libuv pool thread). Callers poll with a short back-off.
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
// Windows: LockFileEx flags and the error a held lock gives.
const LOCKFILE_FAIL_IMMEDIATELY = 1;
const LOCKFILE_EXCLUSIVE_LOCK = 2;
const ERROR_LOCK_VIOLATION = 33;

let backend: { tryLock: TryLock; unlock: (fd: number) => void } | null | undefined;
let loadError = '';

function loadBackend(): typeof backend {
  if (backend !== undefined) return backend;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
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
      const lockFileEx = kernel32.func('bool __stdcall LockFileEx(intptr_t h, uint32_t flags, uint32_t reserved, uint32_t lenLow, uint32_t lenHigh, _Inout_ LOCKSTEP_OVERLAPPED *ov)');
      const unlockFileEx = kernel32.func('bool __stdcall UnlockFileEx(intptr_t h, uint32_t reserved, uint32_t lenLow, uint32_t lenHigh, _Inout_ LOCKSTEP_OVERLAPPED *ov)');
      const getLastError = kernel32.func('uint32_t __stdcall GetLastError()');
      const overlapped = () => ({ Internal: 0, InternalHigh: 0, Offset: 0, OffsetHigh: 0, hEvent: null });
      void OVERLAPPED;
      backend = {
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
  const fd = openLockFile(lockPath); // safe-fs: a link there is UNSAFE_PATH, never followed to create a file elsewhere
  let state: 'locked' | 'busy';
  try {
    state = impl.tryLock(fd);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  if (state === 'busy') {
    fs.closeSync(fd);
    return null;
  }
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
