import { PRIORITY_RANK, type ClaimInfo, type Member, type Task, type VersionedTask } from '../../shared/domain';
import { memberAvailability, memberProfile } from '../../shared/members';
import { unfinishedBlockers } from '../../shared/rules';
import { ClaimLostError, InvalidInputError, TaskLockError } from '../../shared/errors';
import { toSafeInteger } from '../../shared/json';
import { formatTimestamp } from '../../shared/time';
import { MAX_LEASE_DAYS, MAX_LEASE_MS } from '../../shared/claims';
import { assertName } from '../../shared/names';
import { clearClaim, currentClaim, leaseExpired, lockstepMeta, setLockstepMeta } from './claims';
import { withVersion, type LoadedTask } from './task-format';
import type { TeamTransaction } from './transaction';
import { checkGuards, checkHolder, micros, requireForceReason, requireTask, type ActorOptions, type ClaimOptions } from './task-guards';

// Claims: taking a task (by id or the next ready one), releasing it, renewing its lease.

/**
 * A claim's options as both stores take them: a safe agent name, a lease of at most MAX_LEASE_DAYS, a positive
 * holder pid (recorded with `host`, this machine unless given), a whole-number token.
 */
export function checkClaimOptions(options: ClaimOptions, host: string): ClaimOptions {
  assertName(options.agent, 'agent');
  if (options.leaseMs !== undefined && !(options.leaseMs > 0 && options.leaseMs <= MAX_LEASE_MS)) {
    throw new InvalidInputError(`A lease must be longer than 0 and at most ${MAX_LEASE_DAYS} days.`);
  }
  if (options.pid !== undefined && !(Number.isInteger(options.pid) && options.pid > 0)) {
    throw new InvalidInputError(`A holder pid must be a positive whole number (got ${options.pid}).`);
  }
  if (options.token !== undefined && !Number.isInteger(options.token)) {
    throw new InvalidInputError('A claim token must be a whole number.');
  }
  return { ...options, host: options.pid !== undefined ? (options.host ?? host) : undefined };
}

/** Claims: in_progress, lockedBy/lockedAt, startedAt once, owner defaults to the claimer, a new fencing number. */
export function applyClaim(tx: TeamTransaction, loaded: LoadedTask, options: ClaimOptions): void {
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

/** The ready tasks as a backend's index keeps them (the data folder's ReadyIndex): a hint, every candidate re-read. */
export interface ReadyCandidates {
  /** Ids of ready tasks, most urgent first, requiring no tag outside `capabilities` (when given). */
  candidates(capabilities?: ReadonlySet<string>): string[];
  /** The tasks the index says `agent` holds, or null when it does not know. */
  heldBy(agent: string): string[] | null;
  /** Whether ready tasks past the index's limit were left out (then a full read is needed when it runs dry). */
  incomplete(): boolean;
  /** Drops a candidate found not ready after all. */
  remove(id: string): void;
}

/**
 * A backend's shortcut to the ready tasks for claim --next: the data folder's ready-set index (folder/ready-index.ts).
 * The database has none: it picks the next row with one indexed query (postgres/pg-claims.ts).
 */
export interface ReadyShortcut {
  /** The index if it matches the tasks as they are, else null. */
  index(): ReadyCandidates | null;
  /** Replaces the index with one built from a full read of the team (`isReady`: blockers done). */
  rebuild(tasks: Task[], isReady: (task: Task) => boolean): void;
}

/** The next task to work on: pending, unclaimed, nothing unfinished to wait for; most urgent, then oldest. */
export function claimNextTask(tx: TeamTransaction, options: ClaimOptions, member?: Member, ready?: ReadyShortcut): VersionedTask | null {
  // Through the ready-set index when there is one: a member gets the first candidate requiring no tag it lacks, after
  // its WIP limit is checked against the tasks the index says it holds (each re-read). Without a usable index, from
  // a full read of the team, which rebuilds the index.
  const index = ready?.index() ?? null;
  const profile = member ? memberProfile(member) : {};
  const held = member && profile.wipLimit !== undefined ? index?.heldBy(member.name) : [];
  if (index && held) {
    const holding = held.filter((id) => {
      const t = tx.getTask(id)?.task;
      return t?.status === 'in_progress' && t.lockedBy === member?.name;
    }).length;
    if (profile.wipLimit !== undefined && holding >= profile.wipLimit) return null;
    for (const id of index.candidates(member ? new Set(profile.capabilities ?? []) : undefined)) {
      const fresh = tx.getTask(id);
      if (!fresh || !stillReady(tx, fresh.task)) {
        index.remove(id); // changed behind our back: never handed out
        continue;
      }
      // Tags re-checked on the task as it is (the WIP limit was checked above).
      if (member && !memberAvailability(member, fresh.task, []).available) continue;
      applyClaim(tx, fresh, { ...options, force: false });
      return withVersion(tx.putTask(fresh.task, fresh.extra));
    }
    if (!index.incomplete()) return null;
  }
  const { loaded } = tx.allTasks();
  const all = loaded.map((l) => l.task);
  const status = new Map(loaded.map((l) => [l.task.id, l.task.status]));
  const blockersDone = (task: Task) => task.blockedBy.every((b) => status.get(b) === undefined || status.get(b) === 'completed');
  ready?.rebuild(all, blockersDone);
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

/**
 * Moves the claim `from` holds on a task to `to` (a person who changed who they act as keeps their claims): the
 * same claim time and lease, a new fencing number (a process still working as `from` loses the claim), and the
 * owner too where it was `from`. Refused when `from` no longer holds it.
 */
export function moveClaim(tx: TeamTransaction, id: string, from: string, to: string): VersionedTask {
  const loaded = requireTask(tx, id);
  const { task } = loaded;
  if (task.lockedBy !== from) {
    throw new InvalidInputError(`Task ${id} is no longer claimed by ${from}${task.lockedBy ? ` (${task.lockedBy} holds it)` : ''}.`, {
      taskId: id,
      holder: task.lockedBy,
    });
  }
  const meta = lockstepMeta(task);
  const claim = currentClaim(task);
  const token = Math.max(toSafeInteger(meta.fence) ?? 0, toSafeInteger(claim?.token) ?? 0) + 1;
  const next: ClaimInfo = { agent: to, at: task.lockedAt || tx.now, token };
  if (claim?.leaseUntil) next.leaseUntil = claim.leaseUntil;
  task.lockedBy = to;
  if (task.owner === from) task.owner = to;
  task.updatedAt = tx.now;
  setLockstepMeta(task, { ...meta, fence: token, claim: next });
  return withVersion(tx.putTask(task, loaded.extra));
}
