import { useDraggable } from '@dnd-kit/core';
import { memo } from 'react';
import type { VersionedTask } from '../../../shared/domain';
import { claimView, leaseLabel } from '../board/logic';
import { useNow } from '../state/useNow';
import { exactTime } from './Ago';
import { useCardContext } from '../board/cardContext';
import { agentsUseHint, useMemberLabel } from '../state/names';

interface Props {
  task: VersionedTask;
  selected: boolean;
  pending: boolean;
  onOpen(id: string): void;
  onFocusTask(id: string): void;
}

/** Who holds the card's claim, since when, and the lease: the one line of a card that ticks. */
function ClaimLine({ task }: { task: VersionedTask }) {
  const now = useNow();
  const claim = claimView(task, now);
  if (!claim) return null;
  const since = claim.sinceMs !== undefined ? exactTime(claim.sinceMs) : claim.since;
  return (
    <div className="lock-holder" data-testid={`lock-holder-${task.id}`} title={`Claimed by ${claim.holder} since ${since}`}>
      <LockIcon /> {claim.holder} <span className="muted">· {claim.age}</span>
      {claim.leaseUntilMs !== undefined && (
        <span className={`lease${claim.leaseUntilMs < now ? ' expired' : ''}`}> · {leaseLabel(claim.leaseUntilMs, now)}</span>
      )}
    </div>
  );
}

function LockIcon() {
  return (
    <svg className="lock-icon" viewBox="0 0 16 16" width="11" height="11" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M4 7V5a4 4 0 1 1 8 0v2h.5A1.5 1.5 0 0 1 14 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 13.5v-5A1.5 1.5 0 0 1 3.5 7H4Zm2 0h4V5a2 2 0 1 0-4 0v2Z"
      />
    </svg>
  );
}

/** One task on the board. The claim holder is the most prominent line after the subject. */
export const TaskCard = memo(function TaskCard({ task, selected, pending, onOpen, onFocusTask }: Props) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `task:${task.id}`, data: { task } });
  const ctx = useCardContext();
  const memberLabel = useMemberLabel();
  return (
    <div
      ref={setNodeRef}
      {...attributes}
      {...listeners}
      className={`card priority-${task.priority}${selected ? ' selected' : ''}${isDragging ? ' dragging' : ''}${pending ? ' pending-write' : ''}`}
      data-testid={`task-card-${task.id}`}
      aria-label={`${task.subject}, ${task.priority} priority${task.owner ? `, owner ${task.owner}` : ''}${task.lockedBy ? `, claimed by ${task.lockedBy}` : ''}${task.blockedBy.length ? `, waits for ${task.blockedBy.length}` : ''}. Press space to pick up, enter to open.`}
      onKeyDown={(e) => {
        listeners?.onKeyDown?.(e);
        if (e.key === 'Enter' && !e.defaultPrevented) onOpen(task.id);
      }}
      onDoubleClick={() => onOpen(task.id)}
      onClick={() => onOpen(task.id)}
    >
      <div className="card-top">
        <span className={`badge priority ${task.priority}`}>{task.priority}</span>
        {ctx && <AssignSelect task={task} members={ctx.members} onAssign={ctx.onAssign} />}
      </div>
      <div className="card-subject" title={`${task.subject} (id ${task.id})`}>
        {task.subject}
      </div>
      <ClaimLine task={task} />
      <div className="card-bottom">
        <span className="owner" title={task.owner ? agentsUseHint(task.owner, memberLabel(task.owner)) : undefined}>
          {task.owner ? `@${memberLabel(task.owner)}` : 'unassigned'}
        </span>
        {task.blockedBy.length > 0 && (
          <span className="blocked-by">
            <span className="muted">waits for</span>
            {task.blockedBy.map((id) => (
              <button
                key={id}
                type="button"
                className="link"
                title={`Open the task it waits for (id ${id})`}
                onPointerDown={(e) => e.stopPropagation()}
                onClick={(e) => {
                  e.stopPropagation();
                  onFocusTask(id);
                }}
              >
                {ctx?.subjectOf(id) ?? `a task not on the board (${id})`}
              </button>
            ))}
          </span>
        )}
      </div>
    </div>
  );
});

/**
 * Assign without dragging (a member far off screen is one choice away). It always reads "Assign…" (the owner is on
 * the card's last line; the menu marks them), so it stays small; the card's drag and click stay out of it.
 */
function AssignSelect({
  task,
  members,
  onAssign,
}: {
  task: VersionedTask;
  members: string[];
  onAssign(task: VersionedTask, owner: string): void;
}) {
  const names = task.owner && !members.includes(task.owner) ? [...members, task.owner] : members;
  const label = useMemberLabel();
  return (
    <select
      className="card-assign"
      aria-label={`Assign "${task.subject}" to`}
      value=""
      onPointerDown={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
      onClick={(e) => e.stopPropagation()}
      onChange={(e) => onAssign(task, e.target.value === '-' ? '' : e.target.value)}
    >
      <option value="" disabled hidden>
        Assign…
      </option>
      <option value="-">{task.owner ? 'nobody' : '✓ nobody'}</option>
      {names.map((m) => (
        <option key={m} value={m}>
          {m === task.owner ? `✓ ${label(m)}` : label(m)}
        </option>
      ))}
    </select>
  );
}
