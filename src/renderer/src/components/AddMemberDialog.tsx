import { useState } from 'react';
import type { TeamConfig } from '../../../shared/domain';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { Dialog } from './Dialog';
import { Field, nameInputProblem } from './Field';

/** A new member's name, checked as it is typed (allowed characters, not taken). */
export function AddMemberDialog({ taken, onClose, onAdd }: { taken: string[]; onClose(): void; onAdd(name: string): Promise<boolean> }) {
  const [name, setName] = useState('');
  const problem = nameInputProblem(name, 'member', taken);
  const submit = async () => {
    if (!problem && (await onAdd(name.trim()))) onClose();
  };
  return (
    <Dialog
      title="Add a member"
      onClose={onClose}
      actions={
        <>
          {problem && !name && <span className="why-disabled">{problem}</span>}
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={Boolean(problem)} title={problem ?? undefined} onClick={() => void submit()}>
            Add member
          </button>
        </>
      }
    >
      <Field
        label="Name"
        problem={name ? problem : null}
        hint={name ? undefined : 'The name the agent or person uses (letters, digits, ".", "_" or "-").'}
      >
        {(props) => (
          <input
            {...props}
            aria-label="New member name"
            autoFocus
            value={name}
            maxLength={64}
            onChange={(e) => setName(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && void submit()}
          />
        )}
      </Field>
    </Dialog>
  );
}

/** "+ Member": the dialog, adding through the API. */
export function AddMember(props: { team: string; config: TeamConfig; onClose(): void; onAdded(): Promise<void> | void }) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  return (
    <AddMemberDialog
      taken={props.config.members.map((m) => m.name)}
      onClose={props.onClose}
      onAdd={async (name) => {
        try {
          await call(api, 'addMember', { team: props.team, name });
          await props.onAdded();
          onMessage(`Added ${name} to ${props.team}.`);
          return true;
        } catch (err) {
          fail(err);
          return false;
        }
      }}
    />
  );
}
