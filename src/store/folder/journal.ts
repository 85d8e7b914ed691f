import * as fs from 'fs';
import * as path from 'path';
import { CorruptFileError, UnsafePathError } from '../../shared/errors';
import { stringifyJson } from '../../shared/json';
import { parseLine, parseLines, type JournalEntry } from '../core/journal-format';
import { appendInside, assertNoLinks, newCheckedPaths, openRegular, readBounded, type CheckedPaths } from './safe-fs';
import { moveEntry, removeTree } from './safe-move';

/**
 * The team journal: one JSON line per successful mutation, appended inside the team's write lock (so file order is
 * lock order), in `tasks/<team>/.lockstep/journal.jsonl`, where ClawTeam never looks. It is history, not the source
 * of truth: lines are appended after the task files were saved, without an fsync of their own (the next task
 * save commits them with it on journaling file systems). A torn last line from a killed writer is skipped by
 * readers and the next writer starts a fresh line. Bounded: past `maxBytes` the file rotates to
 * `journal.1.jsonl` … `journal.<keep>.jsonl`.
 */

export interface JournalOptions {
  /** Off only to measure what the journal costs (npm run bench). */
  enabled: boolean;
  maxBytes: number;
  keep: number;
}

export const DEFAULT_JOURNAL_OPTIONS: JournalOptions = { enabled: true, maxBytes: 4 * 1024 * 1024, keep: 3 };

export function journalPath(lockstepDir: string, generation = 0): string {
  return path.join(lockstepDir, generation === 0 ? 'journal.jsonl' : `journal.${generation}.jsonl`);
}

/** The last `bytes` of a journal file ('' when missing); a link is UNSAFE_PATH, never followed. */
function readTail(file: string, bytes: number): string {
  const opened = openRegular(file); // a FIFO or folder there is UNSAFE_PATH, never waited on
  if (opened === null) return '';
  const fd = opened.fd;
  try {
    const size = opened.stat.size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What this process last appended to each journal file: the file as it was right after (from fstat of the
 * descriptor it wrote through) and the last sequence number in it. While the file is still exactly that (same inode,
 * size, mtime and ctime: any append or rewrite changes the size or ctime, a replacement the inode), the next writer
 * of this process knows the last number and that the file ends with a whole line without reading its end.
 * Another process's append changes the size: then the end is read as before.
 */
interface LastAppend {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  seq: number;
}

const lastAppends = new Map<string, LastAppend>();

function unchangedSince(last: LastAppend | undefined, stat: fs.Stats | null | undefined): last is LastAppend {
  return (
    !!last &&
    !!stat &&
    stat.isFile() &&
    stat.dev === last.dev &&
    stat.ino === last.ino &&
    stat.size === last.size &&
    stat.mtimeMs === last.mtimeMs &&
    stat.ctimeMs === last.ctimeMs
  );
}

/** The last sequence number written (0 for an empty journal). Called inside the lock. */
export function lastSeq(lockstepDir: string, options: JournalOptions): number {
  const current = journalPath(lockstepDir);
  const last = lastAppends.get(current);
  if (last) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(current, { throwIfNoEntry: false });
    } catch {
      stat = undefined;
    }
    if (unchangedSince(last, stat)) return last.seq;
    lastAppends.delete(current);
  }
  for (let g = 0; g <= options.keep; g++) {
    // Only the last whole line matters; read a small tail and widen it only for very long lines.
    for (let bytes = 8 * 1024; bytes <= 8 * 1024 * 1024; bytes *= 8) {
      const tail = readTail(journalPath(lockstepDir, g), bytes);
      if (!tail) break;
      const lines = tail.split('\n');
      for (let i = lines.length - 1; i >= (tail.length < bytes ? 0 : 1); i--) {
        const entry = parseLine(lines[i]); // torn or foreign lines: look further back
        if (entry) return entry.seq;
      }
      if (tail.length < bytes) break;
    }
  }
  return 0;
}

