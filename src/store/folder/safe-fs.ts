import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { UnsafePathError } from '../../shared/errors';
import { splitBelow } from './path-below';
import { kindOf } from './safe-read';

export {
  openNoFollow,
  openRegular,
  readBounded,
  readFd,
  readHead,
  readTextOrNull,
  formatBytes,
  kindOf,
  type BoundedRead,
} from './safe-read';

/**
 * The data folder is a boundary. Agents that may write only inside it can plant symbolic links there; nothing
 * Lockstep writes, renames, deletes, appends to, locks or reads in order to rewrite may follow such a link out.
 *
 * - Every path is checked component by component below the data folder with lstat: a symbolic link (or anything
 *   that is not a folder where a folder belongs, or not a regular file where a file belongs) is UNSAFE_PATH. The
 *   data folder itself may be a link; only what is below it is checked.
 * - Files are opened with O_NOFOLLOW where the platform has it, so a link swapped in after the check still fails.
 * - The resolved path of the folder written into must stay inside the resolved data folder.
 * Errors name the path only, never the bytes of whatever a link points to.
 */

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

/** lstat, or null when nothing is there. A missing entry is the common case here: answered without an exception. */
function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false }) ?? null;
  } catch (err) {
    if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return null;
    throw err;
  }
}

function unsafe(p: string, what: string): UnsafePathError {
  return new UnsafePathError(p, what);
}

/**
 * Checks every component of `target` below `root` (root itself may be a link): folders must be real folders; the
 * last component, when it exists, must be `last` ('file' or 'dir'). Missing components are fine (they will be
 * created). Throws UNSAFE_PATH otherwise. `folders`, shared by the checks of one moment (the paths of one
 * team before a write), holds the folders already found to be real folders, so each is looked at once, not once per
 * path below it. Returns what lstat found at `target` (null when missing or not looked at again).
 */
export function assertNoLinks(root: string, target: string, last: 'file' | 'dir' | 'any' = 'file', folders?: Set<string>): fs.Stats | null {
  const below = splitBelow(root, target);
  if (below === 'same') return null;
  if (below === 'outside') throw unsafe(target, 'it is outside the data folder');
  const { base, parts } = below;
  // path.relative normalized both: joining its parts to the resolved root by hand is what path.join would give.
  let current = base;
  for (let i = 0; i < parts.length; i++) {
    current = i === 0 ? base + parts[0] : current + path.sep + parts[i];
    const isLast = i === parts.length - 1;
    if (folders?.has(current) && (!isLast || last !== 'file')) continue;
    const stat = lstatOrNull(current);
    if (!stat) return null;
    if (folders && stat.isDirectory()) folders.add(current);
    if (stat.isSymbolicLink()) throw unsafe(current, 'it is a symbolic link');
    if (!isLast && !stat.isDirectory()) throw unsafe(current, `it is ${kindOf(stat)} where a folder belongs`);
    if (isLast && last === 'file' && !stat.isFile()) throw unsafe(current, `it is ${kindOf(stat)} where a file belongs`);
    if (isLast && last === 'dir' && !stat.isDirectory()) throw unsafe(current, `it is ${kindOf(stat)} where a folder belongs`);
    if (isLast) return stat;
  }
  return null;
}

/**
 * What one locked batch has checked already (team-commit.ts makes one per batch, inside the lock, right before it
 * saves): the folders below the data folder found to be real folders, and the folders found to resolve inside it.
 * Every write of the batch then checks only its own last component (and opens it without following a link) instead
 * of walking the same folders again for each file. A new batch starts with an empty one: nothing carries over from
 * one lock to the next.
 */
export interface CheckedPaths {
  folders: Set<string>;
  inside: Set<string>;
}

export function newCheckedPaths(): CheckedPaths {
  return { folders: new Set(), inside: new Set() };
}

/** One resolution of links: the C library's where it behaves as Node's (POSIX), Node's own elsewhere. */
const realpathOf: (p: string) => string = process.platform === 'win32' ? (p) => fs.realpathSync(p) : (p) => fs.realpathSync.native(p);

/**
 * The resolved folder a file lands in must be inside the resolved data folder (once per folder in a batch when
 * `checked` is given).
 */
