import { useDroppable } from '@dnd-kit/core';
import { measureElement, useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { TaskStatus, VersionedTask } from '../../../shared/domain';
import { STATUS_LABEL } from '../board/logic';
import { TaskCard } from './TaskCard';

interface Props {
  status: TaskStatus;
  tasks: VersionedTask[];
  /** While a card is dragged: why this column would refuse it (shown on the column), or undefined. */
  refusal?: string;
  selectedId: string | null;
  pendingIds: Set<string>;
  onOpen(id: string): void;
  onFocusTask(id: string): void;
}

/** A first guess of a card's height; each card is then measured and sized to its content. */
const ESTIMATED_CARD = 96;

/** A status column: a drop target, virtualized so only the cards in view are in the page. */
export function Column({ status, tasks, refusal, selectedId, pendingIds, onOpen, onFocusTask }: Props) {
  const { setNodeRef, isOver } = useDroppable({ id: `column:${status}`, data: { status } });
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_CARD,
    // An element not laid out (hidden, or no layout engine) measures 0: keep the estimate rather than stack cards.
    measureElement: (el, entry, instance) => measureElement(el, entry, instance) || ESTIMATED_CARD,
    getItemKey: (index) => tasks[index].id,
    overscan: 6,
    initialRect: { width: 280, height: 800 },
  });
  return (
    <section
      ref={setNodeRef}
      className={`column${isOver ? ' over' : ''}${refusal ? ' unavailable' : ''}`}
      data-testid={`column-${status}`}
      aria-label={`${STATUS_LABEL[status]}, ${tasks.length} tasks`}
      title={refusal}
    >
      <header className="column-head">
        <h3>{STATUS_LABEL[status]}</h3>
        <span className="count">{tasks.length}</span>
      </header>
      {refusal && (
        <p className="column-refusal" data-testid={`refusal-${status}`}>
          {refusal}
        </p>
      )}
      <div className="column-scroll" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const task = tasks[item.index];
            return (
              <div
                key={task.id}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="card-slot"
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <TaskCard
                  task={task}
                  selected={task.id === selectedId}
                  pending={pendingIds.has(task.id)}
                  onOpen={onOpen}
                  onFocusTask={onFocusTask}
                />
              </div>
            );
          })}
        </div>
        {tasks.length === 0 && <p className="empty">Nothing here.</p>}
      </div>
    </section>
  );
}
