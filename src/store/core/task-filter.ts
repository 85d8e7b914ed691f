import { PRIORITY_RANK, type VersionedTask } from '../../shared/domain';
import type { taskFilterSchema } from '../../shared/schemas';
import { parseTimestamp } from '../../shared/time';
import type { z } from 'zod';
import { withVersion, type LoadedTask } from './task-format';

/**
 * The tasks a listing asks for, as both backends list them: those the (parsed) filter keeps, most urgent first,
 * then oldest, then by id.
 */
export function selectTasks(loaded: LoadedTask[], f: z.output<typeof taskFilterSchema>): VersionedTask[] {
  const text = f.text?.toLowerCase();
  return loaded
    .map(withVersion)
    .filter(
      (t) =>
        (!f.status || f.status.includes(t.status)) &&
        (!f.priority || f.priority.includes(t.priority)) &&
        (f.owner === undefined || t.owner === f.owner) &&
        (f.lockedBy === undefined || t.lockedBy === f.lockedBy) &&
        (!text || `${t.id} ${t.subject} ${t.description}`.toLowerCase().includes(text)),
    )
    .sort(
      (a, b) =>
        PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
        (parseTimestamp(a.createdAt) ?? 0) - (parseTimestamp(b.createdAt) ?? 0) ||
        a.id.localeCompare(b.id),
    );
}
