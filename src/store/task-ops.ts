import { randomBytes } from 'crypto';
import { PRIORITY_RANK, type ClaimInfo, type Member, type Task, type TaskStatus, type VersionedTask } from '../shared/domain';
import type { SweepResult, SweptClaim } from '../shared/model';
import { memberAvailability } from '../shared/members';
import { describeWaiting, unfinishedBlockers } from '../shared/rules';
import {
  ClaimLostError,
  ConflictError,
  InvalidInputError,
  taskNotFound,
  TaskLockError,
} from '../shared/errors';
import { LOCKSTEP_META_KEY } from '../shared/domain';
import { toSafeInteger } from '../shared/json';
import type { createTaskInputSchema, updateTaskPatchSchema } from '../shared/schemas';
import { describeAge, formatTimestamp, nowMicros, parseTimestamp } from '../shared/time';
import type { z } from 'zod';
import { claimOnMove } from '../shared/claims';
import { claimGoneBecause, clearClaim, currentClaim, leaseExpired, lockstepMeta, setLockstepMeta } from './claims';
import type { Finding } from './doctor';
import type { JournalEntry } from './journal';
import { describeEntry } from '../shared/activity';
import { removeOldTempFiles } from './temp-files';
import { parseTaskBytes, withVersion, type LoadedTask } from './task-files';
import type { TeamTransaction } from './team-writer';

/** Conditions every write may carry. */
export interface WriteGuards {
  /** Apply only if the task is still at this version (hash of its file), else CONFLICT. */
  expectVersion?: string;
  /** The caller's fencing number from its claim; a write after the claim was taken over is CLAIM_LOST. */
  token?: number;
}

export interface ActorOptions extends WriteGuards {
  /** Who is acting (agent name). */
  agent?: string;
  /** Act even though another agent holds the claim. */
  force?: boolean;
  /** Why (journaled); required to force-break a live claim held by someone else. */
  reason?: string;
}

export interface ClaimOptions extends WriteGuards {
  agent: string;
  force?: boolean;
  reason?: string;
  /** Lease length; the holder renews it with heartbeat, and once expired the claim may be taken over. */
  leaseMs?: number;
  /** The process holding the claim (defaults to none: the claim then outlives the CLI call that made it). */
  pid?: number;
  host?: string;
}

export type CreateTaskValues = z.output<typeof createTaskInputSchema>;
export type UpdateTaskValues = z.output<typeof updateTaskPatchSchema>;

function micros(ts: string): number {
  return parseTimestamp(ts) ?? 0;
}

function requireTask(tx: TeamTransaction, id: string): LoadedTask {
  const loaded = tx.getTask(id);
  if (!loaded) throw taskNotFound(tx.team, id);
  return loaded;
}

function checkGuards(tx: TeamTransaction, loaded: LoadedTask, guards: WriteGuards): void {
  const { task } = loaded;
  if (guards.expectVersion !== undefined && guards.expectVersion !== loaded.version) {
    throw new ConflictError(describeConflict(tx, loaded), {
      team: tx.team,
      taskId: task.id,
      expected: guards.expectVersion,
      current: withVersion(loaded),
      changedBy: tx.whoWrote(task.id, loaded.version)?.actor ?? null,
    });
  }
  if (guards.token !== undefined) {
    const claim = currentClaim(task);
    if (!claim || claim.token !== guards.token) {
      const now = claim ? `${claim.agent} holds it with token ${claim.token}` : task.lockedBy ? `${task.lockedBy} holds it` : 'nobody holds it';
      throw new ClaimLostError(
        `Your claim on task ${task.id} (token ${guards.token}) is no longer valid: ${now}. Stop working on it, or claim it again.`,
        { team: tx.team, taskId: task.id, token: guards.token, holder: task.lockedBy, currentToken: claim?.token ?? null },
      );
    }
  }
}

const FIELD_WORDS: Record<string, string> = { lockedBy: 'claim', lockedAt: 'claim', updatedAt: '', startedAt: '' };

