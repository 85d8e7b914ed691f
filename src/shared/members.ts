import type { Member, MemberProfile, Task } from './model';

/**
 * What Lockstep knows about a member beyond ClawTeam's fields (a role, capability tags and a work-in-progress limit:
 * MemberProfile, model.ts), and what follows from it.
 */
export type { MemberProfile } from './model';

export const REQUIRES_META_KEY = 'requires';

export function memberProfile(member: Member & { lockstep?: unknown }): MemberProfile {
  const raw = member.lockstep;
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as MemberProfile) : {};
}

/** The capability tags a task asks for (`metadata.requires`), normalised. */
export function requiredTags(task: Pick<Task, 'metadata'>): string[] {
  const raw = task.metadata[REQUIRES_META_KEY];
  if (Array.isArray(raw)) return raw.filter((t): t is string => typeof t === 'string' && t.length > 0);
  if (typeof raw === 'string' && raw)
    return raw
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  return [];
}

export type Availability = { available: true } | { available: false; reason: string };

/**
 * Whether `member` may take `task`: it must have every tag the task requires, and be below its work-in-progress
 * limit (tasks it holds in progress, not counting this one). Used by the board while dragging and by claim-next.
 */
export function memberAvailability(
  member: Member & { lockstep?: unknown },
  task: Pick<Task, 'id' | 'metadata'>,
  tasks: ReadonlyArray<Pick<Task, 'id' | 'status' | 'lockedBy'>>,
): Availability {
  const profile = memberProfile(member);
  const have = new Set(profile.capabilities ?? []);
  const missing = requiredTags(task).filter((t) => !have.has(t));
  if (missing.length > 0) {
    return { available: false, reason: `${member.name} lacks ${missing.join(', ')}` };
  }
  if (profile.wipLimit !== undefined) {
    const holding = tasks.filter((t) => t.id !== task.id && t.status === 'in_progress' && t.lockedBy === member.name).length;
    if (holding >= profile.wipLimit) {
      return { available: false, reason: `${member.name} is at the work-in-progress limit (${holding}/${profile.wipLimit})` };
    }
  }
  return { available: true };
}
