import { useEffect, useRef } from 'react';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TeamConfig } from '../../../shared/domain';
import { EMPTY_FILTER, STATUS_LABEL, type BoardFilter } from '../board/logic';

interface Props {
  config: TeamConfig;
  owners: string[];
  filter: BoardFilter;
  onFilter(filter: BoardFilter): void;
  searchRef: React.RefObject<HTMLInputElement>;
  radarOpen: boolean;
  onNewTask(): void;
  onAddMember(): void;
  onToggleRadar(): void;
}

/** The team's one-line toolbar: its name, New task, search and filters, + Member, Stall radar. */
export function TeamToolbar({ config, owners, filter, onFilter, searchRef, radarOpen, onNewTask, onAddMember, onToggleRadar }: Props) {
  const filterMenuRef = useRef<HTMLDetailsElement | null>(null);
  // The filter menu closes when the person clicks elsewhere, as menus do.
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const menu = filterMenuRef.current;
      if (menu?.open && !menu.contains(e.target as Node)) menu.open = false;
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, []);
  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const filtering = filter.statuses.length + filter.priorities.length;
  return (
    <header className="team-head">
      <div className="team-title" title={config.description || undefined}>
        <h1>{config.name}</h1>
        {config.description && <p className="muted">{config.description}</p>}
      </div>
      <button type="button" className="primary" onClick={onNewTask} title="New task (N)" aria-keyshortcuts="N">
        New task
      </button>
      <div className="filters" role="search" aria-label="Filter tasks">
        <input
          ref={searchRef}
          type="search"
          aria-label="Search tasks"
          aria-keyshortcuts="/ Control+F"
          placeholder="Search…"
          title="Search tasks (/ or Ctrl+F)"
          value={filter.text}
          onChange={(e) => onFilter({ ...filter, text: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              if (filter.text) onFilter({ ...filter, text: '' });
              else e.currentTarget.blur();
            }
          }}
        />
        <select
          aria-label="Filter by owner or holder"
          value={filter.owner}
          onChange={(e) => onFilter({ ...filter, owner: e.target.value })}
        >
          <option value="">Anyone</option>
          {owners.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
        <details
          className="filter-menu"
          ref={filterMenuRef}
          onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.open && ((e.currentTarget.open = false), e.stopPropagation())}
        >
          <summary title="Filter by status and priority">Filter{filtering ? ` (${filtering})` : ''}</summary>
          <div className="filter-popover">
            <fieldset>
              <legend>Status</legend>
              {TASK_STATUSES.map((s) => (
                <label key={s} className="chip">
                  <input
                    type="checkbox"
                    checked={filter.statuses.includes(s)}
                    onChange={() => onFilter({ ...filter, statuses: toggle(filter.statuses, s) })}
                  />
                  {STATUS_LABEL[s]}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>Priority</legend>
              {TASK_PRIORITIES.map((p: TaskPriority) => (
                <label key={p} className="chip">
                  <input
                    type="checkbox"
                    checked={filter.priorities.includes(p)}
                    onChange={() => onFilter({ ...filter, priorities: toggle(filter.priorities, p) })}
                  />
                  {p}
                </label>
              ))}
            </fieldset>
          </div>
        </details>
        {(filter.text || filter.owner || filtering > 0) && (
          <button type="button" className="link" onClick={() => onFilter(EMPTY_FILTER)}>
            Clear filters
          </button>
        )}
      </div>
      <div className="team-actions-right">
        <button type="button" onClick={onAddMember}>
          + Member
        </button>
        <button type="button" aria-pressed={radarOpen} onClick={onToggleRadar}>
          Stall radar
        </button>
      </div>
    </header>
  );
}