/**
 * Appends entries (already numbered); rotates first when the file is past its bound. Called inside the lock.
 * `root` is the data folder: no journal file that is a link is appended to, renamed or removed (UNSAFE_PATH); the
 * older generations are looked at when they are about to be renamed or removed. `checked`: the locked batch's
 * checks so far (safe-fs.ts).
 */
export function appendJournal(
  root: string,
  lockstepDir: string,
  entries: JournalEntry[],
  options: JournalOptions,
  checked: CheckedPaths = newCheckedPaths(),
): void {
  if (entries.length === 0) return;
  const file = journalPath(lockstepDir);
  const stat = assertNoLinks(root, file, 'file', checked.folders);
  let size = stat?.size ?? 0;
  let endsWithNewline = unchangedSince(lastAppends.get(file), stat);
  if (size >= options.maxBytes) {
    for (let g = 1; g <= options.keep; g++) assertNoLinks(root, journalPath(lockstepDir, g), 'file', checked.folders);
    removeTree(journalPath(lockstepDir, options.keep));
    for (let g = options.keep - 1; g >= 0; g--) {
      try {
        moveEntry(journalPath(lockstepDir, g), journalPath(lockstepDir, g + 1));
      } catch {
        // That generation does not exist.
      }
    }
    size = 0;
    endsWithNewline = false;
  }
  // A writer killed mid-line left no newline at the end: start ours on a fresh line so only that line is torn.
  const lead = size > 0 && !endsWithNewline && readTail(file, 1) !== '\n' ? '\n' : '';
  lastAppends.delete(file);
  const after = appendInside(root, file, lead + entries.map((e) => stringifyJson(e, 0)).join('\n') + '\n', checked);
  const { dev, ino, size: newSize, mtimeMs, ctimeMs } = after;
  lastAppends.set(file, { dev, ino, size: newSize, mtimeMs, ctimeMs, seq: entries[entries.length - 1].seq });
}

/** What history reads of one journal file at most (Lockstep rotates at 4 MB; a bigger file was not written by it). */
const MAX_JOURNAL_FILE_BYTES = 64 * 1024 * 1024;

/** Every entry still kept, oldest first; optionally only those touching one task. */
export function readJournal(lockstepDir: string, options: JournalOptions, taskId?: string): JournalEntry[] {
  const all: JournalEntry[] = [];
  for (let g = options.keep; g >= 0; g--) {
    const file = journalPath(lockstepDir, g);
    const read = readBounded(file, MAX_JOURNAL_FILE_BYTES);
    if (read.kind === 'missing') continue;
    if (read.kind === 'problem') {
      if (read.unsafe) throw new UnsafePathError(file, read.reason);
      throw new CorruptFileError(file, read.reason);
    }
    all.push(...parseLines(read.bytes.toString('utf8')));
  }
  return taskId ? all.filter((e) => e.taskId === taskId || e.tasks.some((t) => t.id === taskId)) : all;
}

/** Recent entries without reading the whole journal (for conflict messages and activity). */
export function readRecent(lockstepDir: string, bytes = 256 * 1024): JournalEntry[] {
  try {
    return parseLines(readTail(journalPath(lockstepDir), bytes));
  } catch (err) {
    if (err instanceof UnsafePathError) return []; // a linked journal is not read; writes report it
    throw err;
  }
}

/**
 * The entries after `afterSeq` (for a view that has seen up to there): reads only as much of the file's end as it
 * takes to reach that entry, so following a busy journal costs what was added, not the whole tail each time.
 */
export function readSince(lockstepDir: string, afterSeq: number, maxBytes = 1024 * 1024): JournalEntry[] {
  for (let bytes = 16 * 1024; ; bytes *= 4) {
    const tail = readTail(journalPath(lockstepDir), Math.min(bytes, maxBytes));
    const entries = parseLines(tail);
    const complete = tail.length < Math.min(bytes, maxBytes) || bytes >= maxBytes;
    if (complete || (entries.length > 0 && entries[0].seq <= afterSeq + 1)) return entries.filter((e) => e.seq > afterSeq);
  }
}
