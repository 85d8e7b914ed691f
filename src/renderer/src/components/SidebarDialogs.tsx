import { useState } from 'react';
import type { TeamSummary } from '../../../shared/domain';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog } from './Dialog';
import { Field, nameInputProblem } from './Field';

/** "+ Team": a name (checked as it is typed: allowed characters, not taken) and an optional description. */
export function CreateTeamDialog({
  taken,
  onCreate,
  onClose,
}: {
  taken: string[];
  onCreate(name: string, description: string): Promise<boolean>;
  onClose(): void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  // The problem shows once the person has typed; the button says why it is disabled from the start.
  const problem = nameInputProblem(name, 'team', taken);
  return (
    <Dialog
      title="Create a team"
      onClose={onClose}
      actions={
        <>
          {problem && !name && <span className="why-disabled">{problem}</span>}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={Boolean(problem)}
            title={problem ?? undefined}
            onClick={async () => {
              if (await onCreate(name.trim(), description)) onClose();
            }}
          >
            Create
          </button>
        </>
      }
    >
      <Field label="Name" problem={name ? problem : null} hint={name ? undefined : 'Letters, digits, ".", "_" or "-"; no spaces.'}>
        {(props) => <input {...props} autoFocus value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Description (optional)">
        {(props) => <input {...props} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
    </Dialog>
  );
}

/** Rename: the new name, and what it means for agents started with the old one. */
export function RenameTeamDialog({
  team,
  taken,
  onRename,
  onClose,
}: {
  team: string;
  taken: string[];
  onRename(name: string, newName: string): Promise<boolean>;
  onClose(): void;
}) {
  const [newName, setNewName] = useState(team);
  const problem = newName === team ? 'Type the new name.' : nameInputProblem(newName, 'team', taken);
  return (
    <Dialog
      title={`Rename team ${team}`}
      onClose={onClose}
      actions={
        <>
          {problem && newName === team && <span className="why-disabled">{problem}</span>}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={Boolean(problem)}
            title={problem ?? undefined}
            onClick={async () => {
              if (await onRename(team, newName.trim())) onClose();
            }}
          >
            Rename
          </button>
        </>
      }
    >
      <Field label="New name" problem={newName !== team ? problem : null}>
        {(props) => <input {...props} autoFocus value={newName} maxLength={64} onChange={(e) => setNewName(e.target.value)} />}
      </Field>
      <p className="dialog-note" data-testid="rename-warning">
        Agents started with the name <strong>{team}</strong> keep using it: their commands (for example{' '}
        <code>lockstep task claim {team} --next</code>) fail until they are given the new name.
      </p>
    </Dialog>
  );
}

/** Delete asks first, saying how many tasks go with the team, where they go, and that Ctrl+Z brings them back. */
export function DeleteTeamDialog({
  team,
  onDatabase,
  onDelete,
  onClose,
}: {
  team: TeamSummary;
  onDatabase: boolean;
  onDelete(name: string): void;
  onClose(): void;
}) {
  return (
    <ConfirmDialog
      title={`Delete team ${team.name}?`}
      confirmLabel="Delete the team"
      cancelLabel="Keep it"
      onCancel={onClose}
      onConfirm={() => {
        onDelete(team.name);
        onClose();
      }}
    >
      <p>
        Team <strong>{team.name}</strong> {taskWords(team.counts)} will be deleted from
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
  );
}

/** "and all its 5 tasks", "and its one task", "(it has no tasks)": never "all its 0 tasks". */
function taskWords(c: { pending: number; in_progress: number; blocked: number; completed: number }): string {
  const n = c.pending + c.in_progress + c.blocked + c.completed;
  return n === 0 ? '(it has no tasks)' : n === 1 ? 'and its one task' : `and all its ${n.toLocaleString('en-US')} tasks`;
}
