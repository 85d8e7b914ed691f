import * as fs from 'fs';
import * as path from 'path';
import { PRIORITY_RANK, type Task } from '../../shared/domain';
import { requiredTags } from '../../shared/members';
import { parseTimestamp } from '../../shared/time';
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
 * - For members' profiles: each entry carries the capability tags its task requires, and `holders` lists the tasks
 *   each agent holds in progress (for WIP limits; each is re-read before it counts).
 */

export const READY_INDEX_LIMIT = 256;

/** Claim order: most urgent first, then oldest, then id. */
export type RankKey = [priority: number, createdMicros: number, id: string];

/** An index entry: the rank, then the capability tags the task requires when it requires any. */
export type IndexEntry = RankKey | [...RankKey, string[]];

function entryOf(task: Task): IndexEntry {
  const tags = requiredTags(task);
  return tags.length ? [...rankOf(task), tags] : rankOf(task);
}

export function rankOf(task: Task): RankKey {
  return [-(PRIORITY_RANK[task.priority] ?? 0), parseTimestamp(task.createdAt) ?? 0, task.id];
}

export function compareRank(a: IndexEntry, b: IndexEntry): number {
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
  entries: IndexEntry[];
  /** Agent → ids of the tasks it holds in progress (absent in files of older versions). */
  holders?: Record<string, string[]>;
}

/** The index is small (2 × LIMIT entries): anything bigger is not ours. */
const MAX_INDEX_BYTES = 256 * 1024;

const isKey = (k: unknown): k is RankKey =>
  Array.isArray(k) && k.length >= 3 && typeof k[0] === 'number' && typeof k[1] === 'number' && typeof k[2] === 'string';
const isTags = (t: unknown): boolean => Array.isArray(t) && t.every((x) => typeof x === 'string');
const isEntry = (e: unknown): e is IndexEntry => isKey(e) && (e.length === 3 || (e.length === 4 && isTags((e as unknown[])[3])));

/**
 * Entries are rank keys [number, number, string] (with the tags a task requires as a fourth item) and the floor is a
 * key or null; anything else is rebuilt (not an INTERNAL error). A well-formed index listing fewer tasks than are
 * ready is a trade-off written down in the README.
 */
function wellFormed(file: IndexFile): boolean {
  return (
    Array.isArray(file.entries) && file.entries.every(isEntry) && (file.floor === null || (isKey(file.floor) && file.floor.length === 3))
  );
}

/** The holders map: agent → task ids; anything else is ignored (the claim then reads the team). */
function wellFormedHolders(h: unknown): h is Record<string, string[]> {
  return typeof h === 'object' && h !== null && !Array.isArray(h) && Object.values(h).every(isTags);
}

function indexPath(lockstepDir: string): string {
  return path.join(lockstepDir, 'ready.json');
}

function folderMtimeNs(tasksDir: string): bigint {
  return fs.statSync(tasksDir, { bigint: true }).mtimeNs;
}

export class ReadyIndex {
  private constructor(
    private entries: IndexEntry[],
    private floor: RankKey | null,
    private holders: Map<string, string[]> | null,
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
          const holders = wellFormedHolders(file.holders) ? new Map(Object.entries(file.holders)) : null;
          return new ReadyIndex(file.entries, file.floor, holders);
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
      .map(entryOf)
      .sort(compareRank);
    const holders = new Map<string, string[]>();
    for (const t of tasks)
      if (t.status === 'in_progress' && t.lockedBy) holders.set(t.lockedBy, [...(holders.get(t.lockedBy) ?? []), t.id]);
    if (ready.length <= READY_INDEX_LIMIT) return new ReadyIndex(ready, null, holders);
    return new ReadyIndex(ready.slice(0, READY_INDEX_LIMIT), ready[READY_INDEX_LIMIT].slice(0, 3) as RankKey, holders);
  }

  /** Candidate ids in claim order; given a claimer's capability tags, only tasks requiring none it lacks. */
  candidates(capabilities?: ReadonlySet<string>): string[] {
    return this.entries.filter((e) => !capabilities || (e[3] ?? []).every((t) => capabilities.has(t))).map((e) => e[2]);
  }

  /** The ids of the tasks `agent` holds in progress as last recorded, or null when this index does not know. */
  heldBy(agent: string): string[] | null {
    return this.holders ? (this.holders.get(agent) ?? []) : null;
  }

  /** True when ready tasks may exist beyond the listed ones (the list ran out above its floor). */
  incomplete(): boolean {
    return this.floor !== null;
  }

  remove(id: string): void {
    const i = this.entries.findIndex((e) => e[2] === id);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** A deleted task: neither listed nor held. */
  forget(id: string): void {
    this.remove(id);
    this.hold(id, '');
  }

  private hold(id: string, holder: string): void {
    if (!this.holders) return;
    for (const [agent, ids] of this.holders) {
      if (agent !== holder && ids.includes(id))
        this.holders.set(
          agent,
          ids.filter((i) => i !== id),
        );
    }
    if (holder && !(this.holders.get(holder) ?? []).includes(id)) this.holders.set(holder, [...(this.holders.get(holder) ?? []), id]);
  }

  /** Records a task's new state: listed if ready and ranking above the floor, else not listed; who holds it. */
  update(task: Task, ready: boolean): void {
    this.remove(task.id);
    this.hold(task.id, task.status === 'in_progress' ? task.lockedBy : '');
    if (!ready) return;
    const key = entryOf(task);
    if (this.floor && compareRank(key, this.floor) >= 0) return;
    let i = this.entries.length;
    while (i > 0 && compareRank(this.entries[i - 1], key) > 0) i--;
    this.entries.splice(i, 0, key);
    if (this.entries.length > READY_INDEX_LIMIT * 2) {
      // Keep the file small: the tail becomes "not listed".
      this.floor = this.entries[READY_INDEX_LIMIT].slice(0, 3) as RankKey;
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
      if (this.holders) file.holders = Object.fromEntries([...this.holders].filter(([, ids]) => ids.length > 0));
      // A fresh random temp name opened with O_EXCL | O_NOFOLLOW, then renamed over the index (safe-fs.ts): a link
      // planted at any name is never written through.
      assertNoLinks(path.dirname(lockstepDir), lockstepDir, 'dir');
      writeInside(lockstepDir, indexPath(lockstepDir), JSON.stringify(file), { syncDir: false });
    } catch {
      ReadyIndex.discard(lockstepDir);
    }
  }
}
