import { useState } from 'react';
import type { TeamSummary } from '../../../shared/domain';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog } from './Dialog';
import { Field, nameInputProblem } from './Field';
import { NameField, typedName } from './NameField';
import { agentsUseHint } from '../state/names';
import { displayNameProblem, nameProblem } from '../../../shared/names';

interface Props {
  teams: TeamSummary[];
  selected: string | null;
  onSelect(name: string): void;
  /** On a database: a deleted team goes to the database's trash (the confirmation says so). */
  onDatabase?: boolean;
  onCreate(name: string, description: string, displayName?: string): Promise<boolean>;
  onRename(name: string, newName: string): Promise<boolean>;
  onDelete(name: string): void;
  /** New team from template… (running agents, issue 25). */
  onFromTemplate?(): void;
}

export function Sidebar({ teams, selected, onSelect, onCreate, onRename, onDelete, onDatabase = false, onFromTemplate }: Props) {
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [renaming, setRenaming] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const [deleting, setDeleting] = useState<TeamSummary | null>(null);
  const taken = teams.map((t) => t.name);
  // The problem shows once the person has typed; the button says why it is disabled from the start.
  const typed = typedName(
    name,
    'team',
    taken,
    teams.map((t) => t.displayName ?? t.name),
  );
  const createProblem = typed.problem;
  const label = (t: TeamSummary) => t.displayName ?? t.name;
  const renamingTeam = teams.find((t) => t.name === renaming);
  // A name with spaces changes what people see (agents keep the short name); a safe name renames the team.
  const renamesShown = renaming !== null && newName.trim() !== '' && nameProblem(newName.trim(), 'team') !== null;
  const renameProblem =
    renaming === null
      ? null
      : newName === renaming || (renamingTeam?.displayName && newName.trim() === renamingTeam.displayName)
        ? 'Type the new name.'
        : renamesShown
          ? displayNameProblem(newName)
          : nameInputProblem(newName, 'team', taken);
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
                <span className="team-name" title={agentsUseHint(t.name, label(t))}>
                  {label(t)}
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
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      setRenaming(t.name);
                      setNewName(t.displayName ?? t.name);
                    }}
                  >
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
      {creating && (
        <Dialog
          title="Create a team"
          onClose={() => setCreating(false)}
          actions={
            <>
              {createProblem && !name && <span className="why-disabled">{createProblem}</span>}
              <button type="button" onClick={() => setCreating(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="primary"
                disabled={Boolean(createProblem)}
                title={createProblem ?? undefined}
                onClick={async () => {
                  if (await onCreate(typed.name, description, typed.displayName)) {
                    setCreating(false);
                    setName('');
                    setDescription('');
                  }
                }}
              >
                Create
              </button>
            </>
          }
        >
          <NameField
            label="Name"
            value={name}
            onChange={setName}
            typed={typed}
            hint='What people call it, for example "Marketing Launch"; agents get a short name made from it.'
          />
          <Field label="Description (optional)">
            {(props) => <input {...props} value={description} onChange={(e) => setDescription(e.target.value)} />}
          </Field>
        </Dialog>
      )}
      {renaming && (
        <Dialog
          title={`Rename team ${teams.find((t) => t.name === renaming)?.displayName ?? renaming}`}
          onClose={() => setRenaming(null)}
          actions={
            <>
              {renameProblem && renameProblem === 'Type the new name.' && <span className="why-disabled">{renameProblem}</span>}
              <button type="button" onClick={() => setRenaming(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="primary"
                disabled={Boolean(renameProblem)}
                title={renameProblem ?? undefined}
                onClick={async () => {
                  if (await onRename(renaming, newName.trim())) setRenaming(null);
                }}
              >
                Rename
              </button>
            </>
          }
        >
          <Field label="New name" problem={renameProblem !== 'Type the new name.' ? renameProblem : null}>
            {(props) => <input {...props} autoFocus value={newName} maxLength={64} onChange={(e) => setNewName(e.target.value)} />}
          </Field>
          {renamesShown && !renameProblem ? (
            <p className="dialog-note" data-testid="rename-shown">
              People will see <strong>{newName.trim()}</strong>; agents keep using <code>{renaming}</code>, so nothing of theirs breaks.
            </p>
          ) : (
            <p className="dialog-note" data-testid="rename-warning">
              Agents started with the name <strong>{renaming}</strong> keep using it: their commands (for example{' '}
              <code>lockstep task claim {renaming} --next</code>) fail until they are given the new name.
            </p>
          )}
        </Dialog>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete team ${label(deleting)}?`}
          confirmLabel="Delete the team"
          cancelLabel="Keep it"
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            onDelete(deleting.name);
            setDeleting(null);
          }}
        >
          <p>
            Team <strong>{label(deleting)}</strong> {taskWords(deleting.counts)} will be deleted from
            {onDatabase ? (
              <>
                {' '}
                the database (into its trash, with their history, messages and costs). Agents working on them will lose their tasks. You can
                undo this right after (Ctrl+Z).
              </>
            ) : (
              <> the data folder (into its trash). Agents working on them will lose their tasks. You can undo this right after (Ctrl+Z).</>
            )}
          </p>
        </ConfirmDialog>
      )}
    </nav>
  );
}

/** "and all its 5 tasks", "and its one task", "(it has no tasks)": never "all its 0 tasks". */
function taskWords(c: { pending: number; in_progress: number; blocked: number; completed: number }): string {
  const n = c.pending + c.in_progress + c.blocked + c.completed;
  return n === 0 ? '(it has no tasks)' : n === 1 ? 'and its one task' : `and all its ${n.toLocaleString('en-US')} tasks`;
}
