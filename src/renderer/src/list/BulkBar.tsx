import { useState } from 'react';
import { TASK_PRIORITIES, type TaskPriority, type TaskStatus } from '../../../shared/domain';
import type { BulkChange } from '../../../shared/schemas';
import { COLUMNS, STATUS_LABEL } from '../board/logic';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useMemberLabel } from '../state/names';

interface Props {
  count: number;
  members: string[];
  busy: boolean;
  onApply(change: BulkChange): void;
  onClear(): void;
}

type Label = (member: string) => string;
const same: Label = (m) => m;

/** In words, for the confirmation and its button: "Assign 50 tasks to Sam Lee" (`label`: what people call a member). */
export function describeBulk(change: BulkChange, count: number, label: Label = same): string {
  const tasks = `${count} task${count === 1 ? '' : 's'}`;
  if ('delete' in change) return `Delete ${tasks}`;
  if ('owner' in change) return change.owner ? `Assign ${tasks} to ${label(change.owner)}` : `Unassign ${tasks}`;
  if ('status' in change) return `Move ${tasks} to ${STATUS_LABEL[change.status]}`;
  if ('moveClaims' in change) return `Move ${count === 1 ? 'a claim' : `${count} claims`} to ${label(change.moveClaims.to)}`;
  return `Set ${tasks} to ${change.priority} priority`;
}

/** Once done, for the message line: "Assigned 50 tasks to tester." */
export function describeBulkDone(change: BulkChange, count: number, label: Label = same): string {
  const tasks = `${count} task${count === 1 ? '' : 's'}`;
  if ('delete' in change) return `Deleted ${tasks}.`;
  if ('owner' in change) return change.owner ? `Assigned ${tasks} to ${label(change.owner)}.` : `Unassigned ${tasks}.`;
  if ('status' in change) return `Moved ${tasks} to ${STATUS_LABEL[change.status]}.`;
  if ('moveClaims' in change) return `Moved ${count === 1 ? 'a claim' : `${count} claims`} to ${label(change.moveClaims.to)}.`;
  return `Set ${tasks} to ${change.priority} priority.`;
}

/**
 * What to do with the chosen tasks: assign, move, set the priority or delete. Each asks once, naming how many, and is
 * one step of Undo.
 */
export function BulkBar({ count, members, busy, onApply, onClear }: Props) {
  const [asking, setAsking] = useState<BulkChange | null>(null);
  const label = useMemberLabel();
  if (count === 0) return null;
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Change the chosen tasks" data-testid="bulk-bar">
      <strong>{count} chosen</strong>
      <select
        aria-label="Assign the chosen tasks to"
        value=""
        disabled={busy}
        onChange={(e) => setAsking({ owner: e.target.value === '-' ? '' : e.target.value })}
      >
        <option value="" disabled>
          Assign to…
        </option>
        <option value="-">nobody</option>
        {members.map((m) => (
          <option key={m} value={m}>
            {label(m)}
          </option>
        ))}
      </select>
      <select
        aria-label="Move the chosen tasks to"
        value=""
        disabled={busy}
        onChange={(e) => setAsking({ status: e.target.value as TaskStatus })}
      >
        <option value="" disabled>
          Move to…
        </option>
        {COLUMNS.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABEL[s]}
          </option>
        ))}
      </select>
      <select
        aria-label="Set the priority of the chosen tasks"
        value=""
        disabled={busy}
        onChange={(e) => setAsking({ priority: e.target.value as TaskPriority })}
      >
        <option value="" disabled>
          Priority…
        </option>
        {TASK_PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <button type="button" className="danger" disabled={busy} onClick={() => setAsking({ delete: true })}>
        Delete…
      </button>
      <button type="button" className="link" onClick={onClear}>
        Choose none
      </button>
      {asking && (
        <ConfirmDialog
          title={`${describeBulk(asking, count, label)}?`}
          confirmLabel={describeBulk(asking, count, label)}
          cancelLabel="Cancel"
          onCancel={() => setAsking(null)}
          onConfirm={() => {
            const change = asking;
            setAsking(null);
            onApply(change);
          }}
        >
          <p>
            {'delete' in asking ? 'The tasks go away' : 'Every chosen task changes'} in one step; Undo (Ctrl+Z) takes the whole change back.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
