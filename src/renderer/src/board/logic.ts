import { PRIORITY_RANK, TASK_STATUSES, type TaskPriority, type TaskStatus, type VersionedTask } from '../../../shared/domain';
import { currentClaim } from '../../../shared/claims';
import { describeAge, parseTimestamp } from '../../../shared/time';

/** Pure board logic: grouping, filtering, ordering, claim details. Tested without a DOM. */

export interface BoardFilter {
  text: string;
  owner: string;
  statuses: TaskStatus[];
  priorities: TaskPriority[];
}

export const EMPTY_FILTER: BoardFilter = { text: '', owner: '', statuses: [], priorities: [] };

export const STATUS_LABEL: Record<TaskStatus, string> = {
  pending: 'Pending',
  in_progress: 'In progress',
  blocked: 'Blocked',
  completed: 'Completed',
};

/** Column order on the board. */
export const COLUMNS: TaskStatus[] = ['pending', 'in_progress', 'blocked', 'completed'];

export function matchesFilter(task: VersionedTask, filter: BoardFilter): boolean {
  if (filter.statuses.length && !filter.statuses.includes(task.status)) return false;
  if (filter.priorities.length && !filter.priorities.includes(task.priority)) return false;
  if (filter.owner && task.owner !== filter.owner && task.lockedBy !== filter.owner) return false;
  const text = filter.text.trim().toLowerCase();
  if (text && !`${task.id} ${task.subject} ${task.description}`.toLowerCase().includes(text)) return false;
  return true;
}

// Parsed once per task object (tasks are replaced, never mutated): sorting a 10,000-task board stays cheap.
const createdCache = new WeakMap<VersionedTask, number>();
function createdOf(task: VersionedTask): number {
  let value = createdCache.get(task);
  if (value === undefined) createdCache.set(task, (value = parseTimestamp(task.createdAt) ?? 0));
  return value;
}

export function compareTasks(a: VersionedTask, b: VersionedTask): number {
  return PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || createdOf(a) - createdOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function groupByStatus(tasks: Iterable<VersionedTask>, filter: BoardFilter = EMPTY_FILTER): Record<TaskStatus, VersionedTask[]> {
  const groups = Object.fromEntries(TASK_STATUSES.map((s) => [s, [] as VersionedTask[]])) as Record<TaskStatus, VersionedTask[]>;
  for (const task of tasks) if (matchesFilter(task, filter)) groups[task.status].push(task);
  for (const status of TASK_STATUSES) groups[status].sort(compareTasks);
  return groups;
}

export interface MemberStats {
  owned: number;
  held: number;
}

export function memberStats(tasks: Iterable<VersionedTask>): Map<string, MemberStats> {
  const stats = new Map<string, MemberStats>();
  const get = (name: string) => {
    let s = stats.get(name);
    if (!s) stats.set(name, (s = { owned: 0, held: 0 }));
    return s;
  };
  for (const t of tasks) {
    if (t.owner && t.status !== 'completed') get(t.owner).owned++;
    if (t.lockedBy) get(t.lockedBy).held++;
  }
  return stats;
}

export interface ClaimView {
  holder: string;
  since: string;
  /** When the claim was made (epoch ms), for the exact time on hover. */
  sinceMs?: number;
  age: string;
  token?: number;
  leaseUntilMs?: number;
}

/** The claim as the card shows it: holder, since when, and the lease (when the claim record still applies). */
export function claimView(task: VersionedTask, nowMs: number): ClaimView | null {
  if (!task.lockedBy) return null;
  const since = parseTimestamp(task.lockedAt);
  const view: ClaimView = {
    holder: task.lockedBy,
    since: task.lockedAt,
    age: since === null ? '' : describeAge(since, nowMs * 1000),
  };
  if (since !== null) view.sinceMs = since / 1000;
  const claim = currentClaim(task);
  if (claim) {
    if (Number.isSafeInteger(claim.token)) view.token = claim.token; // a token no writer could have meant is not shown
    const until = parseTimestamp(claim.leaseUntil);
    if (until !== null) view.leaseUntilMs = until / 1000;
  }
  return view;
}

/** "4:59 left" / "expired 12 s ago". */
export function leaseLabel(leaseUntilMs: number, nowMs: number): string {
  const left = Math.round((leaseUntilMs - nowMs) / 1000);
  if (left <= 0) return `time ran out ${describeAge(leaseUntilMs * 1000, nowMs * 1000)}`;
  const m = Math.floor(left / 60);
  const s = left % 60;
  return `${m}:${String(s).padStart(2, '0')} left to finish`;
}
