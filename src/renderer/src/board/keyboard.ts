import { KeyboardCode, type KeyboardCoordinateGetter } from '@dnd-kit/core';

/**
 * Keyboard dragging jumps from drop target to drop target (members first, then the columns) instead of moving 25 px
 * per key press: Right/Down go to the next target, Left/Up to the previous one.
 */
export const jumpBetweenTargets: KeyboardCoordinateGetter = (event, { context }) => {
  const forward = event.code === KeyboardCode.Right || event.code === KeyboardCode.Down;
  const backward = event.code === KeyboardCode.Left || event.code === KeyboardCode.Up;
  if (!forward && !backward) return undefined;
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers, over } = context;
  if (!collisionRect) return undefined;
  const targets = droppableContainers
    .getEnabled()
    .map((c) => ({ id: c.id, rect: droppableRects.get(c.id) }))
    .filter((t): t is { id: typeof t.id; rect: NonNullable<typeof t.rect> } => Boolean(t.rect))
    .sort((a, b) => orderOf(String(a.id)) - orderOf(String(b.id)) || a.rect.left - b.rect.left);
  if (targets.length === 0) return undefined;
  const index = targets.findIndex((t) => t.id === over?.id);
  const nextIndex = index < 0 ? (forward ? 0 : targets.length - 1) : (index + (forward ? 1 : -1) + targets.length) % targets.length;
  const target = targets[nextIndex].rect;
  return {
    x: target.left + target.width / 2 - collisionRect.width / 2,
    y: target.top + Math.min(target.height, 120) / 2 - collisionRect.height / 2,
  };
};

function orderOf(id: string): number {
  return id.startsWith('member:') ? 0 : 1;
}
