import { useDroppable } from '@dnd-kit/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import type { TaskStatus, VersionedTask } from '../../../shared/domain';
import { STATUS_LABEL } from '../board/logic';
import { TaskCard } from './TaskCard';

interface Props {
  status: TaskStatus;
  tasks: VersionedTask[];
  now: number;
  selectedId: string | null;
  pendingIds: Set<string>;
  onOpen(id: string): void;
  onFocusTask(id: string): void;
}

const CARD_HEIGHT = 128;

/** A status column: a drop target, virtualized so only the cards in view are in the page. */
export function Column({ status, tasks, now, selectedId, pendingIds, onOpen, onFocusTask }: Props) {
  const { setNodeRef, isOver } = useDroppable({ id: `column:${status}`, data: { status } });
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 6,
    initialRect: { width: 280, height: 800 },
  });
  return (
    <section ref={setNodeRef} className={`column${isOver ? ' over' : ''}`} data-testid={`column-${status}`} aria-label={`${STATUS_LABEL[status]}, ${tasks.length} tasks`}>
      <header className="column-head">
        <h3>{STATUS_LABEL[status]}</h3>
        <span className="count">{tasks.length}</span>
      </header>
      <div className="column-scroll" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const task = tasks[item.index];
            return (
              <TaskCard
                key={task.id}
                task={task}
                now={now}
                selected={task.id === selectedId}
                pending={pendingIds.has(task.id)}
                onOpen={onOpen}
                onFocusTask={onFocusTask}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: CARD_HEIGHT - 8, transform: `translateY(${item.start}px)` }}
              />
            );
          })}
        </div>
        {tasks.length === 0 && <p className="empty">Nothing here.</p>}
      </div>
    </section>
  );
}
