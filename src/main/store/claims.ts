import { LOCKSTEP_META_KEY, type ClaimInfo, type LockstepTaskMeta, type Task } from '../../shared/domain';
import { toSafeInteger } from '../../shared/json';
import { parseTimestamp } from '../../shared/time';

/** Lockstep's bookkeeping of a task (fencing counter, claim details), kept in `metadata.lockstep`. */
export function lockstepMeta(task: Task): LockstepTaskMeta {
  const raw = task.metadata[LOCKSTEP_META_KEY];
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as LockstepTaskMeta) : {};
}

export function setLockstepMeta(task: Task, meta: LockstepTaskMeta): void {
  task.metadata[LOCKSTEP_META_KEY] = meta;
}

/**
 * The claim record, only while it still describes the task's claim: ClawTeam (or an older Lockstep) may have
 * released or re-claimed the task without knowing about the record, which then no longer applies.
 */
export function currentClaim(task: Task): ClaimInfo | null {
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

/** Clears the claim fields and record (keeps the fencing counter, so later claims still get higher numbers). */
export function clearClaim(task: Task): void {
  task.lockedBy = '';
  task.lockedAt = '';
  const meta = lockstepMeta(task);
  if (meta.claim) {
    const { claim: _dropped, ...rest } = meta;
    setLockstepMeta(task, rest);
  }
}
