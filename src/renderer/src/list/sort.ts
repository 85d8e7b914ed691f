import { PRIORITY_RANK, type VersionedTask } from '../../../shared/domain';
import { parseTimestamp } from '../../../shared/time';
import { COLUMNS, matchesFilter, type BoardFilter } from '../board/logic';

/** The list view's columns a person can sort by. */
export type SortKey = 'subject' | 'status' | 'priority' | 'owner' | 'updated';
export interface Sort {
  key: SortKey;
  descending: boolean;
}

const STATUS_RANK = Object.fromEntries(COLUMNS.map((s, i) => [s, i])) as Record<VersionedTask['status'], number>;
const text = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareBy(key: SortKey, a: VersionedTask, b: VersionedTask): number {
  switch (key) {
    case 'subject':
      return text.compare(a.subject, b.subject);
    case 'status':
      return STATUS_RANK[a.status] - STATUS_RANK[b.status];
    case 'priority':
      return PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
    case 'owner':
      // Unassigned last, whatever the direction of the names.
      return a.owner && b.owner ? text.compare(a.owner, b.owner) : a.owner ? -1 : b.owner ? 1 : 0;
    case 'updated':
      return (parseTimestamp(a.updatedAt) ?? 0) - (parseTimestamp(b.updatedAt) ?? 0);
  }
}

/** The tasks the list shows: filtered as the board is, sorted by one column (ties by subject, then id: stable). */
export function listRows(tasks: Iterable<VersionedTask>, filter: BoardFilter, sort: Sort): VersionedTask[] {
  const rows: VersionedTask[] = [];
  for (const t of tasks) if (matchesFilter(t, filter)) rows.push(t);
  const sign = sort.descending ? -1 : 1;
  return rows.sort(
    (a, b) => sign * compareBy(sort.key, a, b) || text.compare(a.subject, b.subject) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
