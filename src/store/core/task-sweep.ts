import type { VersionedTask } from '../../shared/domain';
import type { SweepResult, SweptClaim } from '../../shared/model';
import { InvalidInputError } from '../../shared/errors';
import { claimGoneBecause, clearClaim } from './claims';
import { diagnose, type DiagnoseOptions, type Finding } from './doctor';
import { withVersion } from './task-format';
import type { TeamTransaction } from './transaction';
import { micros, requireTask } from './task-guards';
import { settleBlocked } from './task-deps';

// Sweeping claims whose holder is gone, and applying the stall radar's task fixes.

export interface SweepOptions {
  /** Also release claims older than this, whatever their holder (for claims that carry no pid or lease). */
  olderThanMs?: number;
  host: string;
  isProcessAlive: (pid: number) => boolean;
}

/**
 * Releases claims whose holder is gone. The rule (see README): a claim is released when its lease expired, or when
 * it names a process on this host that no longer runs, or (only if asked) when it is older than `olderThanMs`.
 * Claims that carry neither lease nor pid (ClawTeam's, or a CLI claim without --pid/--lease) are kept. A data folder
 * also removes its writers' old temp files in the same locked call (folder/store-tasks.ts); here none are removed.
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
  return { released, removedTempFiles: [] };
}

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

/**
 * A task finding's fix on either backend, inside the team's lock or transaction: the finding looked up again in the
 * tasks as they are now (NOT_FOUND through `gone` when it no longer holds), then applied.
 */
export function fixFindingNow(
  tx: TeamTransaction,
  findingId: string,
  options: DiagnoseOptions,
  gone: () => Error,
): { fixed: Finding; task: VersionedTask } {
  const { loaded, problems } = tx.allTasks();
  const finding = diagnose(
    loaded.map((l) => l.task),
    problems,
    [],
    options,
  ).find((f) => f.id === findingId);
  if (!finding) throw gone();
  return { fixed: finding, task: fixTaskFinding(tx, finding) };
}
