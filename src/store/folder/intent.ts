import * as fs from 'fs';
import * as path from 'path';
import { decodeUtf8, parseJson, stringifyJson } from '../../shared/json';
import { failpointAfterStep, failpointBeforeStep } from '../core/failpoints';
import { isJournalEntry, type JournalEntry } from '../core/journal-format';
import { taskIdFromFileName } from './paths';
import { fsyncDir, readBounded, readHead, unlinkInside, writeInside, type CheckedPaths } from './safe-fs';
import { versionOf } from '../core/task-format';
import { moveEntry } from './safe-move';

/**
 * Multi-file changes survive a crash. A change touching several task files (complete: the task and each dependent
 * it unblocks; a delete and the links to it; undo) is committed in two phases inside the team lock:
 *
 *   1. an intent record, `tasks/<team>/.lockstep/intent.json`, holding every new file (its bytes, the version it
 *      replaces and the version it becomes) and the journal entries, is written and fsynced with its folder:
 *      this is the commit point;
 *   2. the files are renamed into place one by one, the folder is fsynced, the journal lines appended, and the
 *      record removed.
 *
 * A writer killed anywhere in 2 leaves the record; the next writer (or reader) of the team, inside the lock, rolls
 * it forward before anything else: each file still at its old version gets its new bytes, each file already new
 * is skipped, a file somebody else changed meanwhile is left as they made it (reported), and the journal lines not
 * yet written are appended. So a killed `complete` leaves the old state (killed before 1 was durable) or the whole
 * new one. Once the record is durable the change counts as saved: if applying it fails (disk full), the caller is
 * told it was saved and the next writer completes it.
 *
 * A change of a single file needs no record (one rename is atomic); its journal line follows it.
 */

export interface FileChange {
  /** Full path of the task file. */
  path: string;
  /** New contents, or null to remove the file. */
  bytes: string | null;
  /** Version (hash) of the file it replaces, null when there was none. */
  before: string | null;
}

interface IntentRecord {
  intent: 1;
  /** The writer, first in the file so a reader can tell a live commit from an interrupted one cheaply. */
  pid: number;
  host: string;
  files: Array<{ name: string; bytes: string | null; before: string | null; after: string | null }>;
  journal: JournalEntry[];
}

export interface CommitContext {
  root: string;
  tasksDir: string;
  lockstepDir: string;
  /** Appends journal entries (already numbered); null when the journal is off. */
  appendJournal: ((entries: JournalEntry[]) => void) | null;
  /** Entries whose seq is above this are not in the journal yet (for roll-forward). */
  lastSeq: () => number;
  onWarning: (message: string) => void;
  host: string;
  /** The locked batch's boundary checks so far (safe-fs.ts), shared by every file it writes. */
  checked?: CheckedPaths;
}

export function intentPath(lockstepDir: string): string {
  return path.join(lockstepDir, 'intent.json');
}

