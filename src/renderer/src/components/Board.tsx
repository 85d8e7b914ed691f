import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  pointerWithin,
  useSensor,
  useSensors,
  type Announcements,
  type CollisionDetection,
  type DragEndEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useMemo, useState } from 'react';
import { createPortal } from 'react-dom';
import type { TaskStatus, TeamConfig, VersionedTask } from '../../../shared/domain';
import { leaderOf } from '../../../shared/domain';
import { memberAvailability } from '../../../shared/members';
import { moveRefusal } from '../../../shared/rules';
import { COLUMNS, groupByStatus, memberStats, STATUS_LABEL, type BoardFilter } from '../board/logic';
import { jumpBetweenTargets } from '../board/keyboard';
import { Column } from './Column';
import { CardContextValue } from '../board/cardContext';
import { MemberTarget } from './MemberTarget';

interface Props {
  config: TeamConfig;
  tasks: Map<string, VersionedTask>;
  filter: BoardFilter;
  /** Who the person acts as: moves are judged as theirs (their own claim does not stop them). */
  agentName: string;
  selectedId: string | null;
  pendingIds: Set<string>;
  onOpen(id: string): void;
  onFocusTask(id: string): void;
  onAssign(task: VersionedTask, owner: string): void;
  onMove(task: VersionedTask, status: TaskStatus): void;
  onRemoveMember(name: string): void;
  onEditMember?(name: string): void;
  /** A drop on a target that refuses the task: nothing is written, the reason is said. */
  onRefused(reason: string): void;
  problemsSlot?: React.ReactNode;
}

/**
 * Where the pointer is. For keyboard drags (no pointer): the target the card's centre is inside (a card picked up
 * stays over its own column, however tall the column and however small the card), else the nearest target.
 */
const collision: CollisionDetection = (args) => {
  if (args.pointerCoordinates) return pointerWithin(args);
  const r = args.collisionRect;
  const inside = pointerWithin({ ...args, pointerCoordinates: { x: r.left + r.width / 2, y: r.top + r.height / 2 } });
  return inside.length > 0 ? inside : closestCenter(args);
};

function describeTarget(id: string | number | undefined): string {
  const value = String(id ?? '');
  if (value.startsWith('member:')) return `member ${value.slice('member:'.length)} (assign)`;
  if (value.startsWith('column:')) return `the ${STATUS_LABEL[value.slice('column:'.length) as TaskStatus]} column`;
  return 'no target';
}

export type Refusals = Partial<Record<TaskStatus, string>>;

