import type { TaskPriority, TaskStatus, VersionedTask } from '../../../../shared/domain';

/** What the task panel can do (useTeamWrites gives it). */
export interface DetailActions {
  save(
    task: VersionedTask,
    patch: {
      subject?: string;
      description?: string;
      priority?: TaskPriority;
      owner?: string;
      status?: TaskStatus;
      metadata?: Record<string, unknown>;
    },
  ): void;
  addBlocker(task: VersionedTask, blockerId: string): void;
  removeBlocker(task: VersionedTask, blockerId: string): void;
  claim(task: VersionedTask): void;
  release(task: VersionedTask): void;
  forceRelease(task: VersionedTask, reason: string): void;
  complete(task: VersionedTask): void;
  remove(task: VersionedTask): void;
  close(): void;
}
