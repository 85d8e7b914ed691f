import * as fs from 'fs';
import { UnsafePathError } from '../../shared/errors';

/**
 * Reading inside the data folder (part of safe-fs.ts, the one way the store touches it). Every read:
 * - opens without following a link in the last component (O_NOFOLLOW) and without blocking (O_NONBLOCK: opening a
 *   FIFO for reading would otherwise wait for a writer that never comes, inside the team lock too);
 * - looks at what it opened (fstat) and refuses anything that is not a regular file before reading a byte;
 * - refuses a file over its cap before reading (a sparse 2 GB file costs nothing).
 */

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

export function kindOf(stat: fs.Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFile()) return 'a file';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  return 'a special file';
}

const ENTRY_IS_LINK = 'it is a symbolic link; Lockstep does not follow links found inside the data folder and left it alone';

/**
 * Opens a file for reading without following a link in its last component and without blocking; null when missing.
 * The descriptor may name a FIFO or a folder: callers check with fstat (openRegular does).
 */
export function openNoFollow(p: string): number | null {
  try {
    const fd = fs.openSync(p, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (!O_NOFOLLOW) {
      // No O_NOFOLLOW (Windows): check the opened file is the one lstat sees, a regular file.
      const l = fs.lstatSync(p);
      const f = fs.fstatSync(fd);
      if (l.isSymbolicLink() || l.ino !== f.ino || l.dev !== f.dev) {
        fs.closeSync(fd);
        throw new UnsafePathError(p, 'it is a symbolic link');
      }
    }
    return fd;
  } catch (err) {
    if (errno(err) === 'ENOENT') return null;
    if (errno(err) === 'ELOOP' || errno(err) === 'EMLINK') throw new UnsafePathError(p, 'it is a symbolic link');
    if (errno(err) === 'ENOTDIR') throw new UnsafePathError(p, 'something on its way is not a folder');
    throw err;
  }
}

/**
 * Opens a regular file for reading (no link followed, never blocks); null when missing; UNSAFE_PATH for a link or
 * anything that is not a regular file. Returns the descriptor and what fstat saw.
 */
export function openRegular(p: string): { fd: number; stat: fs.Stats } | null {
  const fd = openNoFollow(p);
  if (fd === null) return null;
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new UnsafePathError(p, `it is ${kindOf(stat)}, not a regular file`);
  }
  return { fd, stat };
}

export type BoundedRead = { kind: 'ok'; bytes: Buffer } | { kind: 'missing' } | { kind: 'problem'; reason: string; unsafe: boolean };

/** Reads at most `size` bytes from the start of an open file (a file that grew meanwhile is read no further). */
export function readFd(fd: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let off = 0;
  while (off < bytes.length) {
    const n = fs.readSync(fd, bytes, off, bytes.length - off, off);
    if (n === 0) break;
    off += n;
  }
  return off === bytes.length ? bytes : bytes.subarray(0, off);
}

/**
 * Reads a regular file, refusing links, special files and files over `maxBytes` (checked on the open descriptor,
 * before reading a byte).
 */
export function readBounded(p: string, maxBytes: number): BoundedRead {
  let fd: number | null;
  try {
    fd = openNoFollow(p);
  } catch (err) {
    if (err instanceof UnsafePathError) return { kind: 'problem', reason: ENTRY_IS_LINK, unsafe: true };
    throw err;
  }
  if (fd === null) return { kind: 'missing' };
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { kind: 'problem', reason: `it is ${kindOf(stat)}, not a regular file; left alone`, unsafe: true };
    if (stat.size > maxBytes) {
      return {
        kind: 'problem',
        reason: `it is ${formatBytes(stat.size)}, more than the ${formatBytes(maxBytes)} Lockstep reads; left alone`,
        unsafe: false,
      };
    }
    return { kind: 'ok', bytes: readFd(fd, stat.size) };
  } finally {
    fs.closeSync(fd);
  }
}

/** A small file's text (no link, no special file, at most `maxBytes`), or null when missing or refused. */
export function readTextOrNull(p: string, maxBytes: number): string | null {
  try {
    const read = readBounded(p, maxBytes);
    return read.kind === 'ok' ? read.bytes.toString('utf8') : null;
  } catch {
    return null;
  }
}

/** The first `n` bytes of a regular file (no link followed); null when missing or not readable as such. */
export function readHead(p: string, n: number): Buffer | null {
  let opened: { fd: number; stat: fs.Stats } | null;
  try {
    opened = openRegular(p);
  } catch {
    return null;
  }
  if (opened === null) return null;
  try {
    return readFd(opened.fd, Math.min(n, opened.stat.size));
  } finally {
    fs.closeSync(opened.fd);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}
