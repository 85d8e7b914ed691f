import { currentClaim, leaseExpired } from './claims';
import type { Task, TaskStatus } from './domain';

/**
 * The rules for moving a task, in one place: the board uses them to show, while a card is dragged, which columns
 * would refuse it and why; the store enforces the same rules inside the team lock.
 */

export type TaskLookup = (id: string) => Pick<Task, 'id' | 'status' | 'subject'> | undefined;

const STATUS_WORDS: Record<TaskStatus, string> = {
  pending: 'pending',
  in_progress: 'in progress',
  blocked: 'blocked',
  completed: 'completed',
};

/** The tasks `task` waits for that are not completed yet (a blocker that no longer exists does not hold it up). */
export function unfinishedBlockers(task: Pick<Task, 'blockedBy'>, lookup: TaskLookup): Array<Pick<Task, 'id' | 'status' | 'subject'>> {
  const out: Array<Pick<Task, 'id' | 'status' | 'subject'>> = [];
  for (const id of task.blockedBy) {
    const blocker = lookup(id);
    if (blocker && blocker.status !== 'completed') out.push(blocker);
  }
  return out;
}

/** 'it waits for "Design the API" (in progress)' — for people. */
export function describeWaiting(blockers: Array<Pick<Task, 'id' | 'status' | 'subject'>>): string {
  const shown = blockers.slice(0, 3).map((b) => `"${b.subject}" (${STATUS_WORDS[b.status]})`);
  const more = blockers.length > 3 ? ` and ${blockers.length - 3} more` : '';
  return `it waits for ${shown.join(', ')}${more}`;
}

/** Who holds a claim that still counts (a claim whose lease ran out does not), or null. */
export function liveHolder(task: Pick<Task, 'lockedBy' | 'lockedAt' | 'metadata'>, nowMicros: number): string | null {
  if (!task.lockedBy) return null;
  return leaseExpired(currentClaim(task), nowMicros) ? null : task.lockedBy;
}

/**
 * Why moving `task` to `to` as `agent` would be refused, in words a person can act on, or null when it would be
 * applied. Mirrors the store: somebody else's claim (live, for a claim; any, for the other moves), a completed
 * task cannot be claimed, and a task cannot be started or completed while it waits for unfinished tasks.
 */
export function moveRefusal(
  task: Pick<Task, 'id' | 'status' | 'blockedBy' | 'lockedBy' | 'lockedAt' | 'metadata'>,
  to: TaskStatus,
  agent: string,
  lookup: TaskLookup,
  nowMicros: number,
): string | null {
  if (to === task.status) return null;
  const holder = to === 'in_progress' ? liveHolder(task, nowMicros) : task.lockedBy || null;
  if (holder && holder !== agent) return `Locked by ${holder}: force-release the claim from the task panel first`;
  if (to === 'in_progress' && task.status === 'completed') return 'It is already completed: move it to Pending first';
  if (to === 'in_progress' || to === 'completed') {
    const waiting = unfinishedBlockers(task, lookup);
    if (waiting.length > 0) return `I${describeWaiting(waiting).slice(1)}: finish ${waiting.length === 1 ? 'that' : 'those'} first`;
  }
  return null;
}
