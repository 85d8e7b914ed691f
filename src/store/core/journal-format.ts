import type { JournalEntry, JournalTaskChange } from '../../shared/model';

// The team journal's lines with no I/O: what counts as an entry, and a journal's text parsed. The data folder keeps
// the lines in journal.jsonl (folder/journal.ts); the database keeps each in a row.

/** The shapes of an entry (JournalEntry, JournalTaskChange) are in shared/model.ts, with the contract's. */
export type { JournalEntry, JournalTaskChange };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isStringOrNull = (v: unknown) => v === null || typeof v === 'string';

function isTaskChange(v: unknown): v is JournalTaskChange {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    (v.before === null || isObject(v.before)) &&
    (v.after === null || isObject(v.after)) &&
    isStringOrNull(v.versionBefore) &&
    isStringOrNull(v.versionAfter) &&
    (v.file === undefined || typeof v.file === 'string')
  );
}

/**
 * Whether a parsed line is a journal entry as Lockstep writes it. Anything else (`{"seq":5}`, a line some other
 * program appended) is skipped by every reader, so history, undo and conflict messages never trip over it.
 */
export function isJournalEntry(v: unknown): v is JournalEntry {
  return (
    isObject(v) &&
    Number.isSafeInteger(v.seq) &&
    (v.seq as number) > 0 &&
    typeof v.at === 'string' &&
    typeof v.actor === 'string' &&
    typeof v.via === 'string' &&
    typeof v.op === 'string' &&
    typeof v.team === 'string' &&
    (v.taskId === undefined || typeof v.taskId === 'string') &&
    (v.reason === undefined || typeof v.reason === 'string') &&
    (v.details === undefined || isObject(v.details)) &&
    Array.isArray(v.tasks) &&
    v.tasks.every(isTaskChange)
  );
}

/** One journal line: its entry, or null for a blank, torn or foreign line. */
export function parseLine(line: string): JournalEntry | null {
  if (!line.trim()) return null;
  try {
    const entry: unknown = JSON.parse(line);
    return isJournalEntry(entry) ? entry : null;
  } catch {
    return null; // a torn line from a killed writer
  }
}

/** Every entry of a journal's text, oldest first (lines that are not entries skipped). */
export function parseLines(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseLine(line);
    if (entry) entries.push(entry);
  }
  return entries;
}