export function assertInside(root: string, target: string, checked?: CheckedPaths): void {
  const dir = path.dirname(target);
  if (checked?.inside.has(dir)) return;
  let realRoot: string;
  let realDir: string;
  try {
    realRoot = realpathOf(root);
    realDir = realpathOf(dir);
  } catch (err) {
    if (errno(err) === 'ENOENT') return; // not created yet: assertNoLinks already vouched for what exists
    throw err;
  }
  const rel = path.relative(realRoot, realDir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw unsafe(target, 'it resolves to a place outside the data folder');
  checked?.inside.add(dir);
}

/** Failpoint hook for tests (see failpoints.ts): called before each durable write's rename. */
let beforeRename: ((target: string) => void) | null = null;
export function setBeforeRenameHook(hook: ((target: string) => void) | null): void {
  beforeRename = hook;
}

/**
 * Unique temp file in the same folder, fsync, rename, for a path checked first: no component below `root` is a
 * link, and the folder resolves inside `root`. The temp file is created with O_EXCL | O_NOFOLLOW under a random
 * name (`<target>.<8 random hex>`): a link or file planted at any name it could take makes the open fail, never
 * write elsewhere. The rename replaces the target entry itself (a link swapped in meanwhile is replaced, not
 * followed). The mode of the file replaced is kept. The folder is fsynced after the rename (skip with
 * `syncDir: false` when the caller syncs it once for many). `checked`: the batch's checks so far.
 */
export function writeInside(
  root: string,
  target: string,
  data: string | Buffer,
  options: { syncDir?: boolean; checked?: CheckedPaths } = {},
): void {
  const before = assertNoLinks(root, target, 'file', options.checked?.folders);
  assertInside(root, target, options.checked);
  beforeRename?.(target);
  const { fd, path: tmp } = createExclusive(
    target,
    (name) => `${name}.${randomBytes(4).toString('hex')}`,
    before ? before.mode & 0o777 : 0o644,
  );
  fillAndRename(fd, tmp, target, data);
  if (options.syncDir !== false) fsyncDir(path.dirname(target));
}

/** Writes `data` into the new file `fd` (at `tmp`), fsyncs and closes it, renames it over `target`; on failure no temp file is left. */
export function fillAndRename(fd: number, tmp: string, target: string, data: string | Buffer): void {
  try {
    try {
      writeAll(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Creates a new file with O_CREAT | O_EXCL | O_NOFOLLOW (never opens anything already there, link or not) at
 * `nameFor(base)`; a name taken is tried again with another (random) name. Returns the descriptor and path.
 */
export function createExclusive(base: string, nameFor: (base: string) => string, mode = 0o644): { fd: number; path: string } {
  for (let attempt = 0; ; attempt++) {
    const p = nameFor(base);
    try {
      return { fd: fs.openSync(p, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, mode), path: p };
    } catch (err) {
      if (errno(err) === 'EEXIST' && p !== base && attempt < 16) continue;
      if (errno(err) === 'ELOOP' || errno(err) === 'EEXIST') throw unsafe(p, 'something is already there');
      throw err;
    }
  }
}

/** Writes a new file that must not exist yet (O_EXCL | O_NOFOLLOW) below `root`, fsynced. */
export function writeNewInside(root: string, target: string, data: string): void {
  assertNoLinks(root, path.dirname(target), 'dir');
  assertInside(root, target);
  const { fd } = createExclusive(target, (p) => p);
  try {
    writeAll(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes all of `data` (writeSync may write less than asked). */
export function writeAll(fd: number, data: string | Buffer): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

/** Makes renames and unlinks in `dir` durable. A no-op where folders cannot be opened (Windows). */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number;
  try {
    fd = fs.openSync(dir, fs.constants.O_RDONLY | O_NOFOLLOW | (fs.constants.O_DIRECTORY ?? 0));
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on folders; the rename is still atomic.
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes a regular file (never follows: unlink removes a link itself, but links are refused here too). */
export function unlinkInside(root: string, target: string, checked?: CheckedPaths): boolean {
  assertNoLinks(root, target, 'file', checked?.folders);
  try {
    fs.unlinkSync(target);
    return true;
  } catch (err) {
    if (errno(err) === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Moves `from` to `to`, both below `root`: no component of either path below the data folder may be a link (the
 * entry moved included: a link is refused, not moved), and `to` must not exist. 'any' moves a file or a folder.
 */
export function renameInside(root: string, from: string, to: string, kind: 'file' | 'dir' | 'any' = 'any'): void {
  const stat = assertNoLinks(root, from, kind);
  if (!stat) throw Object.assign(new Error(`${from} is gone`), { code: 'ENOENT' });
  if (assertNoLinks(root, to, 'any')) throw unsafe(to, 'something is already there');
  assertNoLinks(root, path.dirname(to), 'dir');
  fs.renameSync(from, to);
}

/**
 * Removes a file or a folder with everything in it, below `root`: no component on the way may be a link (the
 * entry itself may be one: a link is removed, never what it points to; rmSync does not follow links inside).
 */
export function removeInside(root: string, target: string): void {
  assertNoLinks(root, path.dirname(target), 'dir');
  if (splitBelow(root, target) === 'same' || splitBelow(root, target) === 'outside')
    throw unsafe(target, 'it is not below the data folder');
  fs.rmSync(target, { recursive: true, force: true });
}

/** Creates folders below root after checking nothing on the way is a link. */
export function mkdirInside(root: string, dir: string): void {
  assertNoLinks(root, dir, 'dir');
  fs.mkdirSync(dir, { recursive: true });
  assertNoLinks(root, dir, 'dir');
}

/** Appends to a file without following a link (O_NOFOLLOW | O_APPEND | O_CREAT); returns the file as it is after. */
export function appendInside(root: string, target: string, data: string, checked?: CheckedPaths): fs.Stats {
  assertNoLinks(root, target, 'file', checked?.folders);
  let fd: number;
  try {
    fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | O_NOFOLLOW, 0o644);
  } catch (err) {
    if (errno(err) === 'ELOOP' || errno(err) === 'EMLINK') throw unsafe(target, 'it is a symbolic link');
    throw err;
  }
  try {
    fs.writeSync(fd, data);
    return fs.fstatSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a lock file for flock: created if missing, append mode, never truncated; a link or a non-regular file is
 * refused (UNSAFE_PATH) rather than followed to create or lock a file elsewhere. For flock.ts.
 */
export function openLockFile(lockPath: string): number {
  const stat = lstatOrNull(lockPath);
  if (stat && stat.isSymbolicLink()) throw unsafe(lockPath, 'it is a symbolic link');
  if (stat && !stat.isFile()) throw unsafe(lockPath, `it is ${kindOf(stat)} where a file belongs`);
  try {
    return fs.openSync(lockPath, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | O_NOFOLLOW, 0o644);
  } catch (err) {
    if (errno(err) === 'ELOOP' || errno(err) === 'EMLINK') throw unsafe(lockPath, 'it is a symbolic link');
    throw err;
  }
}