/** "agent-3 (cli) changed status to in_progress, claim 4 s ago" — or, for a writer that keeps no journal, what differs now. */
function describeConflict(tx: TeamTransaction, loaded: LoadedTask): string {
  const { task } = loaded;
  const entry = tx.whoWrote(task.id, loaded.version);
  const state = `it is now ${task.status}${task.lockedBy ? `, claimed by ${task.lockedBy}` : ''}${task.owner ? `, owned by ${task.owner}` : ''}`;
  if (!entry) {
    return `Task ${task.id} was changed since you read it by a writer outside Lockstep (for example ClawTeam; ${state}). Reload it, then decide whether to apply your change.`;
  }
  const change = entry.tasks.find((t) => t.id === task.id);
  const fields = [...new Set(Object.keys(change?.after ?? change?.before ?? {}).map((f) => (f in FIELD_WORDS ? FIELD_WORDS[f] : f)))].filter(Boolean);
  const statusTo = change?.after?.status;
  const what = statusTo ? `moved it to ${String(statusTo)}` : `changed ${fields.join(', ') || 'it'}`;
  const ago = describeAge(parseTimestamp(entry.at) ?? nowMicros());
  return `Task ${task.id} changed since you read it: ${entry.actor} ${what} ${ago} (${state}). Keep theirs, or apply yours again on top.`;
}

/**
 * Refuses to act on a task another agent has claimed, unless forced; breaking a live claim by force needs a reason
 * (it is journaled). An expired lease is not live.
 */
function checkHolder(tx: TeamTransaction, task: Task, agent: string | undefined, force: boolean | undefined, reason?: string): void {
  if (!task.lockedBy || task.lockedBy === agent) return;
  if (!force) throw new TaskLockError(tx.team, task.id, task.lockedBy, task.lockedAt);
  requireForceReason(tx, task, reason);
}

function requireForceReason(tx: TeamTransaction, task: Task, reason: string | undefined): void {
  if (reason && reason.trim()) return;
  if (leaseExpired(currentClaim(task), micros(tx.now))) return;
  throw new InvalidInputError(
    `Breaking ${task.lockedBy}'s claim on task ${task.id} (claimed ${describeAge(parseTimestamp(task.lockedAt) ?? micros(tx.now), micros(tx.now))}) needs a reason; give one (--reason) and it is kept in the team journal.`,
    { taskId: task.id, holder: task.lockedBy },
  );
}

function newTaskId(tx: TeamTransaction): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!tx.getTask(id)) return id;
  }
}

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
function linkDependency(tx: TeamTransaction, blocked: Task, blocker: Task): void {
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

function requireExisting(tx: TeamTransaction, id: string, role: string): LoadedTask {
  const loaded = isLive(tx, id);
  if (!loaded) throw new InvalidInputError(`${role} ${id} does not exist in team ${tx.team}.`, { taskId: id });
  return loaded;
}

/** A blocked task with nothing left to wait for becomes pending (ClawTeam's rule). */
function settleBlocked(task: Task): void {
  if (task.status === 'blocked' && task.blockedBy.length === 0) task.status = 'pending';
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
      throw new InvalidInputError(`Task ${blocker.task.id} ("${blocker.task.subject}") is already completed, so a new task cannot wait for it.`, {
        blocker: blocker.task.id,
      });
    }
    linkDependency(tx, task, blocker.task);
    blocker.task.updatedAt = tx.now;
    tx.putTask(blocker.task, blocker.extra);
  }
  return withVersion(tx.putTask(task, {}));
}

