import { randomBytes } from 'crypto';
import type { Task, TaskStatus, VersionedTask } from '../../shared/domain';
import { InvalidInputError } from '../../shared/errors';
import { LOCKSTEP_META_KEY } from '../../shared/domain';
import { parseTimestamp } from '../../shared/time';
import { claimOnMove } from '../../shared/claims';
import { clearClaim } from './claims';
import { withVersion, type LoadedTask } from './task-format';
import type { TeamTransaction } from './transaction';
import {
  checkGuards,
  checkHolder,
  micros,
  requireTask,
  type ActorOptions,
  type CreateTaskValues,
  type UpdateTaskValues,
} from './task-guards';
import { checkNotWaiting, linkDependency, requireExisting, resolveDependents, settleBlocked } from './task-deps';
import { applyClaim } from './task-claims';

// The task status machine: creating, updating (status changes follow ClawTeam), completing and deleting tasks.

function newTaskId(tx: TeamTransaction): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!tx.getTask(id)) return id;
  }
}

export function createTask(tx: TeamTransaction, input: CreateTaskValues): VersionedTask {
  if ((input.metadata as Record<string, unknown>)[LOCKSTEP_META_KEY] !== undefined) {
    throw new InvalidInputError(`metadata.${LOCKSTEP_META_KEY} is reserved for Lockstep's own bookkeeping.`);
  }
  const task: Task = {
    id: newTaskId(tx),
    subject: input.subject,
    description: input.description,
    status: 'pending',
    priority: input.priority,
    owner: input.owner,
    lockedBy: '',
    lockedAt: '',
    blocks: [],
    blockedBy: [],
    startedAt: '',
    createdAt: tx.now,
    updatedAt: tx.now,
    metadata: { ...input.metadata },
  };
  const blockers = [...new Set(input.blockedBy)].map((id) => requireExisting(tx, id, 'Blocking task'));
  for (const blocker of blockers) {
    if (blocker.task.status === 'completed') {
      // Said about the blocker: the new task's id means nothing to anyone yet.
      throw new InvalidInputError(
        `Task ${blocker.task.id} ("${blocker.task.subject}") is already completed, so a new task cannot wait for it.`,
        {
          blocker: blocker.task.id,
        },
      );
    }
    linkDependency(tx, task, blocker.task);
    blocker.task.updatedAt = tx.now;
    tx.putTask(blocker.task, blocker.extra);
  }
  return withVersion(tx.putTask(task, {}));
}

export function completeTask(tx: TeamTransaction, id: string, options: ActorOptions): VersionedTask {
  const loaded = requireTask(tx, id);
  const { task } = loaded;
  checkGuards(tx, loaded, options);
  if (task.status === 'completed') throw new InvalidInputError(`Task ${id} is already completed.`, { taskId: id });
  checkHolder(tx, task, options.agent, options.force, options.reason);
  checkNotWaiting(tx, task, options.force);
  applyComplete(tx, task);
  const saved = tx.putTask(task, loaded.extra);
  resolveDependents(tx, id, false);
  return withVersion(saved);
}

function applyComplete(tx: TeamTransaction, task: Task): void {
  clearClaim(task);
  task.status = 'completed';
  const started = parseTimestamp(task.startedAt);
  if (started !== null) task.metadata = { ...task.metadata, duration_seconds: Math.max(0, (micros(tx.now) - started) / 1_000_000) };
  task.updatedAt = tx.now;
}

/**
 * The metadata with `patch` merged in (a null value removes the key): kept keys keep their place, new ones come last.
 * Built by spreading, never key by key: a big object given new keys one `obj[key] = v` at a time becomes a slow
 * dictionary, which V8 then copies, lists and prints many times slower (half the cost of updating a 50 KB task).
 */
function mergeMetadata(metadata: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(patch);
  let merged: Record<string, unknown> = { ...metadata, ...Object.fromEntries(entries.filter(([, v]) => v !== null)) };
  for (const [key, value] of entries) {
    if (value !== null) continue;
    const { [key]: _removed, ...rest } = merged;
    merged = rest;
  }
  return merged;
}

