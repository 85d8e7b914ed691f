import { KeyboardCode, type KeyboardCoordinateGetter } from '@dnd-kit/core';

/**
 * Keyboard dragging jumps from drop target to drop target instead of moving 25 px per key press. The targets form
 * two rows: members (top) and status columns (bottom). Up/Down switch rows (to the nearest target), Left/Right move
 * within a row, wrapping around.
 */
export const jumpBetweenTargets: KeyboardCoordinateGetter = (event, { context }) => {
  const code = event.code;
  if (![KeyboardCode.Right, KeyboardCode.Left, KeyboardCode.Up, KeyboardCode.Down].includes(code as KeyboardCode)) return undefined;
  event.preventDefault();
  const { collisionRect, droppableRects, droppableContainers, over } = context;
  if (!collisionRect) return undefined;
  const targets = droppableContainers
    .getEnabled()
    .map((c) => ({ id: String(c.id), rect: droppableRects.get(c.id) }))
    .filter((t): t is { id: string; rect: NonNullable<typeof t.rect> } => Boolean(t.rect));
  const row = (name: 'member' | 'column') => targets.filter((t) => t.id.startsWith(`${name}:`)).sort((a, b) => a.rect.left - b.rect.left);
  const members = row('member');
  const columns = row('column');
  const current = targets.find((t) => t.id === String(over?.id ?? ''));
  const inMembers = current ? current.id.startsWith('member:') : false;
  const centreX = current ? current.rect.left + current.rect.width / 2 : collisionRect.left + collisionRect.width / 2;
  const nearest = (list: typeof targets) =>
    [...list].sort((a, b) => Math.abs(a.rect.left + a.rect.width / 2 - centreX) - Math.abs(b.rect.left + b.rect.width / 2 - centreX))[0];
  let next: (typeof targets)[number] | undefined;
  if (code === KeyboardCode.Up) next = members.length ? nearest(members) : current;
  else if (code === KeyboardCode.Down) next = columns.length ? nearest(columns) : current;
  else {
    const list = inMembers ? members : columns;
    const index = current ? list.findIndex((t) => t.id === current.id) : -1;
    const step = code === KeyboardCode.Right ? 1 : -1;
    next = list.length ? list[(index + step + list.length) % list.length] : undefined;
  }
  if (!next) return undefined;
  return {
    x: next.rect.left + next.rect.width / 2 - collisionRect.width / 2,
    y: next.rect.top + next.rect.height / 2 - collisionRect.height / 2,
  };
};
