import type { Task } from '../../shared/domain';
import { ClaimLostError, ConflictError, InvalidInputError, taskNotFound, TaskLockError } from '../../shared/errors';
import type { createTaskInputSchema, updateTaskPatchSchema } from '../../shared/schemas';
import { describeAge, nowMicros, parseTimestamp } from '../../shared/time';
import type { z } from 'zod';
import { currentClaim, leaseExpired } from './claims';
import { withVersion, type LoadedTask } from './task-format';
import type { TeamTransaction } from './transaction';

// The write guards every task mutation checks (expected version, claim token, who holds the claim), and the
// CONFLICT wording: who changed the task since, and what.

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

export function micros(ts: string): number {
  return parseTimestamp(ts) ?? 0;
}

export function requireTask(tx: TeamTransaction, id: string): LoadedTask {
  const loaded = tx.getTask(id);
  if (!loaded) throw taskNotFound(tx.team, id);
  return loaded;
}

export function checkGuards(tx: TeamTransaction, loaded: LoadedTask, guards: WriteGuards): void {
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
      const now = claim
        ? `${claim.agent} holds it with token ${claim.token}`
        : task.lockedBy
          ? `${task.lockedBy} holds it`
          : 'nobody holds it';
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
  const fields = [
    ...new Set(Object.keys(change?.after ?? change?.before ?? {}).map((f) => (f in FIELD_WORDS ? FIELD_WORDS[f] : f))),
  ].filter(Boolean);
  const statusTo = change?.after?.status;
  const what = statusTo ? `moved it to ${String(statusTo)}` : `changed ${fields.join(', ') || 'it'}`;
  const ago = describeAge(parseTimestamp(entry.at) ?? nowMicros());
  return `Task ${task.id} changed since you read it: ${entry.actor} ${what} ${ago} (${state}). Keep theirs, or apply yours again on top.`;
}

/**
 * Refuses to act on a task another agent has claimed, unless forced; breaking a live claim by force needs a reason
 * (it is journaled). An expired lease is not live.
 */
export function checkHolder(tx: TeamTransaction, task: Task, agent: string | undefined, force: boolean | undefined, reason?: string): void {
  if (!task.lockedBy || task.lockedBy === agent) return;
  if (!force) throw new TaskLockError(tx.team, task.id, task.lockedBy, task.lockedAt);
  requireForceReason(tx, task, reason);
}

export function requireForceReason(tx: TeamTransaction, task: Task, reason: string | undefined): void {
  if (reason && reason.trim()) return;
  if (leaseExpired(currentClaim(task), micros(tx.now))) return;
  throw new InvalidInputError(
    `Breaking ${task.lockedBy}'s claim on task ${task.id} (claimed ${describeAge(parseTimestamp(task.lockedAt) ?? micros(tx.now), micros(tx.now))}) needs a reason; give one (--reason) and it is kept in the team journal.`,
    { taskId: task.id, holder: task.lockedBy },
  );
}
