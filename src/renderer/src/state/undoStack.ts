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
  /**
   * What taking this step does: revert journal entry `seq` (most steps), bring a deleted team back from the trash
   * (`trash`), or delete the team again (redoing a deletion).
   */
  action: 'journal' | 'restore' | 'delete';
  /** The journal entry that undoing this step reverts (action "journal"). */
  seq: number;
  /** A deleted team's place in the trash (action "restore"). */
  trash?: string;
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
  const items = undoable.map((c): UndoItem => ({
    key: next++,
    team: c.team,
    action: c.trash ? 'restore' : 'journal',
    seq: c.seq,
    trash: c.trash,
    label: c.text,
    op: c.op,
    taskId: c.taskId,
    at,
  }));
  const teams = new Set(items.map((i) => i.team));
  return {
    undo: [...state.undo, ...items].slice(-MAX_STEPS),
    redo: state.redo.filter((i) => !teams.has(i.team)),
    nextKey: next,
  };
}

/**
 * The step Ctrl+Z (or redo) takes in `team`: its newest; a deleted team's step counts everywhere (the team is gone,
 * so the person is looking at another one).
 */
export function topOf(items: UndoItem[], team: string | null): UndoItem | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (items[i].team === team || items[i].action === 'restore') return items[i];
  return undefined;
}

/** How to take the step back the other way, once taken. */
export type NextStep = Pick<UndoItem, 'action' | 'seq'> & { trash?: string; team?: string };

/** The step after `item` was taken: a journal step is named by the entry that took it (redo undoes the undo). */
export function nextStep(item: UndoItem, result: { seq?: number; trash?: string; team?: string }): NextStep | null {
  if (item.action === 'restore') return { action: 'delete', seq: 0, team: result.team };
  if (result.trash) return { action: 'restore', seq: 0, trash: result.trash, team: result.team };
  if (result.seq === undefined) return null;
  return { action: 'journal', seq: result.seq, team: result.team };
}

function move(state: UndoState, item: UndoItem, next: NextStep, from: 'undo' | 'redo'): UndoState {
  const team = next.team ?? item.team;
  const moved = renameIn(state, item.team, team);
  const taken: UndoItem = { ...item, team, action: next.action, seq: next.seq, trash: next.trash };
  const to = from === 'undo' ? 'redo' : 'undo';
  return { ...moved, [from]: moved[from].filter((i) => i.key !== item.key), [to]: [...moved[to], taken] } as UndoState;
}

/** `item` was undone; `next` says how to redo it (in `next.team`, which differs after undoing a rename). */
export function afterUndo(state: UndoState, item: UndoItem, next: NextStep): UndoState {
  return move(state, item, next, 'undo');
}

/** `item` (from the redo stack) was redone; `next` says how to undo it again. */
export function afterRedo(state: UndoState, item: UndoItem, next: NextStep): UndoState {
  return move(state, item, next, 'redo');
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
    if (c.op === 'team.rename' && input && typeof input === 'object' && 'team' in input)
      out.push([String((input as { team: unknown }).team), c.team]);
  }
  return out;
}

/** Steps whose undo the window offers in a toast: they remove or break something. */
export function isDestructive(item: UndoItem): boolean {
  return ['team.remove-member', 'task.delete', 'team.delete'].includes(item.op) || /^broke |^released the stalled claim/.test(item.label);
}
