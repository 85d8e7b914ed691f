import * as fs from 'fs';
import { teamNotFound } from '../../shared/errors';
import { hasPendingIntent } from './intent';
import { acquireTeamLock, type HeldTeamLock } from './team-lock';
import type { MutationInfo } from '../core/transaction';
import { TeamCommitter, type DirectMutation, type QueuedJob, type TaskMutation } from './team-commit';

export type { FolderTransaction } from './team-batch';
export type { DirectMutation, TaskMutation, WriterOptions } from './team-commit';

const MAX_BATCH = 64;

/**
 * Serializes one team's mutations: same-process callers queue here before the file lock (proper-lockfile is not
 * reentrant), and the mutations queued while the lock was busy run together in one locked batch: one lock, one
 * read of each file, one write of each changed file. Each mutation still sees the effects of those before it and
 * fails alone: a throwing mutation's staged changes are discarded.
 */
export class TeamWriter extends TeamCommitter {
  private readonly queue: QueuedJob[] = [];
  private draining = false;

  mutate<T>(info: MutationInfo, mutation: TaskMutation<T>): Promise<T> {
    return this.enqueue('task', info, mutation);
  }

  /** `createFolder`: make the team's task folder first (creating a team); otherwise a missing team is NOT_FOUND. */
  mutateDirect<T>(info: MutationInfo, mutation: DirectMutation<T>, createFolder = false): Promise<T> {
    return this.enqueue('direct', info, mutation, createFolder);
  }

  private enqueue<T>(kind: QueuedJob['kind'], info: MutationInfo, run: QueuedJob['run'], createFolder = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, info, run, createFolder, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        await this.runBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): QueuedJob[] {
    const alone = (job: QueuedJob) => job.kind === 'direct' || job.info.solo === true;
    if (alone(this.queue[0])) return this.queue.splice(0, 1);
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH && !alone(this.queue[n])) n++;
    return this.queue.splice(0, n);
  }

  /** For readers: completes an interrupted change now, under the lock, so they see the whole of it. */
  async recoverPending(): Promise<void> {
    if (!hasPendingIntent(this.paths.lockstepDir(this.team))) return;
    await this.mutateDirect({ op: 'store.recover', actor: 'lockstep', via: 'api' }, () => undefined);
  }

  private async runBatch(jobs: QueuedJob[]): Promise<void> {
    let lock: HeldTeamLock;
    try {
      this.ensureTaskFolder(jobs[0].createFolder);
      lock = await acquireTeamLock(this.team, this.paths.writeLock(this.team), this.options.lock, this.kernelLocks());
    } catch (err) {
      // The team was deleted or renamed while we waited for its lock: its lock files went with it.
      const gone = (err as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(this.paths.lockstepDir(this.team));
      const reported = gone ? teamNotFound(this.team) : err;
      for (const job of jobs) job.reject(reported);
      return;
    }
    let settle: (() => void) | null = null;
    let syncAfterRelease: (() => void) | null = null;
    try {
      try {
        this.recover();
      } catch (err) {
        for (const job of jobs) job.reject(err);
        return;
      }
      if (jobs[0].kind === 'direct') {
        const settleDirect = await this.runDirect(jobs[0], lock);
        settleDirect();
        return;
      }
      ({ settle, syncAfterRelease } = this.runTasks(jobs, lock));
    } finally {
      await lock.release();
    }
    // The folder fsync that makes a single rename durable runs after the lock is released (others need not wait for
    // it), but before the callers hear it was saved. Every task file is in this one folder, so a later writer's
    // fsync of it, needed for its own success, covers this rename too.
    syncAfterRelease?.();
    settle?.();
  }
}
