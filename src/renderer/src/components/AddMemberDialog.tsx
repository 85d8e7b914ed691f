import { useState } from 'react';
import type { TeamConfig } from '../../../shared/domain';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { Dialog, FormActions } from './Dialog';
import { NameField, typedName } from './NameField';

/** A new member's name, checked as it is typed; a name with spaces gets a short name agents use, shown live. */
export function AddMemberDialog({
  taken,
  takenLabels = [],
  onClose,
  onAdd,
}: {
  taken: string[];
  takenLabels?: string[];
  onClose(): void;
  onAdd(name: string, displayName?: string): Promise<boolean>;
}) {
  const [value, setValue] = useState('');
  const typed = typedName(value, 'member', taken, takenLabels);
  const { problem } = typed;
  const submit = async () => {
    if (!problem && (await onAdd(typed.name, typed.displayName))) onClose();
  };
  return (
    <Dialog
      title="Add a member"
      onClose={onClose}
      actions={<FormActions label="Add member" problem={problem} explain={!value} onCancel={onClose} onSubmit={() => void submit()} />}
    >
      <NameField
        label="Name"
        inputLabel="New member name"
        value={value}
        onChange={setValue}
        typed={typed}
        onEnter={() => void submit()}
        hint='What people call them, for example "Sam Lee"; agents get a short name made from it.'
      />
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
      takenLabels={props.config.members.map((m) => m.lockstep?.displayName ?? m.name)}
      onClose={props.onClose}
      onAdd={async (name, displayName) => {
        try {
          await call(api, 'addMember', { team: props.team, name, ...(displayName ? { displayName } : {}) });
          await props.onAdded();
          onMessage(displayName ? `Added ${displayName} (agents use: ${name}).` : `Added ${name} to ${props.team}.`);
          return true;
        } catch (err) {
          fail(err);
          return false;
        }
      }}
    />
  );
}
