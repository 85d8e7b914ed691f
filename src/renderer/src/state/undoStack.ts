import type { JournaledChange } from '../../../shared/api';

/**
 * The window's undo and redo stacks: the window's own changes, each named by its team and journal number (what the
 * `undo` call takes), never "the person's last journal entry". Pure functions over an immutable state, so the
 * hook stays small and the rules are unit-tested.
 *
 * - A change made in the window goes on top of the undo stack and clears the redo stack (as in any editor).
 * - Undoing an item moves it to the redo stack, now named by the undo's own journal entry (redo undoes the undo).
 * - Redoing moves it back, named by the redo's entry (so it can be undone again).
 * - A refused step leaves only that step's stack (it cannot be undone any more); the rest stays usable.
 * - Stacks are per team: Ctrl+Z in a team undoes that team's last change.
 */

export interface UndoItem {
  /** Stable id of the step in this window (the seq changes with every undo and redo). */
  key: number;
  team: string;
  /** The journal entry that undoing this step reverts. */
  seq: number;
  /** What the person did, in words: `assigned "Docs" to tester`. */
  label: string;
  op: string;
  taskId?: string;
  /** When it was done (ms), for the undo toast. */
  at: number;
}

export interface UndoState {
  undo: UndoItem[];
  redo: UndoItem[];
  nextKey: number;
}

export const EMPTY_UNDO: UndoState = { undo: [], redo: [], nextKey: 1 };

/** How many steps a window keeps (oldest dropped first). */
export const MAX_STEPS = 100;

/** Changes a call made: pushed on the undo stack; the redo stack of those teams is cleared. */
export function recordChanges(state: UndoState, changes: JournaledChange[], at: number): UndoState {
  const undoable = changes.filter((c) => c.undoable);
  if (undoable.length === 0) return state;
  let next = state.nextKey;
  const items = undoable.map((c) => ({ key: next++, team: c.team, seq: c.seq, label: c.text, op: c.op, taskId: c.taskId, at }));
  const teams = new Set(items.map((i) => i.team));
  return {
    undo: [...state.undo, ...items].slice(-MAX_STEPS),
    redo: state.redo.filter((i) => !teams.has(i.team)),
    nextKey: next,
  };
}

export function topOf(items: UndoItem[], team: string | null): UndoItem | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (items[i].team === team) return items[i];
  return undefined;
}

/** `item` was undone by journal entry `undoSeq` (in `team`, which differs after undoing a rename). */
export function afterUndo(state: UndoState, item: UndoItem, undoSeq: number, team = item.team): UndoState {
  const moved = renameIn(state, item.team, team);
  return {
    ...moved,
    undo: moved.undo.filter((i) => i.key !== item.key),
    redo: [...moved.redo, { ...item, team, seq: undoSeq }],
  };
}

/** `item` (from the redo stack) was redone by journal entry `redoSeq`. */
export function afterRedo(state: UndoState, item: UndoItem, redoSeq: number, team = item.team): UndoState {
  const moved = renameIn(state, item.team, team);
  return {
    ...moved,
    redo: moved.redo.filter((i) => i.key !== item.key),
    undo: [...moved.undo, { ...item, team, seq: redoSeq }],
  };
}

/** A step that was refused: it leaves the stack it was on; every other step stays. */
export function dropStep(state: UndoState, item: UndoItem): UndoState {
  return { ...state, undo: state.undo.filter((i) => i.key !== item.key), redo: state.redo.filter((i) => i.key !== item.key) };
}

/** A team renamed (by this window, or by undoing/redoing a rename): its steps follow it. */
export function renameIn(state: UndoState, from: string, to: string): UndoState {
  if (from === to) return state;
  const move = (i: UndoItem) => (i.team === from ? { ...i, team: to } : i);
  return { ...state, undo: state.undo.map(move), redo: state.redo.map(move) };
}

/** The changes of a call that renamed a team: `[from, to]` pairs, read from the change words of its op. */
export function renamesIn(changes: JournaledChange[], input: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const c of changes) {
    if (c.op === 'team.rename' && input && typeof input === 'object' && 'team' in input) out.push([String((input as { team: unknown }).team), c.team]);
  }
  return out;
}

/** Steps whose undo the window offers in a toast: they remove or break something. */
export function isDestructive(item: UndoItem): boolean {
  return item.op === 'team.remove-member' || item.op === 'task.delete' || /^broke |^released the stalled claim/.test(item.label);
}
