import type { JournalEntry, JournalTaskChange } from './model';

/**
 * Journal entries in a person's words: "claimed", "released", "completed", "assigned … to tester", "deleted".
 * Used by the activity view, the undo stack's labels and undo refusals, so one change reads the same everywhere.
 * It reads only these parts of a journal entry (model.ts), so an entry without its pid/host or deleted files fits.
 */

export type JournalChangeLike = Pick<JournalTaskChange, 'id' | 'before' | 'after'>;
export type JournalEntryLike = Omit<JournalEntry, 'pid' | 'host' | 'tasks'> & { tasks: JournalChangeLike[] };

/** What kind of change, one word a person reads (and the activity view groups by). */
export type ChangeVerb =
  | 'created'
  | 'deleted'
  | 'claimed'
  | 'released'
  | 'completed'
  | 'assigned'
  | 'moved'
  | 'changed'
  | 'undid'
  | 'redid'
  | 'renewed'
  | 'fixed'
  | 'team';

const STATUS_WORDS: Record<string, string> = { pending: 'Pending', in_progress: 'In progress', blocked: 'Blocked', completed: 'Completed' };

export const statusWord = (status: unknown): string => STATUS_WORDS[String(status)] ?? String(status);

const FIELD_WORDS: Record<string, string> = {
  subject: 'the subject',
  description: 'the description',
  priority: 'the priority',
  owner: 'the owner',
  blockedBy: 'what it waits for',
  blocks: 'what it blocks',
  status: 'the status',
};

/** The task an entry is mainly about: its taskId, else its only task. */
export function primaryTaskId(entry: JournalEntryLike): string | undefined {
  return entry.taskId ?? (entry.tasks.length === 1 ? entry.tasks[0].id : undefined);
}

function changeOf(entry: JournalEntryLike, taskId: string | undefined): JournalChangeLike | undefined {
  return entry.tasks.find((t) => t.id === taskId) ?? (taskId === undefined ? entry.tasks[0] : undefined);
}

/** The kind of a task change from its fields alone (for entries whose op says little: update, doctor fixes, undo). */
function verbOfFields(change: JournalChangeLike | undefined): { verb: ChangeVerb; object?: string } {
  if (!change) return { verb: 'changed' };
  if (change.before === null) return { verb: 'created' };
  if (change.after === null) return { verb: 'deleted' };
  const { before, after } = change;
  if ('status' in after) {
    const to = after.status;
    if (to === 'completed') return { verb: 'completed' };
    if (to === 'in_progress' && after.lockedBy) return { verb: 'claimed' };
    if (before.lockedBy && after.lockedBy === '') return { verb: 'released' };
    return { verb: 'moved', object: statusWord(to) };
  }
  if ('lockedBy' in after) return after.lockedBy ? { verb: 'claimed' } : { verb: 'released' };
  if ('owner' in after) return { verb: 'assigned', object: String(after.owner ?? '') };
  return { verb: 'changed' };
}

/** The verb of an entry as a whole. */
export function verbOf(entry: JournalEntryLike, taskId = primaryTaskId(entry)): { verb: ChangeVerb; object?: string } {
  switch (entry.op) {
    case 'task.create':
      return { verb: 'created' };
    case 'task.delete':
      return { verb: 'deleted' };
    case 'task.claim':
    case 'task.claim-next':
      return { verb: 'claimed' };
    case 'task.release':
      return { verb: 'released' };
    case 'task.complete':
      return { verb: 'completed' };
    case 'task.heartbeat':
      return { verb: 'renewed' };
    case 'task.undo':
    case 'team.undo':
      return { verb: 'undid' };
    case 'task.redo':
    case 'team.redo':
      return { verb: 'redid' };
    case 'doctor.fix':
    case 'team.sweep':
      return { verb: 'fixed' };
    default:
      if (entry.op.startsWith('team.')) return { verb: 'team' };
      return verbOfFields(changeOf(entry, taskId));
  }
}

const quote = (subject: string | undefined, fallback: string) => (subject ? `"${subject}"` : fallback);

/** What a plain edit did to a task, in words: `changed the priority of "Docs" to high`, `changed the subject of "Docs"`. */
function describeEdit(change: JournalChangeLike | undefined, task: string): string {
  const after = change?.after ?? {};
  const keys = Object.keys(after).filter((k) => k in FIELD_WORDS);
  if (keys.length === 1 && (keys[0] === 'priority' || keys[0] === 'status')) {
    const to = keys[0] === 'status' ? statusWord(after.status) : String(after.priority);
    return `changed ${FIELD_WORDS[keys[0]]} of ${task} to ${to}`;
  }
  const words = keys.map((k) => FIELD_WORDS[k]);
  if (words.length === 0) return `changed details of ${task}`;
  const list = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
  return `changed ${list} of ${task}`;
}

/** A stall radar fix that changed no task (a leftover file, a message), in words, from its finding's id. */
function describeFileFix(entry: JournalEntryLike): string {
  const id = String(entry.details?.findingId ?? '');
  const colon = id.indexOf(':');
  const kind = colon < 0 ? id : id.slice(0, colon);
  const what = colon < 0 ? '' : id.slice(colon + 1);
  const inbox = what.split('/')[0];
  switch (kind) {
    case 'temp-file':
      return `removed a leftover temp file, ${what} (stall radar)`;
    case 'corrupt-file':
      return `set aside ${what}, a task file that could not be read (stall radar)`;
    case 'orphan-claim':
      return `put a message back in ${inbox}'s inbox (stall radar)`;
    case 'dead-letter':
      return `set aside an unreadable message to ${inbox} (stall radar)`;
    case 'stranger-inbox':
      return `found an inbox of ${inbox}, who was not a member (stall radar)`;
    default:
      return `fixed a finding of the stall radar in team ${entry.team}`;
  }
}

