import type { ActivityItem, EventPayload, JournaledChange } from '../shared/api';
import type { VersionedTask } from '../shared/domain';
import { describeEntry, primaryTaskId, verbOf } from '../shared/activity';
import { LockstepError } from '../shared/errors';
import { parseTimestamp } from '../shared/time';
import type { AppStore } from './app-store';
import type { JournalEntry } from '../store';

/**
 * The journal in a person's words, for the window: the activity view's history (loaded at launch and per team) and
 * the labels of the undo stack. Plain Node; subjects are read from the task files (or the entry, for deleted tasks).
 */

function subjectFromEntry(entry: JournalEntry, taskId: string | undefined): string | undefined {
  const change = entry.tasks.find((t) => t.id === taskId);
  const subject = change?.after?.subject ?? change?.before?.subject;
  return typeof subject === 'string' ? subject : undefined;
}

/** Subjects of the tasks these entries are about: as on disk now, else as the entry recorded them. */
async function subjects(store: AppStore, team: string, entries: JournalEntry[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of entries) {
    const id = primaryTaskId(entry);
    if (!id || out.has(id)) continue;
    try {
      out.set(id, (await store.getTask(team, id)).subject);
    } catch (err) {
      if (!(err instanceof LockstepError)) throw err;
      const recorded = subjectFromEntry(entry, id);
      if (recorded) out.set(id, recorded);
    }
  }
  return out;
}

export function activityItem(entry: JournalEntry, team: string, subject: string | undefined): ActivityItem {
  const taskId = primaryTaskId(entry);
  const item: ActivityItem = {
    team,
    seq: entry.seq,
    at: Math.round((parseTimestamp(entry.at) ?? Date.now() * 1000) / 1000),
    actor: entry.actor,
    via: entry.via,
    op: entry.op,
    verb: verbOf(entry).verb,
    text: describeEntry(entry, subject, taskId),
  };
  if (taskId) item.taskId = taskId;
  if (subject) item.subject = subject;
  if (entry.reason) item.reason = entry.reason;
  return item;
}

/** The team's recent history, oldest first (only entries after `afterSeq` when given), at most `limit`. */
export async function recentActivity(
  store: AppStore,
  team: string,
  afterSeq: number | undefined,
  limit: number,
): Promise<{ items: ActivityItem[]; lastSeq: number }> {
  await store.getTeam(team); // NOT_FOUND for a team that does not exist
  const all = afterSeq === undefined ? await store.recentJournal(team) : await store.journalSince(team, afterSeq);
  const lastSeq = all.length ? all[all.length - 1].seq : (afterSeq ?? 0);
  // Heartbeats only renew a lease: they would flood the view.
  const entries = all.filter((e) => e.op !== 'task.heartbeat').slice(-limit);
  const names = await subjects(store, team, entries);
  return { items: entries.map((e) => activityItem(e, team, names.get(primaryTaskId(e) ?? ''))), lastSeq };
}

/** What the undo stack keeps of an entry a call wrote. */
export async function journaledChange(store: AppStore, team: string, entry: JournalEntry): Promise<JournaledChange> {
  const taskId = primaryTaskId(entry);
  // The change is made already: a task that cannot be read now only costs its name in the label.
  const names = await subjects(store, team, [entry]).catch(() => new Map<string, string>());
  const undoable =
    entry.tasks.length > 0 || entry.op === 'team.create' || Boolean((entry.details?.change as { kind?: unknown } | undefined)?.kind);
  const change: JournaledChange = {
    team,
    seq: entry.seq,
    op: entry.op,
    text: describeEntry(entry, names.get(taskId ?? ''), taskId),
    undoable,
  };
  if (taskId) change.taskId = taskId;
  return change;
}

/** Fields whose change alone is no news (every write bumps them). */
const IGNORED_FIELDS = new Set(['updatedAt', 'version']);

/**
 * The live activity line of one task another writer changed (both watchers: the data folder's and the database's):
 * what changed between what the window saw (`before`) and now (`after`), and who did it (`entry`, the journal entry
 * that wrote it, else the holder or owner).
 */
export function liveActivity(
  team: string,
  id: string,
  before: VersionedTask | undefined,
  after: VersionedTask | undefined,
  entry: JournalEntry | undefined,
  at: number,
): EventPayload<'activity'> {
  const changes: Array<{ field: string; from: unknown; to: unknown }> = [];
  if (before && after) {
    for (const field of Object.keys(after) as Array<keyof VersionedTask>) {
      if (IGNORED_FIELDS.has(field)) continue;
      if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) changes.push({ field, from: before[field], to: after[field] });
    }
  }
  return {
    team,
    taskId: id,
    subject: after?.subject ?? before?.subject ?? id,
    actor: entry?.actor ?? after?.lockedBy ?? after?.owner ?? '',
    kind: !before ? 'created' : !after ? 'deleted' : 'changed',
    changes,
    at,
    ...(entry ? { seq: entry.seq } : {}),
  };
}
