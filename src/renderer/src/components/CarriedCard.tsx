import { DragOverlay } from '@dnd-kit/core';
import { createPortal } from 'react-dom';
import type { VersionedTask } from '../../../shared/domain';

/**
 * The card in hand while dragging, with why the target under it would refuse it (said where the person looks).
 * In <body>: the team view is a size container (container queries), which would make it the containing block of
 * the overlay's position: fixed, so the carried card would be drawn (and its collisions found) offset by the
 * sidebar and the top bar.
 */
export function CarriedCard({ task, refusal }: { task: VersionedTask | null; refusal: string | null }) {
  return createPortal(
    <DragOverlay dropAnimation={null}>
      {task ? (
        <div className={`card overlay priority-${task.priority}`}>
          <div className="card-subject">{task.subject}</div>
          {refusal ? (
            <div className="overlay-refusal" data-testid="drag-refusal">
              Can't drop here: {refusal}
            </div>
          ) : null}
        </div>
      ) : null}
    </DragOverlay>,
    document.body,
  );
}