/** What a team-level entry did, in words. */
function describeTeamEntry(entry: JournalEntryLike): string {
  const d = entry.details ?? {};
  const change = (d.change ?? {}) as Record<string, unknown>;
  const member = String(change.member ?? d.member ?? '');
  const kind = String(change.kind ?? '');
  const prefix = entry.op === 'team.undo' ? 'undid: ' : entry.op === 'team.redo' ? 'redid: ' : '';
  switch (kind || entry.op) {
    case 'add-member':
    case 'team.add-member':
      return `${prefix}added ${member} to team ${entry.team}`;
    case 'remove-member':
    case 'team.remove-member':
      return `${prefix}removed ${member} from team ${entry.team}`;
    case 'set-member':
    case 'team.set-member':
      return `${prefix}changed ${member}'s profile`;
    case 'display-name':
    case 'team.set-display-name': {
      const after = (change as { after?: unknown }).after;
      return after ? `${prefix}called team ${entry.team} "${String(after)}"` : `${prefix}took team ${entry.team}'s display name away`;
    }
    case 'rename':
    case 'team.rename':
      return `${prefix}renamed team ${String(change.from ?? d.name ?? '')} to ${String(change.to ?? d.newName ?? '')}`;
    case 'team.create':
      return `created team ${entry.team}`;
    case 'team.restore':
      return `brought back team ${entry.team} after it was deleted`;
    case 'team.sweep':
      return `released stale claims in team ${entry.team}`;
    case 'team.answer-request': {
      const what = d.kind === 'plan' ? 'plan' : d.kind === 'join' ? 'join request' : 'shutdown request';
      const as = typeof d.as === 'string' ? ` as ${d.as}` : '';
      return `${String(d.decision ?? 'answered')} ${String(d.from ?? 'someone')}'s ${what} ${String(d.requestId ?? '')}${as}`.trim();
    }
    case 'team.set-budget': {
      const cents = Number(d.budgetCents);
      return Number.isFinite(cents) && cents > 0
        ? `set team ${entry.team}'s budget to $${(cents / 100).toFixed(2)}`
        : `removed team ${entry.team}'s budget`;
    }
    default:
      return `${prefix}changed team ${entry.team}`;
  }
}

/** A change to many tasks at once (the list view's bulk actions): "assigned 50 tasks to tester". */
function describeBulk(entry: JournalEntryLike): string {
  const change = (entry.details?.bulk ?? {}) as {
    owner?: string;
    status?: string;
    priority?: string;
    delete?: boolean;
    moveClaims?: { from?: string; to?: string };
  };
  const n = entry.tasks.length;
  const tasks = `${n} task${n === 1 ? '' : 's'}`;
  if (change.delete) return `deleted ${tasks}`;
  if (change.moveClaims) return `moved ${n === 1 ? 'a claim' : `${n} claims`} from ${change.moveClaims.from} to ${change.moveClaims.to}`;
  if (change.owner !== undefined) return change.owner ? `assigned ${tasks} to ${change.owner}` : `unassigned ${tasks}`;
  if (change.status !== undefined) return `moved ${tasks} to ${change.status.replace('_', ' ')}`;
  if (change.priority !== undefined) return `set ${tasks} to ${change.priority} priority`;
  return `changed ${tasks}`;
}

/**
 * One entry in words, without the actor: `claimed "Design the API"`, `assigned "Docs" to tester`,
 * `changed the priority of "Docs" to high`, `removed tester from team webapp`. `subject` names the task when known.
 */
export function describeEntry(entry: JournalEntryLike, subject?: string, taskId = primaryTaskId(entry)): string {
  if (entry.op === 'task.bulk') return describeBulk(entry);
  if (entry.op.startsWith('team.') && entry.tasks.length === 0) return describeTeamEntry(entry);
  if (entry.op === 'doctor.fix' && entry.tasks.length === 0) return describeFileFix(entry);
  if (entry.op === 'team.sweep') return `released ${entry.tasks.length} stale claim${entry.tasks.length === 1 ? '' : 's'}`;
  const recorded = changeOf(entry, taskId);
  const named = subject ?? ((recorded?.after?.subject ?? recorded?.before?.subject) as string | undefined);
  const task = quote(named, taskId ? `task ${taskId}` : 'a task');
  const { verb, object } = verbOf(entry, taskId);
  const change = changeOf(entry, taskId);
  switch (verb) {
    case 'assigned':
      return object ? `assigned ${task} to ${object}` : `unassigned ${task}`;
    case 'moved':
      return `moved ${task} to ${object}`;
    case 'released': {
      const holder = change?.before?.lockedBy;
      return holder && holder !== entry.actor ? `broke ${String(holder)}'s claim on ${task}` : `released ${task}`;
    }
    case 'changed':
      return describeEdit(change, task);
    case 'undid':
      return `undid a change to ${task}`;
    case 'redid':
      return `redid a change to ${task}`;
    case 'renewed':
      return `renewed the lease on ${task}`;
    case 'fixed': {
      const inner = verbOfFields(change);
      return inner.verb === 'released' ? `released the stalled claim on ${task}` : `fixed ${task} (stall radar)`;
    }
    default:
      return `${verb} ${task}`;
  }
}
