import type { Task } from '../../shared/domain';
import { describeWaiting, unfinishedBlockers } from '../../shared/rules';
import { InvalidInputError } from '../../shared/errors';
import type { LoadedTask } from './task-format';
import type { TeamTransaction } from './transaction';

// The dependency graph between tasks (blockedBy/blocks on both sides): links without cycles, and what a finished
// or deleted task frees.

function isLive(tx: TeamTransaction, id: string): LoadedTask | undefined {
  return tx.getTask(id);
}

/** Follows blockedBy links from `start`; true if `target` is reached (adding target→start would close a cycle). */
function reaches(tx: TeamTransaction, start: string, target: string): boolean {
  const graph = new Map(tx.allTasks().loaded.map((l) => [l.task.id, l.task.blockedBy]));
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const next of graph.get(id) ?? []) stack.push(next);
  }
  return false;
}

/** Records that `blocked` waits for `blocker` on both sides, refusing self-links, unknown ids, cycles and finished blockers. */
export function linkDependency(tx: TeamTransaction, blocked: Task, blocker: Task): void {
  if (blocked.id === blocker.id) throw new InvalidInputError(`Task ${blocked.id} cannot block itself.`, { taskId: blocked.id });
  if (blocker.status === 'completed') {
    throw new InvalidInputError(`Task ${blocker.id} is already completed, so it cannot block task ${blocked.id}.`, {
      taskId: blocked.id,
      blocker: blocker.id,
    });
  }
  if (reaches(tx, blocker.id, blocked.id)) {
    throw new InvalidInputError(
      `Task ${blocked.id} cannot wait for task ${blocker.id}: ${blocker.id} already waits (directly or not) for ${blocked.id}, which would be a cycle.`,
      { taskId: blocked.id, blocker: blocker.id },
    );
  }
  if (!blocked.blockedBy.includes(blocker.id)) blocked.blockedBy.push(blocker.id);
  if (!blocker.blocks.includes(blocked.id)) blocker.blocks.push(blocked.id);
  if (blocked.status === 'pending') blocked.status = 'blocked';
}

export function requireExisting(tx: TeamTransaction, id: string, role: string): LoadedTask {
  const loaded = isLive(tx, id);
  if (!loaded) throw new InvalidInputError(`${role} ${id} does not exist in team ${tx.team}.`, { taskId: id });
  return loaded;
}

/** A blocked task with nothing left to wait for becomes pending (ClawTeam's rule). */
export function settleBlocked(task: Task): void {
  if (task.status === 'blocked' && task.blockedBy.length === 0) task.status = 'pending';
}

/** Removes `id` from every other task's dependency lists; blocked tasks left with nothing to wait for become pending. */
export function resolveDependents(tx: TeamTransaction, id: string, alsoFromBlocks: boolean): void {
  for (const other of tx.allTasks().loaded) {
    if (other.task.id === id) continue;
    const inBlockedBy = other.task.blockedBy.includes(id);
    const inBlocks = alsoFromBlocks && other.task.blocks.includes(id);
    if (!inBlockedBy && !inBlocks) continue;
    const fresh = tx.getTask(other.task.id);
    if (!fresh) continue;
    fresh.task.blockedBy = fresh.task.blockedBy.filter((b) => b !== id);
    if (alsoFromBlocks) fresh.task.blocks = fresh.task.blocks.filter((b) => b !== id);
    settleBlocked(fresh.task);
    fresh.task.updatedAt = tx.now;
    tx.putTask(fresh.task, fresh.extra);
  }
}

/** A task that still waits for unfinished tasks is not completed (unless forced): the same rule the board shows. */
export function checkNotWaiting(tx: TeamTransaction, task: Task, force: boolean | undefined): void {
  const waiting = unfinishedBlockers(task, (b) => tx.getTask(b)?.task);
  if (waiting.length === 0 || force) return;
  throw new InvalidInputError(
    `Task ${task.id} cannot be completed yet: ${describeWaiting(waiting)}. Finish those first, or remove them from its blockers.`,
    {
      taskId: task.id,
      blockedBy: waiting.map((b) => b.id),
    },
  );
}
