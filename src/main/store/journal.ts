import * as fs from 'fs';
import * as path from 'path';

/**
 * The team journal: one JSON line per successful mutation, appended inside the team's write lock (so file order is
 * lock order), in `tasks/<team>/.lockstep/journal.jsonl`, where ClawTeam never looks. It is history, not the source
 * of truth: lines are appended after the task files were saved, without an fsync of their own (the next task
 * save commits them with it on journaling file systems). A torn last line from a killed writer is skipped by
 * readers and the next writer starts a fresh line. Bounded: past `maxBytes` the file rotates to
 * `journal.1.jsonl` … `journal.<keep>.jsonl`.
 */

export interface JournalTaskChange {
  id: string;
  /** The changed fields only, before and after. A created task has no `before`, a deleted one no `after`. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  versionBefore: string | null;
  versionAfter: string | null;
}

export interface JournalEntry {
  seq: number;
  at: string;
  /** Agent name, or "person@host" for a person. */
  actor: string;
  /** How the change came: cli, app, api. */
  via: string;
  pid: number;
  host: string;
  /** What was done: task.create, task.claim, team.rename, ... */
  op: string;
  team: string;
  /** The task the operation was about, when there is one. */
  taskId?: string;
  reason?: string;
  /** For team operations (no task changes) and undo (`undoes`): what was done. */
  details?: Record<string, unknown>;
  tasks: JournalTaskChange[];
}

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

function parseLines(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as JournalEntry;
      if (typeof entry.seq === 'number') entries.push(entry);
    } catch {
      // A torn line from a killed writer.
    }
  }
  return entries;
}

function readTail(file: string, bytes: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** The last sequence number written (0 for an empty journal). Called inside the lock. */
export function lastSeq(lockstepDir: string, options: JournalOptions): number {
  for (let g = 0; g <= options.keep; g++) {
    // Only the last whole line matters; read a small tail and widen it only for very long lines.
    for (let bytes = 8 * 1024; bytes <= 8 * 1024 * 1024; bytes *= 8) {
      const tail = readTail(journalPath(lockstepDir, g), bytes);
      if (!tail) break;
      const lines = tail.split('\n');
      for (let i = lines.length - 1; i >= (tail.length < bytes ? 0 : 1); i--) {
        if (!lines[i].trim()) continue;
        try {
          const seq = (JSON.parse(lines[i]) as JournalEntry).seq;
          if (typeof seq === 'number') return seq;
        } catch {
          // torn line: look further back
        }
      }
      if (tail.length < bytes) break;
    }
  }
  return 0;
}

/** Appends entries (already numbered); rotates first when the file is past its bound. Called inside the lock. */
export function appendJournal(lockstepDir: string, entries: JournalEntry[], options: JournalOptions): void {
  if (entries.length === 0) return;
  const file = journalPath(lockstepDir);
  let size = 0;
  try {
    size = fs.statSync(file).size;
  } catch {
    // No journal yet.
  }
  if (size >= options.maxBytes) {
    fs.rmSync(journalPath(lockstepDir, options.keep), { force: true });
    for (let g = options.keep - 1; g >= 0; g--) {
      try {
        fs.renameSync(journalPath(lockstepDir, g), journalPath(lockstepDir, g + 1));
      } catch {
        // That generation does not exist.
      }
    }
    size = 0;
  }
  // A writer killed mid-line left no newline at the end: start ours on a fresh line so only that line is torn.
  const lead = size > 0 && readTail(file, 1) !== '\n' ? '\n' : '';
  fs.appendFileSync(file, lead + entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

/** Every entry still kept, oldest first; optionally only those touching one task. */
export function readJournal(lockstepDir: string, options: JournalOptions, taskId?: string): JournalEntry[] {
  const all: JournalEntry[] = [];
  for (let g = options.keep; g >= 0; g--) {
    try {
      all.push(...parseLines(fs.readFileSync(journalPath(lockstepDir, g), 'utf8')));
    } catch {
      // Missing generation.
    }
  }
  return taskId ? all.filter((e) => e.taskId === taskId || e.tasks.some((t) => t.id === taskId)) : all;
}

/** Recent entries without reading the whole journal (for conflict messages and activity). */
export function readRecent(lockstepDir: string, bytes = 256 * 1024): JournalEntry[] {
  return parseLines(readTail(journalPath(lockstepDir), bytes));
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
