import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { VersionedTask } from '../../../shared/domain';
import { STATUS_LABEL } from '../board/logic';
import { Ago } from '../components/Ago';
import type { Sort, SortKey } from './sort';
import { useMemberLabel } from '../state/names';

const ROW = 34;
const COLUMNS: Array<{ key: SortKey; label: string }> = [
  { key: 'subject', label: 'Task' },
  { key: 'status', label: 'Status' },
  { key: 'priority', label: 'Priority' },
  { key: 'owner', label: 'Assigned to' },
  { key: 'updated', label: 'Changed' },
];

interface Props {
  rows: VersionedTask[];
  sort: Sort;
  onSort(sort: Sort): void;
  chosen: ReadonlySet<string>;
  /** A checkbox clicked; `range` with Shift: everything from the last one clicked to this one. */
  onChoose(id: string, range: boolean): void;
  onChooseAll(all: boolean): void;
  onOpen(id: string): void;
}

/**
 * A team's tasks as a table: sortable by each column (click its head; again for the other way), one checkbox per row
 * (Shift+click chooses a range), the subject opens the task. Only the rows on screen are drawn, so 10,000 tasks
 * scroll smoothly.
 */
export function TaskTable({ rows, sort, onSort, chosen, onChoose, onChooseAll, onOpen }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const label = useMemberLabel();
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW,
    overscan: 12,
  });
  const allChosen = rows.length > 0 && rows.every((r) => chosen.has(r.id));
  return (
    <div className="task-table" role="table" aria-label="Tasks" aria-rowcount={rows.length + 1} data-testid="task-table">
      <div className="tt-row tt-head" role="row">
        <span className="tt-check" role="columnheader">
          <input
            type="checkbox"
            aria-label={allChosen ? 'Choose none' : `Choose all ${rows.length} shown`}
            checked={allChosen}
            onChange={(e) => onChooseAll(e.target.checked)}
          />
        </span>
        {COLUMNS.map((c) => (
          <span
            key={c.key}
            className={`tt-${c.key}`}
            role="columnheader"
            aria-sort={sort.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
          >
            <button
              type="button"
              className="tt-sort"
              onClick={() => onSort({ key: c.key, descending: sort.key === c.key ? !sort.descending : false })}
            >
              {c.label}
              <span aria-hidden="true">{sort.key === c.key ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
            </button>
          </span>
        ))}
      </div>
      <div className="tt-body" ref={scrollRef} data-testid="task-table-body">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const t = rows[v.index];
            return (
              <div
                key={t.id}
                className={`tt-row${chosen.has(t.id) ? ' chosen' : ''}`}
                role="row"
                aria-rowindex={v.index + 2}
                data-testid={`task-row-${t.id}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${v.start}px)` }}
              >
                <span className="tt-check" role="cell">
                  <input
                    type="checkbox"
                    aria-label={`Choose "${t.subject}"`}
                    checked={chosen.has(t.id)}
                    onChange={() => undefined}
                    onClick={(e) => onChoose(t.id, e.shiftKey)}
                  />
                </span>
                <span className="tt-subject" role="cell">
                  <button type="button" className="link" title={`${t.subject} (id ${t.id})`} onClick={() => onOpen(t.id)}>
                    {t.subject}
                  </button>
                </span>
                <span className={`tt-status status-${t.status}`} role="cell">
                  {STATUS_LABEL[t.status]}
                </span>
                <span className="tt-priority" role="cell">
                  <span className={`badge priority ${t.priority}`}>{t.priority}</span>
                </span>
                <span className="tt-owner" role="cell">
                  {t.owner ? label(t.owner) : <span className="muted">nobody</span>}
                </span>
                <span className="tt-updated muted" role="cell">
                  <Ago at={t.updatedAt} />
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
