import * as fs from 'fs';
import * as path from 'path';
import { PRIORITY_RANK, type Task } from '../shared/domain';
import { parseTimestamp } from '../shared/time';
import { assertNoLinks, readBounded, unlinkInside, writeInside } from './safe-fs';
import { stampFolder } from './safe-move';

/**
 * The ready set for `claim --next`, kept beside the tasks (`.lockstep/ready.json`) so a claim need not read every
 * task file of a big team. It is a hint, never the truth:
 *
 * - It is trusted only while the task folder is exactly as the last Lockstep writer left it. After saving, that
 *   writer stamps the folder's mtime a few microseconds into the past and records the stamp in the index. Any later
 *   change of the folder's entries (a ClawTeam writer's temp file and rename, a delete, a new task) sets the mtime
 *   to the current time, which cannot equal a stamp from the past: the index no longer matches and is rebuilt from
 *   a full read of the folder. Every Lockstep writer maintains it under the team lock from what it changed.
 * - Every candidate is re-read from its file inside the lock, with its blockers, before it is handed out; one that
 *   is no longer ready (claimed, completed or deleted behind our back, even by an edit in place, which leaves the
 *   folder's mtime alone) is dropped and the next is tried. So a stale candidate is never handed out.
 * - It holds the best `LIMIT` ready tasks in claim order and the rank below which it is complete (`floor`): when the
 *   entries run out above a floor, the next claim rebuilds it.
 */

export const READY_INDEX_LIMIT = 256;

/** Claim order: most urgent first, then oldest, then id. */
export type RankKey = [priority: number, createdMicros: number, id: string];

export function rankOf(task: Task): RankKey {
  return [-(PRIORITY_RANK[task.priority] ?? 0), parseTimestamp(task.createdAt) ?? 0, task.id];
}

export function compareRank(a: RankKey, b: RankKey): number {
  return a[0] - b[0] || a[1] - b[1] || a[2].localeCompare(b[2]);
}

/** Ready by its own fields: pending and unclaimed (blockers are checked separately). */
export function readyByOwnFields(task: Task): boolean {
  return task.status === 'pending' && !task.lockedBy;
}

interface IndexFile {
  v: 1;
  /** The task folder's mtime (ns) as the last writer stamped it. */
  stamp: string;
  /** Ready tasks ranking at or after this are not listed; null: every ready task is listed. */
  floor: RankKey | null;
  entries: RankKey[];
}

/** The index is small (2 × LIMIT entries): anything bigger is not ours. */
const MAX_INDEX_BYTES = 256 * 1024;

/**
 * Entries are rank keys [number, number, string] and the floor is one or null; anything else is rebuilt (not an
 * INTERNAL error). A well-formed index listing fewer tasks than are ready is a trade-off written down in the README.
 */
function wellFormed(file: IndexFile): boolean {
  const isKey = (k: unknown): k is RankKey =>
    Array.isArray(k) && k.length === 3 && typeof k[0] === 'number' && typeof k[1] === 'number' && typeof k[2] === 'string';
  return Array.isArray(file.entries) && file.entries.every(isKey) && (file.floor === null || isKey(file.floor));
}

function indexPath(lockstepDir: string): string {
  return path.join(lockstepDir, 'ready.json');
}

function folderMtimeNs(tasksDir: string): bigint {
  return fs.statSync(tasksDir, { bigint: true }).mtimeNs;
}

export class ReadyIndex {
  private constructor(
    private entries: RankKey[],
    private floor: RankKey | null,
  ) {}

