import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import { CallError, describeFailure } from '../api';
import {
  afterRedo,
  afterUndo,
  dropStep,
  EMPTY_UNDO,
  recordChanges,
  renameIn,
  renamesIn,
  topOf,
  type UndoItem,
  type UndoState,
} from './undoStack';

interface Options {
  /** The team on screen: Ctrl+Z undoes its last change. */
  team: string | null;
  onMessage(text: string, error?: boolean): void;
  /** Undoing or redoing a rename changed the team's name. */
  onTeamRenamed?(from: string, to: string): void;
}

export interface UndoStack {
  state: UndoState;
  /** The API to hand to the board: every change made through it lands on the stack. */
  api: LockstepApi;
  undo(item?: UndoItem): Promise<void>;
  redo(): Promise<void>;
  nextUndo: UndoItem | undefined;
  nextRedo: UndoItem | undefined;
}

/** Refusals that make a step useless for good (somebody changed it, it is gone); anything else may pass. */
const FINAL = new Set(['CONFLICT', 'NOT_FOUND', 'INVALID_INPUT']);

const isTyping = (el: Element | null) =>
  !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || (el as HTMLElement).isContentEditable);

/**
 * The window's undo and redo (Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y, Edit › Undo / Redo). Each step is undone through the
 * journal by number (`undo {team, seq}`), so main's conflict check decides, and the window's own earlier steps never
 * count as somebody else's change. A refusal says who did what, and drops only that step.
 */
export function useUndoStack(api: LockstepApi, { team, onMessage, onTeamRenamed }: Options): UndoStack {
  const [state, setState] = useState<UndoState>(EMPTY_UNDO);
  const stateRef = useRef(state);
  stateRef.current = state;
  const teamRef = useRef(team);
  teamRef.current = team;
  const busy = useRef(false);
  const callbacks = useRef({ onMessage, onTeamRenamed });
  callbacks.current = { onMessage, onTeamRenamed };

  // Every call through this API that journaled something is recorded (undo itself excepted: it moves steps).
  const recording = useMemo(
    () =>
      new Proxy({} as LockstepApi, {
        get(_target, prop: string) {
          const value = (api as unknown as Record<string, unknown>)[prop];
          if (typeof value !== 'function' || prop === 'on' || prop === 'undo') return value;
          return async (input: unknown) => {
            const result = await (value as (input: unknown) => ReturnType<LockstepApi['getSettings']>)(input);
            if (result.ok && result.journaled?.length) {
              const changes = result.journaled;
              setState((s) => recordChanges(renamesIn(changes, input).reduce((n, [from, to]) => renameIn(n, from, to), s), changes, Date.now()));
            }
            return result;
          };
        },
      }),
    [api],
  );

  const step = useCallback(
    async (kind: 'undo' | 'redo', chosen?: UndoItem) => {
      const { onMessage: say } = callbacks.current;
      if (busy.current) return;
      const current = stateRef.current;
      const item = chosen ?? topOf(kind === 'undo' ? current.undo : current.redo, teamRef.current);
      if (!item) {
        say(kind === 'undo' ? 'Nothing of yours to undo in this team.' : 'Nothing to redo in this team.');
        return;
      }
      busy.current = true;
      try {
        const result = await api.undo({ team: item.team, seq: item.seq, redo: kind === 'redo' });
        if (!result.ok) throw new CallError(result.error);
        const newSeq = result.journaled?.[0]?.seq;
        const team = result.value.team ?? item.team;
        setState((s) =>
          newSeq === undefined ? dropStep(s, item) : kind === 'undo' ? afterUndo(s, item, newSeq, team) : afterRedo(s, item, newSeq, team),
        );
        if (team !== item.team) callbacks.current.onTeamRenamed?.(item.team, team);
        const top = !chosen || topOf(current.undo, item.team)?.key === item.key;
        say(kind === 'undo' ? `${top ? 'Undid your last change' : 'Undid'}: ${item.label}.` : `Redid: ${item.label}.`);
      } catch (err) {
        if (!(err instanceof CallError) || FINAL.has(err.code)) setState((s) => dropStep(s, item));
        say(`Could not ${kind} your change (${item.label}): ${describeFailure(err)}`, true);
      } finally {
        busy.current = false;
      }
    },
    [api],
  );

  const undo = useCallback((item?: UndoItem) => step('undo', item), [step]);
  const redo = useCallback(() => step('redo'), [step]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTyping(e.target as Element | null)) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        void step('undo');
      } else if ((key === 'z' && e.shiftKey) || (key === 'y' && !e.shiftKey)) {
        e.preventDefault();
        void step('redo');
      }
    };
    window.addEventListener('keydown', onKey);
    // Edit › Undo / Redo: inside a text field they edit the text, as the field's own shortcut would.
    const off = api.on('menuCommand', ({ command }) => {
      if (isTyping(document.activeElement)) document.execCommand(command);
      else void step(command);
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      off();
    };
  }, [api, step]);

  return { state, api: recording, undo, redo, nextUndo: topOf(state.undo, team), nextRedo: topOf(state.redo, team) };
}