export function updateTask(tx: TeamTransaction, id: string, patch: UpdateTaskValues, options: ActorOptions): VersionedTask {
  const loaded = requireTask(tx, id);
  const { task } = loaded;
  checkGuards(tx, loaded, options);
  if (patch.subject !== undefined) task.subject = patch.subject;
  if (patch.description !== undefined) task.description = patch.description;
  if (patch.priority !== undefined) task.priority = patch.priority;
  if (patch.owner !== undefined) task.owner = patch.owner;
  if (patch.metadata) {
    if (LOCKSTEP_META_KEY in patch.metadata) {
      throw new InvalidInputError(`metadata.${LOCKSTEP_META_KEY} is reserved for Lockstep's own bookkeeping.`);
    }
    task.metadata = mergeMetadata(task.metadata, patch.metadata);
  }
  for (const blockerId of patch.removeBlockedBy ?? []) {
    task.blockedBy = task.blockedBy.filter((b) => b !== blockerId);
    const blocker = tx.getTask(blockerId);
    if (blocker && blocker.task.blocks.includes(id)) {
      blocker.task.blocks = blocker.task.blocks.filter((b) => b !== id);
      blocker.task.updatedAt = tx.now;
      tx.putTask(blocker.task, blocker.extra);
    }
  }
  for (const blockedId of patch.removeBlocks ?? []) {
    task.blocks = task.blocks.filter((b) => b !== blockedId);
    const blocked = tx.getTask(blockedId);
    if (blocked && blocked.task.blockedBy.includes(id)) {
      blocked.task.blockedBy = blocked.task.blockedBy.filter((b) => b !== id);
      settleBlocked(blocked.task);
      blocked.task.updatedAt = tx.now;
      tx.putTask(blocked.task, blocked.extra);
    }
  }
  // Staged first so cycle checks below see this task's current links.
  tx.putTask(task, loaded.extra);
  for (const blockerId of patch.addBlockedBy ?? []) {
    const blocker = requireExisting(tx, blockerId, 'Blocking task');
    linkDependency(tx, task, blocker.task);
    blocker.task.updatedAt = tx.now;
    tx.putTask(blocker.task, blocker.extra);
    tx.putTask(task, loaded.extra);
  }
  for (const blockedId of patch.addBlocks ?? []) {
    const blocked = requireExisting(tx, blockedId, 'Blocked task');
    linkDependency(tx, blocked.task, task);
    blocked.task.updatedAt = tx.now;
    tx.putTask(blocked.task, blocked.extra);
    tx.putTask(task, loaded.extra);
  }
  settleBlocked(task);
  if (patch.status !== undefined && patch.status !== task.status) applyStatus(tx, loaded, patch.status, options);
  task.updatedAt = tx.now;
  const saved = tx.putTask(task, loaded.extra);
  if (patch.status === 'completed') resolveDependents(tx, id, false);
  return withVersion(saved);
}

/** Status changes follow ClawTeam: in_progress claims, completed/pending clear the claim and keep the owner. */
function applyStatus(tx: TeamTransaction, loaded: LoadedTask, status: TaskStatus, options: ActorOptions): void {
  const { task } = loaded;
  if (claimOnMove(status) === 'claim') {
    if (!options.agent) {
      throw new InvalidInputError(`Say who is starting task ${task.id}: moving it to in_progress claims it for an agent.`);
    }
    applyClaim(tx, loaded, { agent: options.agent, force: options.force, reason: options.reason });
    return;
  }
  // Every other move releases the claim: only its holder may make it (or somebody forcing it, with a reason).
  checkHolder(tx, task, options.agent, options.force, options.reason);
  if (status === 'completed') {
    checkNotWaiting(tx, task, options.force);
    applyComplete(tx, task);
    return;
  }
  clearClaim(task);
  task.status = status;
}

export function deleteTask(tx: TeamTransaction, id: string, options: ActorOptions): VersionedTask {
  const loaded = requireTask(tx, id);
  checkGuards(tx, loaded, options);
  checkHolder(tx, loaded.task, options.agent, options.force, options.reason);
  tx.removeTask(id);
  resolveDependents(tx, id, true);
  return withVersion(loaded);
}
