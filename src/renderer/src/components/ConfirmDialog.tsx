import { useState } from 'react';
import type { VersionedTask } from '../../../shared/domain';
import { Ago } from './Ago';
import { Dialog } from './Dialog';
import '../undo-activity.css';
import { useMemberLabel } from '../state/names';

interface Props {
  title: string;
  children: React.ReactNode;
  /** The button that does it, naming what it does: "Remove tester", "Break backend's claim". */
  confirmLabel: string;
  cancelLabel: string;
  /** Ask for a reason (kept in the team journal); the confirm button waits for one. */
  reason?: { label: string; placeholder: string };
  onConfirm(reason: string): void;
  onCancel(): void;
}

/**
 * The one confirmation for destructive actions (removing a member, deleting a task, breaking a claim): names who is
 * affected, says what happens, optionally asks why. Escape or the cancel button keeps things as they are.
 */
export function ConfirmDialog({ title, children, confirmLabel, cancelLabel, reason, onConfirm, onCancel }: Props) {
  const [why, setWhy] = useState('');
  const ready = !reason || why.trim().length > 0;
  const confirm = () => {
    if (ready) onConfirm(why.trim());
  };
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      actions={
        <>
          <button type="button" onClick={onCancel} autoFocus={!reason}>
            {cancelLabel}
          </button>
          <button type="button" className="danger" disabled={!ready} title={ready ? undefined : 'Give a reason first'} onClick={confirm}>
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-body" data-testid="confirm-dialog">
        {children}
      </div>
      {reason && (
        <label>
          {reason.label}
          <input
            autoFocus
            value={why}
            maxLength={500}
            placeholder={reason.placeholder}
            onChange={(e) => setWhy(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                confirm();
              }
            }}
          />
        </label>
      )}
    </Dialog>
  );
}

/** Breaking somebody's claim, from the task panel or the stall radar: one wording, one rule (confirm + reason). */
export function BreakClaimDialog({
  task,
  onConfirm,
  onCancel,
}: {
  task: VersionedTask;
  onConfirm(reason: string): void;
  onCancel(): void;
}) {
  const holder = useMemberLabel()(task.lockedBy);
  return (
    <ConfirmDialog
      title={`Break ${holder}'s claim?`}
      confirmLabel={`Break ${holder}'s claim`}
      cancelLabel="Keep the claim"
      reason={{ label: 'Reason (kept in the team journal)', placeholder: 'e.g. agent crashed an hour ago' }}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        <strong>{holder}</strong> claimed "{task.subject}" <Ago at={task.lockedAt} />. If they are still working on it, they may lose work;
        the task goes back to Pending. You can undo this right after (Ctrl+Z).
      </p>
    </ConfirmDialog>
  );
}

/** Removing a member: names them and the work still tied to them. */
export function RemoveMemberDialog({
  team,
  member,
  tasks,
  onConfirm,
  onCancel,
}: {
  team: string;
  member: string;
  tasks: Iterable<VersionedTask>;
  onConfirm(): void;
  onCancel(): void;
}) {
  const list = [...tasks];
  const owned = list.filter((t) => t.owner === member && t.status !== 'completed').length;
  const held = list.filter((t) => t.lockedBy === member).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    <ConfirmDialog
      title={`Remove ${member} from ${team}?`}
      confirmLabel={`Remove ${member}`}
      cancelLabel={`Keep ${member}`}
      onConfirm={() => onConfirm()}
      onCancel={onCancel}
    >
      <p>
        <strong>{member}</strong> will no longer be a member of team {team}, so tasks cannot be assigned to them by dragging.
        {owned + held > 0
          ? ` ${plural(owned, 'open task')} ${owned === 1 ? 'is' : 'are'} assigned to them and they are working on ${held}; those stay theirs until you reassign them.`
          : ' No open task is assigned to them and they are working on none.'}
      </p>
      <p className="muted">You can undo this right after (Ctrl+Z).</p>
    </ConfirmDialog>
  );
}