  /** The index if it matches the task folder as it is now (call inside the lock, before saving), else null. */
  static load(tasksDir: string, lockstepDir: string): ReadyIndex | null {
    // Most teams have none (it comes with the first claim --next): no exception for that. Never through a link,
    // never a FIFO (it would hang inside the lock), never past the cap.
    if (!fs.existsSync(indexPath(lockstepDir))) return null;
    let read: ReturnType<typeof readBounded>;
    try {
      read = readBounded(indexPath(lockstepDir), MAX_INDEX_BYTES);
    } catch {
      return null;
    }
    if (read.kind === 'missing') return null;
    if (read.kind === 'ok') {
      try {
        const file = JSON.parse(read.bytes.toString('utf8')) as IndexFile;
        if (file.v === 1 && typeof file.stamp === 'string' && BigInt(file.stamp) === folderMtimeNs(tasksDir) && wellFormed(file)) {
          return new ReadyIndex(file.entries, file.floor);
        }
      } catch {
        // Torn or foreign: rebuilt by the next claim.
      }
    }
    // Out of date: remove it so writers that do not claim stop reading it.
    ReadyIndex.discard(lockstepDir);
    return null;
  }

  static discard(lockstepDir: string): void {
    try {
      // unlink removes a planted link or file itself; anything else there (a folder) is left for doctor.
      unlinkInside(path.dirname(lockstepDir), indexPath(lockstepDir));
    } catch {
      // Not there, or not a file.
    }
  }

  /** Builds it from every task of the team; `isReady` says whether a pending, unclaimed task's blockers are done. */
  static build(tasks: Task[], isReady: (task: Task) => boolean): ReadyIndex {
    const ready = tasks
      .filter((t) => readyByOwnFields(t) && isReady(t))
      .map(rankOf)
      .sort(compareRank);
    if (ready.length <= READY_INDEX_LIMIT) return new ReadyIndex(ready, null);
    return new ReadyIndex(ready.slice(0, READY_INDEX_LIMIT), ready[READY_INDEX_LIMIT]);
  }

  /** Candidate ids in claim order. */
  candidates(): string[] {
    return this.entries.map((e) => e[2]);
  }

  /** True when ready tasks may exist beyond the listed ones (the list ran out above its floor). */
  incomplete(): boolean {
    return this.floor !== null;
  }

  remove(id: string): void {
    const i = this.entries.findIndex((e) => e[2] === id);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** Records a task's new state: listed if ready and ranking above the floor, else not listed. */
  update(task: Task, ready: boolean): void {
    this.remove(task.id);
    if (!ready) return;
    const key = rankOf(task);
    if (this.floor && compareRank(key, this.floor) >= 0) return;
    let i = this.entries.length;
    while (i > 0 && compareRank(this.entries[i - 1], key) > 0) i--;
    this.entries.splice(i, 0, key);
    if (this.entries.length > READY_INDEX_LIMIT * 2) {
      // Keep the file small: the tail becomes "not listed".
      this.floor = this.entries[READY_INDEX_LIMIT];
      this.entries.length = READY_INDEX_LIMIT;
    }
  }

  /**
   * Saves the index and stamps the task folder (call inside the lock, after saving the tasks). If the folder cannot
   * be stamped (not ours), the index is discarded: claims then read the folder, as without an index.
   */
  save(tasksDir: string, lockstepDir: string): void {
    try {
      const now = fs.statSync(tasksDir, { bigint: true });
      // A few microseconds before the folder's current mtime: no later change of the folder can produce it.
      const stampSeconds = Number(now.mtimeNs - 2_000n) / 1e9;
      stampFolder(tasksDir, Number(now.atimeNs) / 1e9, stampSeconds);
      const stamp = folderMtimeNs(tasksDir);
      if (stamp >= now.mtimeNs) throw new Error('the file system cannot keep the stamp');
      const file: IndexFile = { v: 1, stamp: stamp.toString(), floor: this.floor, entries: this.entries };
      // A fresh random temp name opened with O_EXCL | O_NOFOLLOW, then renamed over the index (safe-fs.ts): a link
      // planted at any name is never written through.
      assertNoLinks(path.dirname(lockstepDir), lockstepDir, 'dir');
      writeInside(lockstepDir, indexPath(lockstepDir), JSON.stringify(file), { syncDir: false });
    } catch {
      ReadyIndex.discard(lockstepDir);
    }
  }
}
