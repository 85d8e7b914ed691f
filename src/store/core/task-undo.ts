import type { Task, VersionedTask } from '../../shared/domain';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import type { Actor } from '../../shared/model';
import { describeAge, nowMicros, parseTimestamp } from '../../shared/time';
import type { JournalEntry } from './journal-format';
import { describeEntry } from '../../shared/activity';
import { parseTaskBytes, withVersion } from './task-format';
import type { TeamTransaction } from './transaction';

// Undoing one journal entry on tasks, refused in words when somebody changed them since.

export interface UndoOptions {
  /**
   * Later entries that do not count as "somebody changed it since": the undoer's own changes (the window's own list,
   * or the CLI actor's own entries), including earlier undos and redos. They must follow on from one another
   * version by version; anything else in between is somebody else's change.
   */
  trusted?: ReadonlySet<number>;
}

/** Why an undo is refused, in words: who changed the task since, what they did, how long ago. */
function describeRefusal(entry: JournalEntry, taskId: string, subject: string | undefined, since: JournalEntry | undefined): string {
  const task = subject ? `"${subject}"` : `task ${taskId}`;
  if (!since) {
    return `${task} was changed by a writer outside Lockstep (for example ClawTeam) after your change; nothing was undone.`;
  }
  const ago = describeAge(parseTimestamp(since.at) ?? nowMicros()).replace(/^0 s ago$/, 'just now');
  return `${since.actor} ${describeEntry(since, subject, taskId)} ${ago}, after your change; nothing was undone.`;
}

/**
 * Reverts one journal entry: every task it changed goes back to its "before" (a created task is deleted, a deleted
 * one restored), but only if nobody changed those tasks since; otherwise CONFLICT names who did, in words.
 * Entries in `options.trusted` (the undoer's own later changes, undos and redos) do not count as somebody else's.
 */
export function undoEntry(tx: TeamTransaction, entry: JournalEntry, later: JournalEntry[], options: UndoOptions = {}): VersionedTask[] {
  if (entry.tasks.length === 0) {
    throw new InvalidInputError(`Change #${entry.seq} (${entry.op}) changed no task, so there is nothing to undo.`);
  }
  const redone = later.find((e) => Number(e.details?.undoes) === entry.seq);
  if (redone) {
    throw new InvalidInputError(`That change (#${entry.seq}) was already undone (#${redone.seq}); nothing was changed.`, {
      seq: entry.seq,
    });
  }
  const trusted = options.trusted ?? new Set<number>();
  const plans = entry.tasks.map((change) => {
    const current = tx.getTask(change.id);
    const currentVersion = current?.version ?? null;
    // Follow the task's versions through the undoer's own later changes; any other change breaks the chain.
    let expected = change.versionAfter;
    const breakers: JournalEntry[] = [];
    for (const e of later) {
      const c = e.tasks.find((t) => t.id === change.id);
      if (!c) continue;
      if (trusted.has(e.seq) && c.versionBefore === expected) expected = c.versionAfter;
      else breakers.push(e);
    }
    if (breakers.length > 0 || currentVersion !== expected) {
      const since = [...breakers].reverse().find((e) => !trusted.has(e.seq)) ?? breakers[breakers.length - 1];
      const subject =
        current?.task.subject ?? (change.before?.subject as string | undefined) ?? (change.after?.subject as string | undefined);
      throw new ConflictError(describeRefusal(entry, change.id, subject, since), {
        seq: entry.seq,
        taskId: change.id,
        changedBy: since?.actor ?? null,
        changedOp: since?.op ?? null,
        changedAt: since?.at ?? null,
      });
    }
    return { change, current };
  });
  const restored: VersionedTask[] = [];
  for (const { change, current } of plans) {
    if (change.after === null || !current) {
      // Deleted: bring it back exactly as it was, from the whole file the journal kept (unknown top-level fields
      // and numbers as written included); older entries without it journal every known field in "before".
      const kept = change.file !== undefined ? parseTaskBytes(Buffer.from(change.file, 'utf8'), `task-${change.id}.json`, change.id) : null;
      if (kept && kept.kind === 'ok') {
        kept.loaded.task.updatedAt = tx.now;
        restored.push(withVersion(tx.putTask(kept.loaded.task, kept.loaded.extra)));
        continue;
      }
      const before = change.before as Record<string, unknown>;
      const task = {} as Record<string, unknown>;
      const metadata: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(before)) {
        if (key.startsWith('metadata.')) metadata[key.slice('metadata.'.length)] = value;
        else task[key] = value;
      }
      task.metadata = metadata;
      task.updatedAt = tx.now;
      restored.push(withVersion(tx.putTask(task as unknown as Task, {})));
      continue;
    }
    if (change.before === null) {
      tx.removeTask(change.id);
      continue;
    }
    const { task } = current;
    task.metadata = { ...task.metadata }; // edited key by key below: a copy of its own (metadata is shared)
    const fields = task as unknown as Record<string, unknown>;
    for (const key of Object.keys(change.after)) {
      if (key.startsWith('metadata.')) {
        const metaKey = key.slice('metadata.'.length);
        if (key in change.before) task.metadata[metaKey] = change.before[key];
        else delete task.metadata[metaKey];
      } else if (key in change.before) fields[key] = change.before[key];
    }
    for (const key of Object.keys(change.before)) {
      if (key in change.after) continue;
      if (key.startsWith('metadata.')) task.metadata[key.slice('metadata.'.length)] = change.before[key];
      else fields[key] = change.before[key];
    }
    task.updatedAt = tx.now;
    restored.push(withVersion(tx.putTask(task, current.extra)));
  }
  return restored;
}

/**
 * Undo's "last change of `actor`" on either backend (lockstep undo): in the team's journal, read inside the lock or
 * transaction (oldest first), the newest entry `actor` made through the same `via` that changed tasks and is not
 * undone yet, undone through undoEntry. The actor's own later entries (its undos among them) are not "somebody
 * changed it since". NOT_FOUND when there is none.
 */
export function undoLastEntry(
  tx: TeamTransaction,
  journal: JournalEntry[],
  actor: Actor,
): { undone: JournalEntry; tasks: VersionedTask[] } {
  const undone = new Set(journal.filter((e) => e.op === 'task.undo').map((e) => Number(e.details?.undoes)));
  let index = -1;
  for (let i = journal.length - 1; i >= 0 && index < 0; i--) {
    const e = journal[i];
    if (e.actor === actor.name && e.via === actor.via && e.op !== 'task.undo' && e.tasks.length > 0 && !undone.has(e.seq)) index = i;
  }
  if (index < 0) throw new NotFoundError(`There is no change by ${actor.name} to undo in team ${tx.team}.`, { team: tx.team });
  const entry = journal[index];
  const later = journal.slice(index + 1);
  const own = new Set(later.filter((e) => e.actor === actor.name && e.via === actor.via).map((e) => e.seq));
  const tasks = undoEntry(tx, entry, later, { trusted: own });
  tx.annotate({ details: { undoes: entry.seq }, taskId: entry.taskId });
  return { undone: entry, tasks };
}
