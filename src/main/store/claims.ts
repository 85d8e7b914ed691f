import { lockstepMeta } from '../../shared/claims';
import { LOCKSTEP_META_KEY, type LockstepTaskMeta, type Task } from '../../shared/domain';

/** The store's changes to a task's claim record. What a record means (shared with the CLI and board): shared/claims.ts. */
export { currentClaim, leaseExpired, lockstepMeta } from '../../shared/claims';

export function setLockstepMeta(task: Task, meta: LockstepTaskMeta): void {
  task.metadata[LOCKSTEP_META_KEY] = meta;
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
