import { useState } from 'react';
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
