import { currentClaim, leaseExpired, lockstepMeta } from '../../shared/claims';
import { LOCKSTEP_META_KEY, type LockstepTaskMeta, type Task } from '../../shared/domain';

/** The store's changes to a task's claim record. What a record means (shared with the CLI and board): shared/claims.ts. */
export { currentClaim, leaseExpired, lockstepMeta } from '../../shared/claims';

export function setLockstepMeta(task: Task, meta: LockstepTaskMeta): void {
  // A new object by spreading, not `metadata[key] =`: that turns a big metadata object into a slow dictionary.
  task.metadata = { ...task.metadata, [LOCKSTEP_META_KEY]: meta };
}

/**
 * Why a task's claim no longer holds, by the rule sweep and doctor share (README): its lease expired, or it names
 * a process on this host that no longer runs. null while it holds (a claim with neither lease nor pid always does).
 */
export function claimGoneBecause(
  task: Task,
  nowMicros: number,
  host: string,
  isProcessAlive: (pid: number) => boolean,
): 'lease-expired' | 'holder-gone' | null {
  const claim = currentClaim(task);
  if (leaseExpired(claim, nowMicros)) return 'lease-expired';
  if (claim?.pid !== undefined && claim.host === host && !isProcessAlive(claim.pid)) return 'holder-gone';
  return null;
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

/** Whether a process of this host runs (a claim's holder, a lock's or an intent's writer): the one probe. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
