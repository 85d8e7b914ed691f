import * as fs from 'fs';
import * as path from 'path';
import { assertNoLinks, createExclusive, fillAndRename } from './safe-fs';

/**
 * Moving, removing and making entries inside the data folder (part of safe-fs.ts, the one way the store touches
 * it; eslint.config.mjs keeps raw fs calls out of the rest of src/store). rename and unlink act on the entry itself
 * and never follow a link in the last component; what could lead out is a folder on the way, so with `root` every
 * component below the data folder is checked first (UNSAFE_PATH for a link). Without `root` the caller has checked
 * the folder already (an inbox guarded by Mailbox.guard, a lock folder the team lock checked).
 */

function checkParents(root: string | undefined, ...paths: string[]): void {
  if (root === undefined) return;
  for (const p of paths) assertNoLinks(root, path.dirname(p), 'dir');
}

/** rename(2) of an entry (a link in the last component is moved as a link, never followed). */
export function moveEntry(from: string, to: string, root?: string): void {
  checkParents(root, from, to);
  fs.renameSync(from, to);
}

/** unlink(2) of an entry; false when it was not there. */
export function removeEntry(p: string, root?: string): boolean {
  checkParents(root, p);
  try {
    fs.unlinkSync(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** rm -rf of an entry (rmSync never follows links inside; a link itself is removed, not its target). */
export function removeTree(p: string, root?: string): void {
  checkParents(root, p);
  fs.rmSync(p, { recursive: true, force: true });
}

/** rmdir of an empty folder; false when not empty or not there. */
export function removeEmptyDir(p: string): boolean {
  try {
    fs.rmdirSync(p);
    return true;
  } catch {
    return false;
  }
}

/** mkdir -p (checked below `root` before and after when given: nothing on the way may be a link). */
export function makeDirs(dir: string, root?: string): void {
  if (root !== undefined) assertNoLinks(root, dir, 'dir');
  fs.mkdirSync(dir, { recursive: true });
  if (root !== undefined) assertNoLinks(root, dir, 'dir');
}

/** Sets an open file's times (a lease's end, on the descriptor the claim holds). */
export function setTimesFd(fd: number, atimeSeconds: number, mtimeSeconds: number): void {
  fs.futimesSync(fd, atimeSeconds, mtimeSeconds);
}

/** Sets a folder's mtime (the ready index's stamp) without following a link: lutimes. */
export function stampFolder(dir: string, atimeSeconds: number, mtimeSeconds: number): void {
  fs.lutimesSync(dir, atimeSeconds, mtimeSeconds);
}

/**
 * ClawTeam's temp-then-rename: `data` into a fresh file `tmp` (O_CREAT | O_EXCL | O_NOFOLLOW: never opened through
 * anything already there), fsynced, renamed over `target`; no temp file is left on failure.
 */
export function writeViaTemp(tmp: string, target: string, data: string): void {
  const { fd } = createExclusive(tmp, (p) => p);
  fillAndRename(fd, tmp, target, data);
}