/** Members across the top, the four status columns below; drag a card onto a member to assign, across columns to move. */
export function Board(props: Props) {
  const { config, tasks, filter, agentName } = props;
  const [dragging, setDragging] = useState<VersionedTask | null>(null);
  const [overId, setOverId] = useState('');
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: jumpBetweenTargets }),
  );
  const all = useMemo(() => [...tasks.values()], [tasks]);
  const groups = useMemo(() => groupByStatus(all, filter), [all, filter]);
  const stats = useMemo(() => memberStats(all), [all]);
  const onAssign = props.onAssign;
  const cardContext = useMemo(
    () => ({
      members: config.members.map((m) => m.name),
      subjectOf: (id: string) => tasks.get(id)?.subject,
      onAssign: (task: VersionedTask, owner: string) => owner !== task.owner && onAssign(task, owner),
    }),
    [config.members, tasks, onAssign],
  );
  const leader = leaderOf(config);
  const subjectOf = (id: string | number) => tasks.get(String(id).replace(/^task:/, ''))?.subject ?? 'task';
  const lookup = (id: string) => tasks.get(id);

  // While a card is dragged: which columns and members would refuse it, and why (the store's own rules).
  const columnRefusals = useMemo<Refusals>(() => {
    if (!dragging) return {};
    const nowMicros = Date.now() * 1000;
    const out: Refusals = {};
    for (const status of COLUMNS) {
      const reason = moveRefusal(dragging, status, agentName, lookup, nowMicros);
      if (reason) out[status] = reason;
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dragging, agentName, tasks]);
  /** `afterDrop`: the sentence once the card was let go; otherwise the short reason shown on the card in hand. */
  const refusalAt = (overId: string, task: VersionedTask, afterDrop = true): string | null => {
    if (overId.startsWith('column:')) {
      const status = overId.slice('column:'.length) as TaskStatus;
      const reason = moveRefusal(task, status, agentName, lookup, Date.now() * 1000);
      if (!reason) return null;
      return afterDrop ? `${reason}. "${task.subject}" stays where it was.` : `${reason}.`;
    }
    if (overId.startsWith('member:')) {
      const member = config.members.find((m) => m.name === overId.slice('member:'.length));
      const availability = member ? memberAvailability(member, task, all) : { available: true as const };
      if (availability.available) return null;
      return afterDrop ? `"${task.subject}" cannot go to ${member?.name}: ${availability.reason}.` : `${availability.reason}.`;
    }
    return null;
  };

  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up task "${subjectOf(active.id)}". Up and down switch between members and columns, left and right move along them; space or enter drops it, escape cancels.`,
    onDragOver: ({ active, over }) => {
      const task = tasks.get(String(active.id).replace(/^task:/, ''));
      const refusal = task && over ? refusalAt(String(over.id), task) : null;
      return `Task "${subjectOf(active.id)}" is over ${describeTarget(over?.id)}${refusal ? `, which is unavailable: ${refusal}` : '.'}`;
    },
    onDragEnd: ({ active, over }) =>
      over
        ? `Dropped task "${subjectOf(active.id)}" on ${describeTarget(over.id)}.`
        : `Task "${subjectOf(active.id)}" was dropped where nothing happens; it stays where it was.`,
    onDragCancel: ({ active }) => `Cancelled. Task "${subjectOf(active.id)}" stays where it was.`,
  };

  const onDragStart = (event: DragStartEvent) => setDragging((event.active.data.current?.task as VersionedTask | undefined) ?? null);
  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    setOverId('');
    const task = event.active.data.current?.task as VersionedTask | undefined;
    const overId = String(event.over?.id ?? '');
    if (!task || !overId) return;
    const current = tasks.get(task.id) ?? task;
    const refusal = refusalAt(overId, current);
    if (refusal) {
      if (overId !== `column:${current.status}` && !(overId === `member:${current.owner}`)) props.onRefused(refusal);
      return;
    }
    if (overId.startsWith('member:')) {
      const owner = overId.slice('member:'.length);
      if (owner !== current.owner) props.onAssign(current, owner);
    } else if (overId.startsWith('column:')) {
      const status = overId.slice('column:'.length) as TaskStatus;
      if (status !== current.status) props.onMove(current, status);
    }
  };

  return (
    <CardContextValue.Provider value={cardContext}>
      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={onDragStart}
        onDragOver={(e) => setOverId(String(e.over?.id ?? ''))}
        onDragEnd={onDragEnd}
        onDragCancel={() => {
          setDragging(null);
          setOverId('');
        }}
        accessibility={{
          announcements,
          screenReaderInstructions: {
            draggable:
              'To pick up a task, press space. Up and down switch between members and columns, left and right move along them. Space or enter drops it; escape cancels. Enter without dragging opens the task.',
          },
        }}
      >
        <div className="members" role="list" aria-label="Members: drop a task on a member to assign it">
          {config.members.map((m) => (
            <div role="listitem" key={m.name}>
              <MemberTarget
                member={m}
                leader={m === leader}
                stats={stats.get(m.name) ?? { owned: 0, held: 0 }}
                dragging={dragging}
                allTasks={all}
                onRemove={props.onRemoveMember}
                onEdit={props.onEditMember}
              />
            </div>
          ))}
          {config.members.length === 0 && <p className="muted">No members yet: add one to assign tasks by dragging.</p>}
        </div>
        {props.problemsSlot}
        <div className="board" data-testid="board">
          {COLUMNS.map((status) => (
            <Column
              key={status}
              status={status}
              tasks={groups[status]}
              refusal={columnRefusals[status]}
              selectedId={props.selectedId}
              pendingIds={props.pendingIds}
              onOpen={props.onOpen}
              onFocusTask={props.onFocusTask}
            />
          ))}
        </div>
        {/* In <body>: the team view is a size container (container queries), which would make it the containing
            block of the overlay's position: fixed, so the carried card would be drawn (and its collisions found)
            offset by the sidebar and the top bar. */}
        {createPortal(
          <DragOverlay dropAnimation={null}>
            {dragging ? (
              <div className={`card overlay priority-${dragging.priority}`}>
                <div className="card-subject">{dragging.subject}</div>
                {(() => {
                  // Said where the person looks: on the card they carry, while it is over a target that would refuse it.
                  const refusal = overId ? refusalAt(overId, tasks.get(dragging.id) ?? dragging, false) : null;
                  return refusal ? (
                    <div className="overlay-refusal" data-testid="drag-refusal">
                      Can't drop here: {refusal}
                    </div>
                  ) : null;
                })()}
              </div>
            ) : null}
          </DragOverlay>,
          document.body,
        )}
      </DndContext>
    </CardContextValue.Provider>
  );
}
