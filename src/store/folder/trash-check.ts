import * as fs from 'fs';
import * as path from 'path';
import { UnsafePathError } from '../../shared/errors';
import { assertNoLinks, kindOf, renameInside } from './safe-fs';
import { moveEntry } from './safe-move';

/**
 * What a restore checks before it moves anything out of `.lockstep/trash/<id>/`: every folder on the way and every
 * entry of the trashed team (its config folder, its task folder and that folder's `.lockstep`, all the way down) is a
 * real folder or a regular file. A link anywhere (a trashed folder replaced by a link to an outside folder, a task
 * file replaced by a link) or a special file is UNSAFE_PATH, so a restore never pulls outside files in.
 */
const MAX_ENTRIES = 200_000;
const MAX_DEPTH = 16;

export function assertTrashTree(root: string, trashDir: string, team: string, lockName: string): void {
  for (const dir of [trashDir, path.join(trashDir, 'teams'), path.join(trashDir, 'tasks')]) assertNoLinks(root, dir, 'dir');
  let seen = 0;
  const walk = (p: string, depth: number): void => {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!stat) return;
    if (++seen > MAX_ENTRIES || depth > MAX_DEPTH) throw new UnsafePathError(p, 'the deleted team holds more than Lockstep restores');
    if (stat.isSymbolicLink()) throw new UnsafePathError(p, 'it is a symbolic link');
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) walk(path.join(p, name), depth + 1);
      return;
    }
    if (!stat.isFile()) throw new UnsafePathError(p, `it is ${kindOf(stat)}, not a regular file`);
  };
  walk(path.join(trashDir, 'teams', team), 0);
  walk(path.join(trashDir, 'tasks', team), 0);
  assertNoLinks(root, path.join(trashDir, 'tasks', team, lockName), 'dir');
}

/**
 * Renames each [from, to] in order (each checked for links by renameInside); if one fails, the ones done are moved
 * back in reverse order before the error is thrown, so a restore is done whole or not at all.
 */
export function moveAll(root: string, moves: ReadonlyArray<[string, string]>): void {
  const done: Array<[string, string]> = [];
  try {
    for (const [from, to] of moves) {
      renameInside(root, from, to);
      done.push([from, to]);
    }
  } catch (err) {
    for (const [from, to] of done.reverse()) {
      try {
        moveEntry(to, from);
      } catch {
        // Best effort: what cannot go back stays where the restore put it (doctor reports it).
      }
    }
    throw err;
  }
}
