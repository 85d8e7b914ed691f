import { LOCKSTEP_META_KEY, type ClaimInfo, type LockstepTaskMeta, type Task, type TaskStatus } from './domain';
import { toSafeInteger } from './json';
import { parseTimestamp } from './time';

/**
 * The claim rules, in one place for the store, the CLI and the board: what Lockstep keeps of a claim and when that
 * record still applies, when a lease has run out, how long a lease may be, and what a move does to the claim.
 */

/** The longest lease a claim may ask for (a week): a longer one is refused, by the store and by the IPC contract. */
export const MAX_LEASE_DAYS = 7;
export const MAX_LEASE_MS = MAX_LEASE_DAYS * 86_400_000;

/** Lockstep's bookkeeping of a task (fencing counter, claim details), kept in `metadata.lockstep`. */
export function lockstepMeta(task: Pick<Task, 'metadata'>): LockstepTaskMeta {
  const raw = task.metadata[LOCKSTEP_META_KEY];
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as LockstepTaskMeta) : {};
}

/**
 * The claim record, only while it still describes the task's claim: ClawTeam (or an older Lockstep) may have
 * released or re-claimed the task without knowing about the record, which then no longer applies.
 */
export function currentClaim(task: Pick<Task, 'metadata' | 'lockedBy' | 'lockedAt'>): ClaimInfo | null {
  const claim = lockstepMeta(task).claim;
  if (!claim || typeof claim !== 'object' || !task.lockedBy) return null;
  if (claim.agent !== task.lockedBy || claim.at !== task.lockedAt) return null;
  // A token written as "7" or 7.0 by another writer is the number 7; anything else is no valid token.
  const token = toSafeInteger(claim.token);
  return token === claim.token ? claim : { ...claim, token: token ?? Number.NaN };
}

export function leaseExpired(claim: ClaimInfo | null, nowMicros: number): boolean {
  if (!claim?.leaseUntil) return false;
  const until = parseTimestamp(claim.leaseUntil);
  return until !== null && until <= nowMicros;
}

/**
 * What moving a task to `status` does to its claim (ClawTeam's semantics): to in progress claims it for the one
 * who moves it; to pending, blocked or completed releases it.
 */
export function claimOnMove(status: TaskStatus): 'claim' | 'release' {
  return status === 'in_progress' ? 'claim' : 'release';
}
