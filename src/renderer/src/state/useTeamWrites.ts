import { useCallback, useMemo, useRef, useState } from 'react';
import { claimOnMove } from '../../../shared/claims';
import type { Task, TaskStatus, VersionedTask } from '../../../shared/domain';
import { call, CallError } from '../api';
import { STATUS_LABEL } from '../board/logic';
import type { DetailActions } from '../components/detail/actions';
import { conflictFields, type ConflictField, type DiscardedText } from '../components/detail/conflict';
import { useApi } from './api-context';
import { useNotices } from './messages';
import type { useTeam } from './useTeam';

export interface ConflictPrompt {
  message: string;
  /** The fields of my change that are saved differently now: mine beside theirs (ConflictDialog). */
  fields?: ConflictField[];
  /** The task of the conflicting write. */
  taskId?: string;
  applyMine(): Promise<void>;
}

interface Options {
  team: string;
  agentName: string;
  data: ReturnType<typeof useTeam>;
  onDeleted(id: string): void;
}

/**
 * Every write the team view makes. A write is shown at once, then confirmed by the store or rolled back to what is
 * on disk with one clear sentence; a stale view becomes a conflict prompt, never a silent overwrite. A write costs
 * one call: the team list's counts follow from the watcher's countsChanged, not from re-reading every team.
 */
export function useTeamWrites({ team, agentName, data, onDeleted }: Options) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  const [pendingIds, setPendingIds] = useState<Set<string>>(new Set());
  const [conflict, setConflict] = useState<ConflictPrompt | null>(null);
  // Bumped when the person keeps somebody else's version: the task panel drops the text they had typed.
  const [panelSeq, setPanelSeq] = useState(0);
  const { applyTask, refreshIds, removeTask } = data;

  const markPending = (id: string, on: boolean) =>
    setPendingIds((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  // Blockers are named by their subjects in what the person reads (the tasks as last seen).
  const subjects = useRef(data.tasks);
  subjects.current = data.tasks;
  const write = useCallback(
    async (
      task: VersionedTask,
      optimistic: Partial<Task> | null,
      run: (expectVersion: string | undefined) => Promise<VersionedTask>,
      done: string | null,
    ): Promise<void> => {
      markPending(task.id, true);
      if (optimistic) applyTask({ ...task, ...optimistic });
      // A write that waits for the team lock (another writer holds it, or one that crashed until its lock goes
      // stale) says so instead of looking frozen.
      let busy = false;
      const slow = setTimeout(() => {
        busy = true;
        onMessage(`Saving "${task.subject}": the store is busy (another writer holds the team lock); waiting…`);
      }, 800);
      try {
        applyTask(await run(task.version));
        // A step the undo toast announces has no line of its own, unless the "busy" line must be replaced.
        const said = done ?? (busy ? `Saved "${task.subject}".` : null);
        if (said) onMessage(said);
      } catch (err) {
        // The database is away: nothing can be re-read, so the card goes back to what it was (the full re-read
        // after reconnecting shows whatever did happen).
        if (err instanceof CallError && err.code === 'STORE_UNAVAILABLE') applyTask(task);
        else await refreshIds([task.id]);
        if (err instanceof CallError && err.code === 'CONFLICT') {
          const current = err.error.details.current as VersionedTask | undefined;
          setConflict({
            message: err.message,
            fields: conflictFields(optimistic, current),
            taskId: task.id,
            applyMine: async () => {
              setConflict(null);
              if (current) await write(current, optimistic, run, done);
            },
          });
        } else fail(err);
      } finally {
        clearTimeout(slow);
        markPending(task.id, false);
      }
    },
    [applyTask, refreshIds, onMessage, fail],
  );

  const assign = useCallback(
    (task: VersionedTask, owner: string) =>
      void write(
        task,
        { owner },
        (expectVersion) => call(api, 'assignTask', { team, id: task.id, owner, expectVersion }),
        `Assigned "${task.subject}" to ${owner}.`,
      ),
    [api, team, write],
  );
  const move = useCallback(
    (task: VersionedTask, status: TaskStatus) =>
      void write(
        task,
        { status, ...(claimOnMove(status) === 'claim' ? { lockedBy: agentName } : { lockedBy: '', lockedAt: '' }) },
        (expectVersion) => call(api, 'moveTask', { team, id: task.id, status, expectVersion }),
        `Moved "${task.subject}" to ${STATUS_LABEL[status].toLowerCase()}.`,
      ),
    [api, team, write, agentName],
  );

  const actions = useMemo<Omit<DetailActions, 'close'>>(
    () => ({
      save: (task, patch) =>
        void write(task, patch, (expectVersion) => call(api, 'updateTask', { team, id: task.id, patch, expectVersion }), 'Saved.'),
      addBlocker: (task, blockerId) =>
        void write(
          task,
          null,
          (expectVersion) => call(api, 'updateTask', { team, id: task.id, patch: { addBlockedBy: [blockerId] }, expectVersion }),
          `"${task.subject}" now waits for "${subjects.current.get(blockerId)?.subject ?? blockerId}".`,
        ),
      removeBlocker: (task, blockerId) =>
        void write(
          task,
          null,
          (expectVersion) => call(api, 'updateTask', { team, id: task.id, patch: { removeBlockedBy: [blockerId] }, expectVersion }),
          `"${task.subject}" no longer waits for "${subjects.current.get(blockerId)?.subject ?? blockerId}".`,
        ),
      claim: (task) =>
        void write(
          task,
          null,
          (expectVersion) => call(api, 'claimTask', { team, id: task.id, expectVersion }),
          `You hold "${task.subject}".`,
        ),
      release: (task) =>
        void write(task, null, (expectVersion) => call(api, 'releaseTask', { team, id: task.id, expectVersion }), 'Released.'),
      forceRelease: (task, reason) =>
        void write(task, null, (expectVersion) => call(api, 'forceReleaseTask', { team, id: task.id, reason, expectVersion }), null), // the undo toast announces it
      complete: (task) =>
        void write(
          task,
          null,
          (expectVersion) => call(api, 'completeTask', { team, id: task.id, expectVersion }),
          `Completed "${task.subject}".`,
        ),
      remove: async (task) => {
        try {
          await call(api, 'deleteTask', { team, id: task.id, expectVersion: task.version });
          removeTask(task.id);
          onDeleted(task.id);
          // The undo toast announces it (with its Undo); no second line says the same.
        } catch (err) {
          fail(err);
          await refreshIds([task.id]);
        }
      },
    }),
    [api, team, write, removeTask, refreshIds, onDeleted, fail],
  );

  /** My text a kept "theirs" replaced, kept in the task panel (and said where) so no typing is lost. */
  const [discarded, setDiscarded] = useState<DiscardedText | null>(null);
  const keepTheirs = useCallback(
    (fields: ConflictField[], copied: boolean) => {
      const text = fields.filter((f) => f.text);
      if (conflict?.taskId && text.length) {
        setDiscarded({ taskId: conflict.taskId, fields: text });
        onMessage(`Kept their text. Yours is ${copied ? 'on the clipboard and ' : ''}under “Your discarded text” in the task.`);
      }
      setConflict(null);
      setPanelSeq((n) => n + 1);
    },
    [conflict, onMessage],
  );

  return { pendingIds, conflict, setConflict, keepTheirs, panelSeq, discarded, setDiscarded, assign, move, actions };
}
