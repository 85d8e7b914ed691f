import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiResult, LockstepApi } from '../../../shared/api';
import { CallError, describeFailure } from '../api';
import { isTyping } from './shortcuts';
import {
  afterRedo,
  afterUndo,
  dropStep,
  EMPTY_UNDO,
  nextStep,
  recordChanges,
  renameIn,
  renamesIn,
  topOf,
  type NextStep,
  type UndoItem,
  type UndoState,
} from './undoStack';

interface Options {
  /** The team on screen: Ctrl+Z undoes its last change. */
  team: string | null;
  onMessage(text: string, error?: boolean): void;
  /** Undoing or redoing a rename changed the team's name. */
  onTeamRenamed?(from: string, to: string): void;
  /** A deleted team came back: show it. */
  onTeamRestored?(team: string): void;
  /** A call of this window journaled changes in these teams (the activity view reads them then). */
  onJournaled?(teams: string[]): void;
}

/** Takes one step through the API: the journal's undo, or the trash for deleted teams. */
async function take(api: LockstepApi, item: UndoItem, kind: 'undo' | 'redo'): Promise<NextStep | null> {
  const unwrap = <T>(result: ApiResult<T>): ApiResult<T> & { ok: true } => {
    if (!result.ok) throw new CallError(result.error);
    return result;
  };
  if (item.action === 'restore') {
    const result = unwrap(await api.restoreTeam({ trash: item.trash as string }));
    return nextStep(item, { team: result.value.name });
  }
  if (item.action === 'delete') {
    const result = unwrap(await api.deleteTeam({ team: item.team }));
    return nextStep(item, { trash: result.value.trash ?? undefined });
  }
  const result = unwrap(await api.undo({ team: item.team, seq: item.seq, redo: kind === 'redo' }));
  return nextStep(item, { seq: result.journaled?.[0]?.seq, trash: result.value.trash, team: result.value.team });
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

/**
 * The window's undo and redo (Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y, Edit › Undo / Redo). Each step is undone through the
 * journal by number (`undo {team, seq}`), so main's conflict check decides, and the window's own earlier steps never
 * count as somebody else's change. A refusal says who did what, and drops only that step.
 */
export function useUndoStack(api: LockstepApi, { team, onMessage, onTeamRenamed, onTeamRestored, onJournaled }: Options): UndoStack {
  const [state, setRendered] = useState<UndoState>(EMPTY_UNDO);
  // The stack as of now (a queued step must see the previous step's result before React renders it).
  const stateRef = useRef(state);
  const setState = useCallback((change: (s: UndoState) => UndoState) => {
    stateRef.current = change(stateRef.current);
    setRendered(stateRef.current);
  }, []);
  const teamRef = useRef(team);
  teamRef.current = team;
  // Steps run one after another, in the order they were asked for (five quick Ctrl+Z are five steps).
  const queue = useRef<Promise<void>>(Promise.resolve());
  const callbacks = useRef({ onMessage, onTeamRenamed, onTeamRestored, onJournaled });
  callbacks.current = { onMessage, onTeamRenamed, onTeamRestored, onJournaled };

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
              setState((s) =>
                recordChanges(
                  renamesIn(changes, input).reduce((n, [from, to]) => renameIn(n, from, to), s),
                  changes,
                  Date.now(),
                ),
              );
              callbacks.current.onJournaled?.([...new Set(changes.map((c) => c.team))]);
            }
            return result;
          };
        },
      }),
    [api, setState],
  );

  const takeStep = useCallback(
    async (kind: 'undo' | 'redo', chosen?: UndoItem) => {
      const { onMessage: say } = callbacks.current;
      const current = stateRef.current;
      // A step chosen from the toast that was taken meanwhile (Ctrl+Z got there first) is not taken twice.
      if (chosen && !current.undo.some((i) => i.key === chosen.key)) return;
      const item = chosen ?? topOf(kind === 'undo' ? current.undo : current.redo, teamRef.current);
      if (!item) {
        say(kind === 'undo' ? 'Nothing of yours to undo in this team.' : 'Nothing to redo in this team.');
        return;
      }
      try {
        const next = await take(api, item, kind);
        const team = next?.team ?? item.team;
        setState((s) => (next === null ? dropStep(s, item) : kind === 'undo' ? afterUndo(s, item, next) : afterRedo(s, item, next)));
        if (team !== item.team) callbacks.current.onTeamRenamed?.(item.team, team);
        if (item.action === 'restore') callbacks.current.onTeamRestored?.(team);
        const top = !chosen || topOf(current.undo, item.team)?.key === item.key;
        say(kind === 'undo' ? `${top ? 'Undid your last change' : 'Undid'}: ${item.label}.` : `Redid: ${item.label}.`);
      } catch (err) {
        if (!(err instanceof CallError) || FINAL.has(err.code)) setState((s) => dropStep(s, item));
        say(`Could not ${kind} your change (${item.label}): ${describeFailure(err)}`, true);
      }
    },
    [api, setState],
  );

  const step = useCallback(
    (kind: 'undo' | 'redo', chosen?: UndoItem): Promise<void> => (queue.current = queue.current.then(() => takeStep(kind, chosen))),
    [takeStep],
  );

  const undo = useCallback((item?: UndoItem) => step('undo', item), [step]);
  const redo = useCallback(() => step('redo'), [step]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || isTyping(e.target)) return;
      // Inside a dialog (a confirmation, the conflict question) the board's undo waits until it is closed.
      if ((e.target as Element | null)?.closest?.('dialog')) return;
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
      // The other menu commands (new task, find, …) are the window's and the team view's.
      if (command !== 'undo' && command !== 'redo') return;
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
