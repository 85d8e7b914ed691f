/**
 * flock on a descriptor the caller already holds open (a claimed `.consumed` message must be locked through the
 * very descriptor it is read and checked through). Same native call as flock.ts (koffi → libc `flock`,
 * `LockFileEx` on byte 0 on Windows, as ClawTeam's msvcrt.locking does), non-blocking only: callers never wait
 * here, a busy message is simply somebody else's.
 */

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
const EWOULDBLOCK = new Set([11, 35]);
const ERROR_LOCK_VIOLATION = 33;

interface Backend {
  tryLock(fd: number): boolean;
  unlock(fd: number): void;
}

let backend: Backend | null | undefined;
let loadError = '';

function load(): Backend | null {
  if (backend !== undefined) return backend;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    if (process.platform === 'win32') {
      const kernel32 = koffi.load('kernel32.dll');
      const msvcrt = koffi.load('msvcrt.dll');
      const getOsHandle = msvcrt.func('intptr_t _get_osfhandle(int fd)');
      koffi.struct('LOCKSTEP_FD_OVERLAPPED', {
        Internal: 'uintptr_t',
        InternalHigh: 'uintptr_t',
        Offset: 'uint32_t',
        OffsetHigh: 'uint32_t',
        hEvent: 'void *',
      });
      const lockFileEx = kernel32.func(
        'bool __stdcall LockFileEx(intptr_t h, uint32_t flags, uint32_t reserved, uint32_t lenLow, uint32_t lenHigh, _Inout_ LOCKSTEP_FD_OVERLAPPED *ov)',
      );
      const unlockFileEx = kernel32.func(
        'bool __stdcall UnlockFileEx(intptr_t h, uint32_t reserved, uint32_t lenLow, uint32_t lenHigh, _Inout_ LOCKSTEP_FD_OVERLAPPED *ov)',
      );
      const getLastError = kernel32.func('uint32_t __stdcall GetLastError()');
      const ov = () => ({ Internal: 0, InternalHigh: 0, Offset: 0, OffsetHigh: 0, hEvent: null });
      backend = {
        tryLock(fd) {
          if (lockFileEx(getOsHandle(fd), 3, 0, 1, 0, ov())) return true;
          const code = getLastError();
          if (code === ERROR_LOCK_VIOLATION) return false;
          throw new Error(`LockFileEx failed (error ${code})`);
        },
        unlock(fd) {
          unlockFileEx(getOsHandle(fd), 0, 1, 0, ov());
        },
      };
    } else {
      const libc = koffi.load(process.platform === 'darwin' ? 'libSystem.B.dylib' : 'libc.so.6');
      const flock = libc.func('int flock(int fd, int operation)');
      backend = {
        tryLock(fd) {
          if (flock(fd, LOCK_EX | LOCK_NB) === 0) return true;
          const errno = koffi.errno();
          if (EWOULDBLOCK.has(errno)) return false;
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

function impl(): Backend {
  const b = load();
  if (!b) throw new Error(`ClawTeam's file lock is not available here: ${loadError}`);
  return b;
}

/** Tries an exclusive flock on `fd` once: true when taken, false when another open file holds it. */
export function tryLockFd(fd: number): boolean {
  return impl().tryLock(fd);
}

export function unlockFd(fd: number): void {
  impl().unlock(fd);
}
