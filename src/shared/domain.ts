import type { Member, TaskPriority, TaskStatus, TeamConfig, Task } from './model';

/**
 * The domain as it lies on disk in ClawTeam's format (camelCase JSON), plus what Lockstep keeps in `metadata`: the
 * types come from their schemas in model.ts (re-exported here for the many files that import them from here), and
 * beside them the rules of the domain that are no shape: ranks, field order, ClawTeam's leader and inbox names.
 */

export { TASK_PRIORITIES, TASK_STATUSES } from './model';
export type {
  ClaimInfo,
  FileProblem,
  LockstepTaskMeta,
  Member,
  StatusCounts,
  Task,
  TaskList,
  TaskPriority,
  TaskStatus,
  TeamConfig,
  TeamSummary,
  VersionedTask,
} from './model';

/** Higher is more urgent; used by sorting and claim-next. */
export const PRIORITY_RANK: Record<TaskPriority, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

/** Exactly the fields ClawTeam writes, in its order. */
export const TASK_FIELDS = [
  'id',
  'subject',
  'description',
  'status',
  'priority',
  'owner',
  'lockedBy',
  'lockedAt',
  'blocks',
  'blockedBy',
  'startedAt',
  'createdAt',
  'updatedAt',
  'metadata',
] as const satisfies readonly (keyof Task)[];

/** Lockstep's own bookkeeping lives under `metadata.lockstep`, because ClawTeam drops unknown top-level fields. */
export const LOCKSTEP_META_KEY = 'lockstep';

export function emptyCounts(): Record<TaskStatus, number> {
  return { pending: 0, in_progress: 0, completed: 0, blocked: 0 };
}

/** ClawTeam's rule: the leader is the member whose agentId equals leadAgentId, else the first member. */
export function leaderOf(config: TeamConfig): Member | undefined {
  return config.members.find((m) => m.agentId === config.leadAgentId) ?? config.members[0];
}

/** ClawTeam's inbox folder name for a member. */
export function inboxName(member: Pick<Member, 'name' | 'user'>): string {
  return member.user ? `${member.user}_${member.name}` : member.name;
}
