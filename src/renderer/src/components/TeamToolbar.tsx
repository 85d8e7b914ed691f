import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TeamConfig } from '../../../shared/domain';
import { EMPTY_FILTER, STATUS_LABEL, type BoardFilter } from '../board/logic';
import { PopMenu } from './PopMenu';
import { agentsUseHint, useMemberLabel, useTeamLabel } from '../state/names';

export type TeamLayout = 'board' | 'list';
export type Density = 'comfortable' | 'compact';

interface Props {
  config: TeamConfig;
  owners: string[];
  filter: BoardFilter;
  onFilter(filter: BoardFilter): void;
  searchRef: React.RefObject<HTMLInputElement>;
  radarOpen: boolean;
  /** The stall radar's findings (null: not looked yet): its button carries the count. */
  stallCount: number | null;
  layout: TeamLayout;
  onLayout(layout: TeamLayout): void;
  density: Density;
  onDensity(density: Density): void;
  onNewTask(): void;
  onAddMember(): void;
  onToggleRadar(): void;
}

/**
 * The team's one-line toolbar: its name, New task, search and filters, the board/list switch, + Member, Stall radar
 * in line; card density in "More". When the line has no room (window.css: container queries), + Member, Stall radar
 * and then the board/list switch fold into "More" too.
 */
export function TeamToolbar(props: Props) {
  const { config, owners, filter, onFilter, searchRef, onNewTask } = props;
  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const filtering = filter.statuses.length + filter.priorities.length;
  const teamLabel = useTeamLabel();
  const memberLabel = useMemberLabel();
  return (
    <header className="team-head">
      <div
        className="team-title"
        title={[teamLabel(config.name), config.description, agentsUseHint(config.name, teamLabel(config.name))].filter(Boolean).join(': ')}
      >
        <h1>{teamLabel(config.name)}</h1>
        {teamLabel(config.name) !== config.name ? (
          <p className="muted agents-use" data-testid="team-agents-use">
            agents use: <code>{config.name}</code>
            {config.description ? ` · ${config.description}` : ''}
          </p>
        ) : (
          config.description && <p className="muted">{config.description}</p>
        )}
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
              {memberLabel(o)}
            </option>
          ))}
        </select>
        <PopMenu className="filter-menu" label={`Filter${filtering ? ` (${filtering})` : ''}`} title="Filter by status and priority">
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
        </PopMenu>
        {(filter.text || filter.owner || filtering > 0) && (
          <button type="button" className="link clear-filters" onClick={() => onFilter(EMPTY_FILTER)}>
            Clear filters
          </button>
        )}
      </div>
      <LayoutSwitch {...props} className="fold-narrow" />
      <div className="team-actions-right fold-wide">
        <Actions {...props} />
      </div>
      <PopMenu className="more-menu" label="More" title="More team actions" testId="toolbar-more">
        <LayoutSwitch {...props} className="in-menu" />
        <div className="folded-actions">
          <Actions {...props} />
        </div>
        <button
          type="button"
          aria-pressed={props.density === 'compact'}
          onClick={() => props.onDensity(props.density === 'compact' ? 'comfortable' : 'compact')}
          title="Smaller cards: more of them on screen"
        >
          Compact cards
        </button>
      </PopMenu>
    </header>
  );
}

function LayoutSwitch({ layout, onLayout, className }: Props & { className: string }) {
  return (
    <div className={`segmented ${className}`} role="group" aria-label="Show tasks as">
      <button type="button" aria-pressed={layout === 'board'} onClick={() => onLayout('board')}>
        Board
      </button>
      <button type="button" aria-pressed={layout === 'list'} onClick={() => onLayout('list')}>
        List
      </button>
    </div>
  );
}

function Actions({ radarOpen, stallCount, onAddMember, onToggleRadar }: Props) {
  return (
    <>
      <button type="button" onClick={onAddMember}>
        + Member
      </button>
      <button type="button" aria-pressed={radarOpen} onClick={onToggleRadar} className={stallCount ? 'has-stalls' : undefined}>
        Stall radar{stallCount ? ` (${stallCount})` : ''}
      </button>
    </>
  );
}