export function hasPendingIntent(lockstepDir: string): boolean {
  try {
    return fs.lstatSync(intentPath(lockstepDir), { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Whether a pending record was left by a writer that will not finish it (so a reader should complete it now):
 * its process is gone (this host), it is this process's own leftover, or it is older than `staleMs` (another
 * host, or a writer stuck after a failure). A record of a live writer in the middle of its commit is not.
 */
export function intentAbandoned(lockstepDir: string, host: string, isAlive: (pid: number) => boolean, staleMs = 10_000): boolean {
  const file = intentPath(lockstepDir);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return false;
  }
  if (Date.now() - stat.mtimeMs > staleMs) return true;
  const head = readHead(file, 512);
  if (!head) return true;
  const m = /^\{"intent":1,"pid":(\d+),"host":("(?:[^"\\]|\\.)*")/.exec(head.toString('utf8'));
  if (!m) return true;
  const pid = Number(m[1]);
  const writerHost = JSON.parse(m[2]) as string;
  if (writerHost !== host) return false; // cannot see its process: wait for the age rule
  return pid === process.pid || !isAlive(pid);
}

let step = 0;

function runStep<T>(fn: () => T): T {
  step++;
  failpointBeforeStep(step);
  const value = fn();
  failpointAfterStep(step);
  return value;
}

function applyFile(ctx: CommitContext, filePath: string, bytes: string | null): void {
  if (bytes === null) unlinkInside(ctx.root, filePath, ctx.checked);
  else writeInside(ctx.root, filePath, bytes, { syncDir: false, checked: ctx.checked });
}

/**
 * Writes `changes` and appends `entries` (already numbered). Throws only when nothing was saved (the intent record
 * could not be made durable, or the single file could not be written). For a single file, returns the folder
 * fsync that makes its rename durable, for the caller to run once it has released the lock (and before it reports
 * success); a multi-file change syncs the folder itself, before its record is removed.
 */
export function commitChanges(ctx: CommitContext, changes: FileChange[], entries: JournalEntry[]): (() => void) | null {
  if (changes.length <= 1) {
    for (const change of changes) applyFile(ctx, change.path, change.bytes);
    journal(ctx, entries);
    return changes.length ? () => fsyncDir(ctx.tasksDir) : null;
  }
  step = 0;
  const record: IntentRecord = {
    intent: 1,
    pid: process.pid,
    host: ctx.host,
    files: changes.map((c) => ({
      name: path.basename(c.path),
      bytes: c.bytes,
      before: c.before,
      after: c.bytes === null ? null : versionOf(c.bytes),
    })),
    journal: entries,
  };
  // Phase 1: the commit point. A failure here changed nothing.
  runStep(() => writeInside(ctx.root, intentPath(ctx.lockstepDir), stringifyJson(record, 0), { checked: ctx.checked }));
  // Phase 2: from here on the change is saved; a failure leaves the record for the next writer.
  try {
    for (const change of changes) runStep(() => applyFile(ctx, change.path, change.bytes));
    fsyncDir(ctx.tasksDir);
    runStep(() => ctx.appendJournal?.(entries));
  } catch (err) {
    ctx.onWarning(
      `The change was saved, but applying it to every file failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the next write to this team completes it.`,
    );
    return null;
  }
  finish(ctx);
  return null;
}

function journal(ctx: CommitContext, entries: JournalEntry[]): void {
  if (!ctx.appendJournal || entries.length === 0) return;
  try {
    ctx.appendJournal(entries);
  } catch (err) {
    ctx.onWarning(`The change was saved, but the team journal could not be written: ${(err as Error).message}`);
  }
}

function finish(ctx: CommitContext): void {
  try {
    // No folder fsync: a removal lost in a crash leaves a record whose files are all new already, which the next
    // writer recognises and removes (its journal lines are there too, so none is appended twice).
    unlinkInside(ctx.root, intentPath(ctx.lockstepDir), ctx.checked);
  } catch (err) {
    ctx.onWarning(`The change was saved, but its intent record could not be removed: ${(err as Error).message}`);
  }
}

const MAX_INTENT_BYTES = 512 * 1024 * 1024;

function readRecord(file: string): IntentRecord | null {
  // Not a record Lockstep wrote (it starts {"intent":1,): set aside without reading the rest (a planted 450 MB file
  // costs one small read, not its size in time and memory).
  if (!/^\{"intent":1,/.test(readHead(file, 16)?.toString('utf8') ?? '')) return null;
  const read = readBounded(file, MAX_INTENT_BYTES);
  if (read.kind !== 'ok') return null;
  try {
    const json = parseJson(decodeUtf8(read.bytes), 16) as IntentRecord;
    if (!json || json.intent !== 1 || !Array.isArray(json.files) || !Array.isArray(json.journal)) return null;
    return json;
  } catch {
    return null;
  }
}

/**
 * Rolls a pending intent record forward (inside the team lock, before anything else). Returns what it did, for
 * tests; throws when a file cannot be written (the record stays; the caller's change must not run on a half state).
 */
export function recoverIntent(ctx: CommitContext): { applied: number; skipped: string[] } | null {
  const file = intentPath(ctx.lockstepDir);
  if (!hasPendingIntent(ctx.lockstepDir)) return null;
  const record = readRecord(file);
  if (!record) {
    // Not a record Lockstep wrote (or unreadable): move it aside rather than act on it or lose it.
    const aside = path.join(ctx.lockstepDir, `intent.unreadable.${Date.now()}.json`);
    try {
      moveEntry(file, aside);
    } catch {
      // Gone meanwhile.
    }
    ctx.onWarning(`An unreadable change record was moved aside to ${aside}; nothing was applied from it.`);
    return { applied: 0, skipped: [] };
  }
  let applied = 0;
  const skipped: string[] = [];
  for (const f of record.files) {
    // Only task files of this team, by name: a record cannot point anywhere else.
    if (typeof f.name !== 'string' || taskIdFromFileName(f.name) === null) continue;
    if (!(f.bytes === null || typeof f.bytes === 'string')) continue;
    const filePath = path.join(ctx.tasksDir, f.name);
    const read = readBounded(filePath, MAX_INTENT_BYTES);
    if (read.kind === 'problem') {
      skipped.push(filePath);
      continue;
    }
    const current = read.kind === 'ok' ? versionOf(read.bytes) : null;
    if (current === f.after) continue;
    if (current !== f.before) {
      skipped.push(filePath); // somebody changed it since the crash: theirs stays
      continue;
    }
    applyFile(ctx, filePath, f.bytes);
    applied++;
  }
  fsyncDir(ctx.tasksDir);
  const entries = record.journal.filter(isJournalEntry);
  if (ctx.appendJournal && entries.length) {
    const last = ctx.lastSeq();
    const missing = entries.filter((e) => e.seq > last);
    if (missing.length) journal(ctx, missing);
  }
  if (skipped.length) {
    ctx.onWarning(
      `Completed an interrupted change; ${skipped.join(', ')} had been changed by another writer since and were left as they are.`,
    );
  }
  finish(ctx);
  return { applied, skipped };
}