/** Claims: in_progress, lockedBy/lockedAt, startedAt once, owner defaults to the claimer, a new fencing number. */
function applyClaim(tx: TeamTransaction, loaded: LoadedTask, options: ClaimOptions): void {
  const { task } = loaded;
  const nowMicros = micros(tx.now);
  if (task.status === 'completed') {
    throw new InvalidInputError(`Task ${task.id} is already completed; set it back to pending before claiming it.`, {
      taskId: task.id,
    });
  }
  const waitingFor = unfinishedBlockers(task, (b) => tx.getTask(b)?.task).map((b) => b.id);
  if (waitingFor.length > 0 && !options.force) {
    throw new InvalidInputError(`Task ${task.id} is blocked by ${waitingFor.join(', ')}; finish those first or force the claim.`, {
      taskId: task.id,
      blockedBy: waitingFor,
    });
  }
  const claim = currentClaim(task);
  const sameHolder = task.lockedBy === options.agent;
  if (task.lockedBy && !sameHolder && !leaseExpired(claim, nowMicros)) {
    if (!options.force) throw new TaskLockError(tx.team, task.id, task.lockedBy, task.lockedAt);
    requireForceReason(tx, task, options.reason);
  }
  const meta = lockstepMeta(task);
  const keepClaim = sameHolder && claim !== null;
  // Another writer may have stored the counter as "7" or 7.0: read it as the number it names, never concatenate.
  const fence = Math.max(toSafeInteger(meta.fence) ?? 0, toSafeInteger(claim?.token) ?? 0);
  const token = keepClaim ? claim.token : fence + 1;
  const at = sameHolder && task.lockedAt ? task.lockedAt : tx.now;
  const next: ClaimInfo = { agent: options.agent, at, token };
  if (options.pid !== undefined) {
    next.pid = options.pid;
    next.host = options.host;
  }
  if (options.leaseMs !== undefined) next.leaseUntil = formatTimestamp(nowMicros + options.leaseMs * 1000);
  task.status = 'in_progress';
  task.lockedBy = options.agent;
  task.lockedAt = at;
  if (!task.startedAt) task.startedAt = tx.now;
  if (!task.owner) task.owner = options.agent;
  task.updatedAt = tx.now;
  setLockstepMeta(task, { ...meta, fence: Math.max(fence, token), claim: next });
}

export function claimTask(tx: TeamTransaction, id: string, options: ClaimOptions): VersionedTask {
  const loaded = requireTask(tx, id);
  checkGuards(tx, loaded, { expectVersion: options.expectVersion });
  applyClaim(tx, loaded, options);
  return withVersion(tx.putTask(loaded.task, loaded.extra));
}

/** The next task to work on: pending, unclaimed, nothing unfinished to wait for; most urgent, then oldest. */
export function claimNextTask(tx: TeamTransaction, options: ClaimOptions, member?: Member): VersionedTask | null {
  // A member with a profile (capabilities, WIP limit) is matched against the whole team; anybody else takes the
  // first candidate of the ready-set index that is still ready on disk.
  const index = member ? null : tx.readyIndex();
  if (index) {
    for (const id of index.candidates()) {
      const fresh = tx.getTask(id);
      if (fresh && stillReady(tx, fresh.task)) {
        applyClaim(tx, fresh, { ...options, force: false });
        return withVersion(tx.putTask(fresh.task, fresh.extra));
      }
      index.remove(id); // changed behind our back: never handed out
    }
    if (!index.incomplete()) return null;
  }
  const { loaded } = tx.allTasks();
  const all = loaded.map((l) => l.task);
  const status = new Map(loaded.map((l) => [l.task.id, l.task.status]));
  const blockersDone = (task: Task) => task.blockedBy.every((b) => status.get(b) === undefined || status.get(b) === 'completed');
  if (!member) tx.rebuildReadyIndex(all, blockersDone);
  const candidates = loaded
    .filter(
      ({ task }) =>
        task.status === 'pending' &&
        !task.lockedBy &&
        blockersDone(task) &&
        // A member with a profile only gets work it is able to do, and none past its WIP limit.
        (!member || memberAvailability(member, task, all).available),
    )
    .sort(
      (a, b) =>
        PRIORITY_RANK[b.task.priority] - PRIORITY_RANK[a.task.priority] ||
        micros(a.task.createdAt) - micros(b.task.createdAt) ||
        a.task.id.localeCompare(b.task.id),
    );
  for (const candidate of candidates) {
    const fresh = tx.getTask(candidate.task.id); // read in full, not from the scan's cache
    if (!fresh || !stillReady(tx, fresh.task)) continue;
    applyClaim(tx, fresh, { ...options, force: false });
    return withVersion(tx.putTask(fresh.task, fresh.extra));
  }
  return null;
}

