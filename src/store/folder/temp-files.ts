import * as fs from 'fs';
import * as path from 'path';
import { isTempFileName } from './paths';
import { removeEntry } from './safe-move';
import type { TempFile } from '../core/doctor';

/**
 * Temp files writers leave in a team's task folder when killed mid-write (names: paths.ts isTempFileName). The one
 * scan doctor reports them from and sweep removes them with.
 */

export type { TempFile };

export function listTempFiles(dir: string): TempFile[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: TempFile[] = [];
  for (const name of names) {
    if (!isTempFileName(name)) continue;
    try {
      const stat = fs.lstatSync(path.join(dir, name));
      if (!stat.isFile()) continue; // a link or folder with a temp-like name is not a writer's leftover
      out.push({ path: path.join(dir, name), mtimeMs: stat.mtimeMs });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** Removes the temp files last written at least `ageMs` ago (a live writer's are younger); returns their paths. */
export function removeOldTempFiles(dir: string, ageMs: number): string[] {
  const cutoff = Date.now() - ageMs;
  const removed: string[] = [];
  for (const temp of listTempFiles(dir)) {
    if (temp.mtimeMs > cutoff) continue;
    try {
      removeEntry(temp.path);
      removed.push(temp.path);
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}
