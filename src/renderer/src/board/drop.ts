import { closestCenter, pointerWithin, type Announcements, type CollisionDetection } from '@dnd-kit/core';
import type { TaskStatus, TeamConfig, VersionedTask } from '../../../shared/domain';
import { memberAvailability } from '../../../shared/members';
import { moveRefusal } from '../../../shared/rules';
import { STATUS_LABEL } from './logic';

/**
 * Where the pointer is. For keyboard drags (no pointer): the target the card's centre is inside (a card picked up
 * stays over its own column, however tall the column and however small the card), else the nearest target.
 */
export const collision: CollisionDetection = (args) => {
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

/** The board as a drop is judged: its members, its tasks, who the person acts as. */
export interface DropScene {
  config: TeamConfig;
  tasks: Map<string, VersionedTask>;
  all: VersionedTask[];
  agentName: string;
}

/**
 * Why a drop target refuses the task (the store's own rules), or null. `afterDrop`: the sentence once the card was
 * let go; otherwise the short reason shown on the card in hand.
 */
export function refusalAt(scene: DropScene, overId: string, task: VersionedTask, afterDrop = true): string | null {
  if (overId.startsWith('column:')) {
    const status = overId.slice('column:'.length) as TaskStatus;
    const reason = moveRefusal(task, status, scene.agentName, (id) => scene.tasks.get(id), Date.now() * 1000);
    if (!reason) return null;
    return afterDrop ? `${reason}. "${task.subject}" stays where it was.` : `${reason}.`;
  }
  if (overId.startsWith('member:')) {
    const member = scene.config.members.find((m) => m.name === overId.slice('member:'.length));
    const availability = member ? memberAvailability(member, task, scene.all) : { available: true as const };
    if (availability.available) return null;
    return afterDrop ? `"${task.subject}" cannot go to ${member?.name}: ${availability.reason}.` : `${availability.reason}.`;
  }
  return null;
}

/** What a screen reader hears while a card is carried by the keyboard. */
export function announcements(scene: DropScene): Announcements {
  const subjectOf = (id: string | number) => scene.tasks.get(String(id).replace(/^task:/, ''))?.subject ?? 'task';
  return {
    onDragStart: ({ active }) =>
      `Picked up task "${subjectOf(active.id)}". Up and down switch between members and columns, left and right move along them; space or enter drops it, escape cancels.`,
    onDragOver: ({ active, over }) => {
      const task = scene.tasks.get(String(active.id).replace(/^task:/, ''));
      const refusal = task && over ? refusalAt(scene, String(over.id), task) : null;
      return `Task "${subjectOf(active.id)}" is over ${describeTarget(over?.id)}${refusal ? `, which is unavailable: ${refusal}` : '.'}`;
    },
    onDragEnd: ({ active, over }) =>
      over
        ? `Dropped task "${subjectOf(active.id)}" on ${describeTarget(over.id)}.`
        : `Task "${subjectOf(active.id)}" was dropped where nothing happens; it stays where it was.`,
    onDragCancel: ({ active }) => `Cancelled. Task "${subjectOf(active.id)}" stays where it was.`,
  };
}

export const SCREEN_READER_INSTRUCTIONS =
  'To pick up a task, press space. Up and down switch between members and columns, left and right move along them. Space or enter drops it; escape cancels. Enter without dragging opens the task.';
