import { describe, expect, it } from 'vitest';
import type { JournaledChange } from '../../../shared/api';
import {
  afterRedo,
  afterUndo,
  dropStep,
  EMPTY_UNDO,
  isDestructive,
  MAX_STEPS,
  nextStep,
  recordChanges,
  renameIn,
  topOf,
  type NextStep,
  type UndoState,
} from './undoStack';

const j = (seq: number, team?: string): NextStep => ({ action: 'journal', seq, team });

/** The stack's rules without a window: what Ctrl+Z and redo will name, step by step. */

const change = (seq: number, team = 'webapp', text = `change ${seq}`, op = 'task.update'): JournaledChange => ({
  team,
  seq,
  op,
  text,
  undoable: true,
});

function record(state: UndoState, ...changes: JournaledChange[]): UndoState {
  return recordChanges(state, changes, 1000);
}

describe('the undo stack', () => {
  it('undoes newest first and redoes in order, each step named by the journal entry that undoing it reverts', () => {
    let s = record(EMPTY_UNDO, change(1), change(2), change(3));
    const undos: number[] = [];
    for (const undoSeq of [10, 11, 12]) {
      const top = topOf(s.undo, 'webapp');
      undos.push(top?.seq as number);
      s = afterUndo(s, top!, j(undoSeq));
    }
    expect(undos).toEqual([3, 2, 1]);
    expect(topOf(s.undo, 'webapp')).toBeUndefined();
    // Redo takes the last undone first (change 1, undone by #12), named by the undo's entry.
    const redo1 = topOf(s.redo, 'webapp');
    expect(redo1).toMatchObject({ seq: 12, label: 'change 1' });
    s = afterRedo(s, redo1!, j(20));
    expect(topOf(s.redo, 'webapp')).toMatchObject({ seq: 11, label: 'change 2' });
    // The redone step can be undone again: it is now named by the redo's entry.
    expect(topOf(s.undo, 'webapp')).toMatchObject({ seq: 20, label: 'change 1' });
  });

  it("a new change clears that team's redo steps only", () => {
    let s = record(EMPTY_UNDO, change(1), change(1, 'research'));
    s = afterUndo(s, topOf(s.undo, 'webapp')!, j(5));
    s = afterUndo(s, topOf(s.undo, 'research')!, j(6, 'research'));
    s = record(s, change(7));
    expect(s.redo.map((i) => i.team)).toEqual(['research']);
  });

  it('a refused step leaves the stack; the rest stays usable', () => {
    let s = record(EMPTY_UNDO, change(1), change(2), change(3));
    s = dropStep(s, topOf(s.undo, 'webapp')!);
    expect(s.undo.map((i) => i.seq)).toEqual([1, 2]);
    expect(topOf(s.undo, 'webapp')?.seq).toBe(2);
  });

  it('keeps per-team tops, follows renames, ignores changes that cannot be undone, and stays bounded', () => {
    let s = record(EMPTY_UNDO, change(1, 'a'), change(1, 'b'), { ...change(2, 'a'), undoable: false });
    expect(topOf(s.undo, 'a')?.seq).toBe(1);
    s = renameIn(s, 'a', 'c');
    expect(topOf(s.undo, 'c')?.seq).toBe(1);
    expect(topOf(s.undo, 'a')).toBeUndefined();
    for (let i = 0; i < MAX_STEPS + 10; i++) s = record(s, change(100 + i, 'c'));
    expect(s.undo).toHaveLength(MAX_STEPS);
    expect(s.undo[s.undo.length - 1].seq).toBe(100 + MAX_STEPS + 9);
  });

  it('a deleted team is brought back from the trash by undo, deleted again by redo, from whichever team is on screen', () => {
    let s = record(EMPTY_UNDO, change(3, 'research'), {
      team: 'webapp',
      seq: 0,
      op: 'team.delete',
      text: 'deleted team webapp',
      undoable: true,
      trash: 'k1-abcdef',
    });
    const undo = topOf(s.undo, 'research');
    expect(undo).toMatchObject({ action: 'restore', trash: 'k1-abcdef', team: 'webapp' });
    s = afterUndo(s, undo!, nextStep(undo!, { team: 'webapp' })!);
    const redo = topOf(s.redo, 'webapp');
    expect(redo).toMatchObject({ action: 'delete', team: 'webapp' });
    s = afterRedo(s, redo!, nextStep(redo!, { trash: 'k2-123456' })!);
    expect(topOf(s.undo, 'research')).toMatchObject({ action: 'restore', trash: 'k2-123456' });
    // A journal step whose undo wrote no entry cannot be taken again.
    expect(nextStep(s.undo[0], {})).toBeNull();
  });

  it('offers the toast for removals, deletions and broken claims only', () => {
    const s = record(
      EMPTY_UNDO,
      change(1, 'w', 'removed tester from team w', 'team.remove-member'),
      change(2, 'w', 'deleted "Docs"', 'task.delete'),
      change(3, 'w', 'broke backend\'s claim on "API"', 'task.release'),
      change(4, 'w', 'released the stalled claim on "API"', 'doctor.fix'),
      change(5, 'w', 'assigned "Docs" to tester'),
      { ...change(0, 'w', 'deleted team w', 'team.delete'), trash: 'k1-abcdef' },
    );
    expect(s.undo.map(isDestructive)).toEqual([true, true, true, true, false, true]);
  });
});
