import type { MemberProfile } from './members';

/** The domain as it lies on disk in ClawTeam's format (camelCase JSON), plus what Lockstep keeps in `metadata`. */

export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'blocked'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Higher is more urgent; used by sorting and claim-next. */
export const PRIORITY_RANK: Record<TaskPriority, number> = { low: 0, medium: 1, high: 2, urgent: 3 };

/** Exactly the fields ClawTeam writes, in its order. Unset strings are "" (ClawTeam's convention), not null. */
export interface Task {
  id: string;
  subject: string;
  description: string;
  status: TaskStatus;
  priority: TaskPriority;
  owner: string;
  lockedBy: string;
  lockedAt: string;
  blocks: string[];
  blockedBy: string[];
  startedAt: string;
  createdAt: string;
  updatedAt: string;
  metadata: Record<string, unknown>;
}

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

/** A task as read: its fields plus `version`, a hash of the file's bytes (changes whenever anybody rewrites it). */
export interface VersionedTask extends Task {
  version: string;
}

/** Lockstep's own bookkeeping lives under `metadata.lockstep`, because ClawTeam drops unknown top-level fields. */
export const LOCKSTEP_META_KEY = 'lockstep';

export interface ClaimInfo {
  /** Agent name; must equal the task's `lockedBy` (and `at` its `lockedAt`) or the record is stale. */
  agent: string;
  at: string;
  /** Fencing number of this claim: every new claim of a task gets a higher one. */
  token: number;
  /** Process that holds the claim, when the claimer named one; with `host`, lets a sweep see it is gone. */
  pid?: number;
  host?: string;
  /** Lease expiry (ClawTeam timestamp); an expired lease may be swept or taken over. */
  leaseUntil?: string;
}

export interface LockstepTaskMeta {
  /** Highest fencing number handed out for this task. */
  fence?: number;
  claim?: ClaimInfo;
}

export interface Member {
  name: string;
  user: string;
  agentId: string;
  agentType: string;
  joinedAt: string;
  /** Lockstep's member profile (role, capabilities, WIP limit); see shared/members.ts. */
  lockstep?: MemberProfile;
}

export interface TeamConfig {
  name: string;
  description: string;
  leadAgentId: string;
  createdAt: string;
  members: Member[];
  budgetCents: number;
}

export interface TeamSummary {
  name: string;
  description: string;
  memberCount: number;
  leader: string;
  counts: Record<TaskStatus, number>;
}

/** A file the store could not read as what it should be; reported, never overwritten. */
export interface FileProblem {
  path: string;
  reason: string;
}

export interface TaskList {
  tasks: VersionedTask[];
  problems: FileProblem[];
}

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