/** Pending, unclaimed, and every blocker (read from disk in this batch) completed or gone. */
function stillReady(tx: TeamTransaction, task: Task): boolean {
  if (task.status !== 'pending' || task.lockedBy) return false;
  return task.blockedBy.every((id) => {
    const blocker = tx.getTask(id);
    return !blocker || blocker.task.status === 'completed';
  });
}

export function releaseTask(tx: TeamTransaction, id: string, options: ActorOptions): VersionedTask {
  const loaded = requireTask(tx, id);
  const { task } = loaded;
  checkGuards(tx, loaded, options);
  if (!task.lockedBy) {
    throw new InvalidInputError(`Task ${id} is not claimed by anybody, so there is nothing to release.`, { taskId: id });
  }
  checkHolder(tx, task, options.agent, options.force, options.reason);
  clearClaim(task);
  if (task.status === 'in_progress') task.status = 'pending';
  task.updatedAt = tx.now;
  return withVersion(tx.putTask(task, loaded.extra));
}

/** Removes `id` from every other task's dependency lists; blocked tasks left with nothing to wait for become pending. */
function resolveDependents(tx: TeamTransaction, id: string, alsoFromBlocks: boolean): void {
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

/** A task that still waits for unfinished tasks is not completed (unless forced): the same rule the board shows. */
function checkNotWaiting(tx: TeamTransaction, task: Task, force: boolean | undefined): void {
  const waiting = unfinishedBlockers(task, (b) => tx.getTask(b)?.task);
  if (waiting.length === 0 || force) return;
  throw new InvalidInputError(`Task ${task.id} cannot be completed yet: ${describeWaiting(waiting)}. Finish those first, or remove them from its blockers.`, {
    taskId: task.id,
    blockedBy: waiting.map((b) => b.id),
  });
}

function applyComplete(tx: TeamTransaction, task: Task): void {
  clearClaim(task);
  task.status = 'completed';
  const started = parseTimestamp(task.startedAt);
  if (started !== null) task.metadata.duration_seconds = Math.max(0, (micros(tx.now) - started) / 1_000_000);
  task.updatedAt = tx.now;
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
    for (const [key, value] of Object.entries(patch.metadata)) {
      if (value === null) delete task.metadata[key];
      else task.metadata[key] = value;
    }
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

export function heartbeatTask(tx: TeamTransaction, id: string, options: ClaimOptions & { leaseMs: number }): VersionedTask {
  const loaded = requireTask(tx, id);
  const { task } = loaded;
  checkGuards(tx, loaded, options);
  const claim = currentClaim(task);
  if (task.lockedBy !== options.agent || !claim) {
    throw new ClaimLostError(
      `${options.agent} does not hold task ${id}${task.lockedBy ? `: ${task.lockedBy} does` : ''}; claim it again before renewing.`,
      { team: tx.team, taskId: id, holder: task.lockedBy },
    );
  }
  claim.leaseUntil = formatTimestamp(micros(tx.now) + options.leaseMs * 1000);
  setLockstepMeta(task, { ...lockstepMeta(task), claim });
  task.updatedAt = tx.now;
  return withVersion(tx.putTask(task, loaded.extra));
}

export interface SweepOptions {
  /** Also release claims older than this, whatever their holder (for claims that carry no pid or lease). */
  olderThanMs?: number;
  host: string;
  isProcessAlive: (pid: number) => boolean;
  /** Remove writers' temp files older than this (a killed writer's leftovers). */
  tempFileAgeMs: number;
}

/** What a sweep released (SweptClaim, SweepResult): shared/model.ts. */
export type { SweepResult, SweptClaim };

/**
 * Releases claims whose holder is gone. The rule (see README): a claim is released when its lease expired, or when
 * it names a process on this host that no longer runs, or (only if asked) when it is older than `olderThanMs`.
 * Claims that carry neither lease nor pid (ClawTeam's, or a CLI claim without --pid/--lease) are kept.
 */
export function sweepTeam(tx: TeamTransaction, options: SweepOptions): SweepResult {
  const nowMicros = micros(tx.now);
  const released: SweptClaim[] = [];
  for (const candidate of tx.allTasks().loaded) {
    if (!candidate.task.lockedBy) continue;
    const loaded = tx.getTask(candidate.task.id);
    if (!loaded || !loaded.task.lockedBy) continue;
    const { task } = loaded;
    let reason: SweptClaim['reason'] | null = claimGoneBecause(task, nowMicros, options.host, options.isProcessAlive);
    if (!reason && options.olderThanMs !== undefined && micros(task.lockedAt) + options.olderThanMs * 1000 <= nowMicros) reason = 'too-old';
    if (!reason) continue;
    released.push({ taskId: task.id, holder: task.lockedBy, lockedAt: task.lockedAt, reason });
    clearClaim(task);
    if (task.status === 'in_progress') task.status = 'pending';
    task.updatedAt = tx.now;
    tx.putTask(task, loaded.extra);
  }
  return { released, removedTempFiles: removeOldTempFiles(tx.paths.tasksDir(tx.team), options.tempFileAgeMs) };
}

/** One process probe for the store (the team lock's stale-holder check uses the same). */
export { processAlive as isProcessAlive } from './team-lock';

/** Applies a stall-radar fix to tasks, after re-diagnosing inside the lock (the finding must still hold). */
export function fixTaskFinding(tx: TeamTransaction, finding: Finding): VersionedTask {
  const id = finding.taskId as string;
  const loaded = requireTask(tx, id);
  const { task } = loaded;
  switch (finding.fix.action) {
    case 'release':
      clearClaim(task);
      if (task.status === 'in_progress') task.status = 'pending';
      break;
    case 'unblock':
      task.blockedBy = task.blockedBy.filter((b) => {
        const blocker = tx.getTask(b);
        return blocker !== undefined && blocker.task.status !== 'completed';
      });
      if (task.status === 'blocked' && task.blockedBy.length === 0) task.status = 'pending';
      break;
    case 'remove-dangling':
      task.blockedBy = task.blockedBy.filter((b) => tx.getTask(b) !== undefined);
      task.blocks = task.blocks.filter((b) => tx.getTask(b) !== undefined);
      settleBlocked(task);
      break;
    case 'break-cycle': {
      const to = finding.link?.to as string;
      task.blockedBy = task.blockedBy.filter((b) => b !== to);
      settleBlocked(task);
      const blocker = tx.getTask(to);
      if (blocker) {
        blocker.task.blocks = blocker.task.blocks.filter((b) => b !== id);
        blocker.task.updatedAt = tx.now;
        tx.putTask(blocker.task, blocker.extra);
      }
      break;
    }
    default:
      throw new InvalidInputError(`The fix "${finding.fix.action}" does not change tasks.`);
  }
  task.updatedAt = tx.now;
  return withVersion(tx.putTask(task, loaded.extra));
}

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
    throw new InvalidInputError(`That change (#${entry.seq}) was already undone (#${redone.seq}); nothing was changed.`, { seq: entry.seq });
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
      const subject = current?.task.subject ?? (change.before?.subject as string | undefined) ?? (change.after?.subject as string | undefined);
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
      const kept = change.file !== undefined ? parseTaskBytes(Buffer.from(change.file, 'utf8'), tx.paths.taskFile(tx.team, change.id), change.id) : null;
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
