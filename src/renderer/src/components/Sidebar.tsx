import { useState } from 'react';
import type { TeamSummary } from '../../../shared/domain';
import { CreateTeamDialog, DeleteTeamDialog, RenameTeamDialog } from './SidebarDialogs';
import { agentsUseHint } from '../state/names';

interface Props {
  teams: TeamSummary[];
  selected: string | null;
  onSelect(name: string): void;
  /** On a database: a deleted team goes to the database's trash (the confirmation says so). */
  onDatabase?: boolean;
  onCreate(name: string, description: string, displayName?: string): Promise<boolean>;
  onRename(name: string, newName: string): Promise<boolean>;
  onDelete(name: string): void;
  /** New team from template… (running agents). */
  onFromTemplate?(): void;
}

export function Sidebar({ teams, selected, onSelect, onCreate, onRename, onDelete, onDatabase = false, onFromTemplate }: Props) {
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<TeamSummary | null>(null);
  return (
    <nav className="sidebar" aria-label="Teams">
      <header className="sidebar-head">
        <h2>Teams</h2>
        <button type="button" onClick={() => setCreating(true)} aria-label="Create a team">
          + Team
        </button>
      </header>
      {onFromTemplate && (
        <button
          type="button"
          className="link-button sidebar-template"
          onClick={onFromTemplate}
          data-testid="team-from-template"
          aria-label="New team from template…"
        >
          New from template…
        </button>
      )}
      <ul className="team-list" data-testid="team-list">
        {teams.map((t) => {
          const total = t.counts.pending + t.counts.in_progress + t.counts.blocked + t.counts.completed;
          return (
            <li key={t.name} className={t.name === selected ? 'active' : ''}>
              <button
                type="button"
                className="team-item"
                data-testid={`team-item-${t.name}`}
                aria-current={t.name === selected ? 'page' : undefined}
                onClick={() => onSelect(t.name)}
              >
                <span className="team-name" title={agentsUseHint(t.name, t.displayName ?? t.name)}>
                  {t.displayName ?? t.name}
                </span>
                <span
                  className="counts"
                  aria-label={`${t.counts.pending} pending, ${t.counts.in_progress} in progress, ${t.counts.blocked} blocked, ${t.counts.completed} completed`}
                >
                  <span className="c pending">{t.counts.pending}</span>
                  <span className="c in_progress">{t.counts.in_progress}</span>
                  <span className="c blocked">{t.counts.blocked}</span>
                  <span className="c completed">{t.counts.completed}</span>
                  <span className="muted">/{total}</span>
                </span>
              </button>
              {t.name === selected && (
                <div className="team-actions">
                  <button type="button" className="link" onClick={() => setRenaming(t.name)}>
                    Rename
                  </button>
                  <button type="button" className="link danger" onClick={() => setDeleting(t)}>
                    Delete
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {creating && <CreateTeamDialog teams={teams} onCreate={onCreate} onClose={() => setCreating(false)} />}
      {renaming && <RenameTeamDialog team={renaming} teams={teams} onRename={onRename} onClose={() => setRenaming(null)} />}
      {deleting && <DeleteTeamDialog team={deleting} onDatabase={onDatabase} onDelete={onDelete} onClose={() => setDeleting(null)} />}
    </nav>
  );
}
