import type { FileProblem, Task } from '../../shared/domain';
import { nowTimestamp } from '../../shared/time';
import type { JournalEntry, JournalTaskChange } from './journal-format';
import type { LoadedTask } from './task-format';

// The port between the task rules and a backend: the transaction a rule runs in (TeamTransaction), who does what
// (MutationInfo), and the journal entry both backends write for a mutation.

/**
 * What a task rule (task-ops) sees, on either backend: the team's tasks as stored (re-read inside the team's lock or
 * database transaction) plus the changes this mutation staged. The data folder's is in folder/team-batch.ts, the
 * database's in postgres/pg-transaction.ts; neither adds anything here that the other lacks.
 */
export interface TeamTransaction {
  readonly team: string;
  /** One timestamp per mutation, in ClawTeam's format. */
  readonly now: string;
  getTask(id: string): LoadedTask | undefined;
  /** Every readable task plus the files that could not be read. */
  allTasks(): { loaded: LoadedTask[]; problems: FileProblem[] };
  putTask(task: Task, extra: Record<string, unknown>): LoadedTask;
  removeTask(id: string): void;
  /** The journal's latest entry that left this task at `version` (who made it so), if any. */
  whoWrote(taskId: string, version: string): JournalEntry | undefined;
  /** Adds to this mutation's journal entry what is only known while it runs. */
  annotate(extra: Pick<MutationInfo, 'details' | 'taskId' | 'reason'>): void;
}

/** Who does what, for the journal. */
export interface MutationInfo {
  op: string;
  actor: string;
  via: string;
  taskId?: string;
  reason?: string;
  /** For team operations, which have no task changes: what changed. */
  details?: Record<string, unknown>;
  /** Run in a batch of its own (it reads the journal, which holds earlier batches only). */
  solo?: boolean;
  /** The team whose journal gets the entry, when not this writer's (a rename, or undoing one). */
  journalTeam?: string;
  /** Told the entry once it is numbered and written (the app's undo stack keeps the window's own changes). */
  onJournaled?: (entry: JournalEntry, journalTeam: string) => void;
}

/** The journal entry of one mutation (numbered 0 until it is written), as both backends write it. */
export function journalEntry(team: string, host: string, info: MutationInfo, tasks: JournalTaskChange[]): JournalEntry {
  const entry: JournalEntry = {
    seq: 0,
    at: nowTimestamp(),
    actor: info.actor,
    via: info.via,
    pid: process.pid,
    host,
    op: info.op,
    team,
    tasks,
  };
  if (info.taskId) entry.taskId = info.taskId;
  if (info.reason) entry.reason = info.reason;
  if (info.details) Object.assign(entry, { details: info.details });
  return entry;
}
