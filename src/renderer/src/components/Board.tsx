import { DndContext, KeyboardSensor, PointerSensor, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import { useMemo, useState } from 'react';
import type { TaskStatus, TeamConfig, VersionedTask } from '../../../shared/domain';
import { leaderOf } from '../../../shared/domain';
import { moveRefusal } from '../../../shared/rules';
import { CardContextValue } from '../board/cardContext';
import { announcements, collision, refusalAt, SCREEN_READER_INSTRUCTIONS, type DropScene } from '../board/drop';
import { jumpBetweenTargets } from '../board/keyboard';
import { COLUMNS, groupByStatus, memberStats, type BoardFilter } from '../board/logic';
import { CarriedCard } from './CarriedCard';
import { Column } from './Column';
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
  const scene: DropScene = { config, tasks, all, agentName };

  // While a card is dragged: which columns and members would refuse it, and why (the store's own rules).
  const columnRefusals = useMemo<Refusals>(() => {
    if (!dragging) return {};
    const nowMicros = Date.now() * 1000;
    const out: Refusals = {};
    for (const status of COLUMNS) {
      const reason = moveRefusal(dragging, status, agentName, (id) => tasks.get(id), nowMicros);
      if (reason) out[status] = reason;
    }
    return out;
  }, [dragging, agentName, tasks]);

  const onDragStart = (event: DragStartEvent) => setDragging((event.active.data.current?.task as VersionedTask | undefined) ?? null);
  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    setOverId('');
    const task = event.active.data.current?.task as VersionedTask | undefined;
    const overId = String(event.over?.id ?? '');
    if (!task || !overId) return;
    const current = tasks.get(task.id) ?? task;
    const refusal = refusalAt(scene, overId, current);
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
        accessibility={{ announcements: announcements(scene), screenReaderInstructions: { draggable: SCREEN_READER_INSTRUCTIONS } }}
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
        <CarriedCard
          task={dragging}
          refusal={dragging && overId ? refusalAt(scene, overId, tasks.get(dragging.id) ?? dragging, false) : null}
        />
      </DndContext>
    </CardContextValue.Provider>
  );
}
