import { useState } from 'react';
import type { TeamSummary } from '../../../shared/domain';
import { ConfirmDialog } from './ConfirmDialog';
import { Dialog, FormActions } from './Dialog';
import { Field, nameInputProblem } from './Field';
import { NameField, typedName } from './NameField';
import { displayNameProblem, nameProblem } from '../../../shared/names';

/**
 * "+ Team": a name (checked as it is typed: not taken; a name with spaces gets a short name agents use, shown live)
 * and an optional description.
 */
export function CreateTeamDialog({
  teams,
  onCreate,
  onClose,
}: {
  teams: TeamSummary[];
  onCreate(name: string, description: string, displayName?: string): Promise<boolean>;
  onClose(): void;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  // The problem shows once the person has typed; the button says why it is disabled from the start.
  const typed = typedName(
    name,
    'team',
    teams.map((t) => t.name),
    teams.map((t) => t.displayName ?? t.name),
  );
  const problem = typed.problem;
  return (
    <Dialog
      title="Create a team"
      onClose={onClose}
      actions={
        <FormActions
          label="Create"
          problem={problem}
          explain={!name}
          onCancel={onClose}
          onSubmit={async () => {
            if (await onCreate(typed.name, description, typed.displayName)) onClose();
          }}
        />
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
  );
}

/**
 * Rename: the new name, and what it means for agents started with the old one. A name with spaces changes only what
 * people see (agents keep the short name); a safe name renames the team.
 */
export function RenameTeamDialog({
  team,
  teams,
  onRename,
  onClose,
}: {
  team: string;
  teams: TeamSummary[];
  onRename(name: string, newName: string): Promise<boolean>;
  onClose(): void;
}) {
  const shown = teams.find((t) => t.name === team)?.displayName;
  const [newName, setNewName] = useState(shown ?? team);
  const renamesShown = newName.trim() !== '' && nameProblem(newName.trim(), 'team') !== null;
  const unchanged = newName === team || (shown !== undefined && newName.trim() === shown);
  const problem = unchanged
    ? 'Type the new name.'
    : renamesShown
      ? displayNameProblem(newName)
      : nameInputProblem(
          newName,
          'team',
          teams.map((t) => t.name),
        );
  return (
    <Dialog
      title={`Rename team ${shown ?? team}`}
      onClose={onClose}
      actions={
        <FormActions
          label="Rename"
          problem={problem}
          explain={unchanged}
          onCancel={onClose}
          onSubmit={async () => {
            if (await onRename(team, newName.trim())) onClose();
          }}
        />
      }
    >
      <Field label="New name" problem={unchanged ? null : problem}>
        {(props) => <input {...props} autoFocus value={newName} maxLength={64} onChange={(e) => setNewName(e.target.value)} />}
      </Field>
      {renamesShown && !problem ? (
        <p className="dialog-note" data-testid="rename-shown">
          People will see <strong>{newName.trim()}</strong>; agents keep using <code>{team}</code>, so nothing of theirs breaks.
        </p>
      ) : (
        <p className="dialog-note" data-testid="rename-warning">
          Agents started with the name <strong>{team}</strong> keep using it: their commands (for example{' '}
          <code>lockstep task claim {team} --next</code>) fail until they are given the new name.
        </p>
      )}
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
      title={`Delete team ${team.displayName ?? team.name}?`}
      confirmLabel="Delete the team"
      cancelLabel="Keep it"
      onCancel={onClose}
      onConfirm={() => {
        onDelete(team.name);
        onClose();
      }}
    >
      <p>
        Team <strong>{team.displayName ?? team.name}</strong> {taskWords(team.counts)} will be deleted from
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
