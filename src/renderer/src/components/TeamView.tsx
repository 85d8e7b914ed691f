import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import { TASK_PRIORITIES, TASK_STATUSES, type Task, type TaskPriority, type TaskStatus, type VersionedTask } from '../../../shared/domain';
import { call, CallError, describeFailure } from '../api';
import { EMPTY_FILTER, STATUS_LABEL, type BoardFilter } from '../board/logic';
import { useTeam } from '../state/useTeam';
import { Board } from './Board';
import { RemoveMemberDialog } from './ConfirmDialog';
import { DetailPanel, type DetailActions } from './DetailPanel';
import { Dialog } from './Dialog';
import { RadarPanel } from './RadarPanel';

interface Props {
  api: LockstepApi;
  team: string;
  agentName: string;
  now: number;
  focusRequest: { id: string; seq: number } | null;
  onMessage(text: string, error?: boolean): void;
  onChanged(): void;
}

interface ConflictPrompt {
  message: string;
  applyMine(): Promise<void>;
}

export function TeamView({ api, team, agentName, now, focusRequest, onMessage, onChanged }: Props) {
  const data = useTeam(api, team);
  const [filter, setFilter] = useState<BoardFilter>(EMPTY_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [pendingIds, setPendingIds] = useState<Set<string>>(new Set());
  const [conflict, setConflict] = useState<ConflictPrompt | null>(null);
  const [newSubject, setNewSubject] = useState('');
  const [newMember, setNewMember] = useState('');
  const [radarOpen, setRadarOpen] = useState(false);
  const [radarKey, setRadarKey] = useState(0);
  // Issue 10: removing a member asks first (ConfirmDialog), then can be undone.
  const [removingMember, setRemovingMember] = useState<string | null>(null);
  // Bumped when the person keeps somebody else's version: the detail panel drops the text they had typed.
  const [panelSeq, setPanelSeq] = useState(0);

  // A new team closes the panel first; then a focus request (an activity link into that team) opens its task.
  useEffect(() => setSelectedId(null), [team]);
  useEffect(() => {
    if (focusRequest) setSelectedId(focusRequest.id);
  }, [focusRequest]);

  const markPending = (id: string, on: boolean) =>
    setPendingIds((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  /**
   * One write from the board: shown at once, then confirmed by the store or rolled back to what is on disk with one
   * clear sentence. A stale view becomes a conflict prompt, never a silent overwrite.
   */
  const write = useCallback(
    async (task: VersionedTask, optimistic: Partial<Task> | null, run: (expectVersion: string | undefined) => Promise<VersionedTask>, done?: string) => {
      markPending(task.id, true);
      if (optimistic) data.applyTask({ ...task, ...optimistic });
      // A write that waits for the team lock (another writer holds it, or one that crashed until its lock goes
      // stale) says so instead of looking frozen.
      const slow = setTimeout(() => onMessage(`Saving "${task.subject}": the store is busy (another writer holds the team lock); waiting…`), 800);
      try {
        data.applyTask(await run(task.version));
        if (done) onMessage(done);
        onChanged();
      } catch (err) {
        await data.refreshIds([task.id]);
        if (err instanceof CallError && err.code === 'CONFLICT') {
          const current = err.error.details.current as VersionedTask | undefined;
          setConflict({
            message: err.message,
            applyMine: async () => {
              setConflict(null);
              if (current) await write(current, optimistic, run, done);
            },
          });
        } else onMessage(describeFailure(err), true);
      } finally {
        clearTimeout(slow);
        markPending(task.id, false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [data.applyTask, data.refreshIds, onMessage, onChanged],
  );

  const assign = useCallback(
    (task: VersionedTask, owner: string) =>
      void write(task, { owner }, (expectVersion) => call(api, 'assignTask', { team, id: task.id, owner, expectVersion }), `Assigned "${task.subject}" to ${owner}.`),
    [api, team, write],
  );
  const move = useCallback(
    (task: VersionedTask, status: TaskStatus) =>
      void write(
        task,
        { status, ...(status === 'in_progress' ? { lockedBy: agentName } : status !== 'blocked' ? { lockedBy: '', lockedAt: '' } : {}) },
        (expectVersion) => call(api, 'moveTask', { team, id: task.id, status, expectVersion }),
        `Moved "${task.subject}" to ${STATUS_LABEL[status].toLowerCase()}.`,
      ),
    [api, team, write, agentName],
  );

  const actions: DetailActions = {
    save: (task, patch) => void write(task, patch, (expectVersion) => call(api, 'updateTask', { team, id: task.id, patch, expectVersion }), 'Saved.'),
    addBlocker: (task, blockerId) =>
      void write(task, null, (expectVersion) => call(api, 'updateTask', { team, id: task.id, patch: { addBlockedBy: [blockerId] }, expectVersion })),
    removeBlocker: (task, blockerId) =>
      void write(task, null, (expectVersion) => call(api, 'updateTask', { team, id: task.id, patch: { removeBlockedBy: [blockerId] }, expectVersion })),
    claim: (task) => void write(task, null, (expectVersion) => call(api, 'claimTask', { team, id: task.id, expectVersion }), `You hold "${task.subject}".`),
    release: (task) => void write(task, null, (expectVersion) => call(api, 'releaseTask', { team, id: task.id, expectVersion }), 'Released.'),
    forceRelease: (task, reason) =>
      void write(task, null, (expectVersion) => call(api, 'forceReleaseTask', { team, id: task.id, reason, expectVersion }), `Broke ${task.lockedBy}'s claim.`),
    complete: (task) => void write(task, null, (expectVersion) => call(api, 'completeTask', { team, id: task.id, expectVersion }), `Completed "${task.subject}".`),
    remove: async (task) => {
      try {
        await call(api, 'deleteTask', { team, id: task.id, expectVersion: task.version });
        data.removeTask(task.id);
        setSelectedId(null);
        onMessage(`Deleted "${task.subject}".`);
        onChanged();
      } catch (err) {
        onMessage(describeFailure(err), true);
        await data.refreshIds([task.id]);
      }
    },
    close: () => setSelectedId(null),
  };

  const owners = useMemo(() => {
    const names = new Set<string>(data.config?.members.map((m) => m.name) ?? []);
    for (const t of data.tasks.values()) if (t.owner) names.add(t.owner);
    return [...names].sort();
  }, [data.config, data.tasks]);

  if (data.error) return <div className="team-view"><p role="alert" className="error">{data.error}</p></div>;
  if (!data.config) return <div className="team-view"><p className="muted">Loading {team}…</p></div>;
  const selected = selectedId ? data.tasks.get(selectedId) ?? null : null;
  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  return (
    <div className="team-view">
      <header className="team-head">
        <div>
          <h1>{data.config.name}</h1>
          {data.config.description && <p className="muted">{data.config.description}</p>}
        </div>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              const task = await call(api, 'createTask', { team, task: { subject: newSubject } });
              data.applyTask(task);
              setNewSubject('');
              onMessage(`Created "${task.subject}".`);
              onChanged();
            } catch (err) {
              onMessage(describeFailure(err), true);
            }
          }}
        >
          <input aria-label="New task subject" placeholder="New task…" value={newSubject} maxLength={500} onChange={(e) => setNewSubject(e.target.value)} />
          <button type="submit" disabled={!newSubject.trim()}>Add task</button>
        </form>
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await call(api, 'addMember', { team, name: newMember.trim() });
              setNewMember('');
              await data.reload();
              onChanged();
            } catch (err) {
              onMessage(describeFailure(err), true);
            }
          }}
        >
          <input aria-label="New member name" placeholder="New member…" value={newMember} maxLength={64} onChange={(e) => setNewMember(e.target.value)} />
          <button type="submit" disabled={!newMember.trim()}>Add member</button>
        </form>
        <button type="button" aria-pressed={radarOpen} onClick={() => { setRadarOpen(!radarOpen); setRadarKey((k) => k + 1); }}>Stall radar</button>
      </header>

      <div className="filters" role="search" aria-label="Filter tasks">
        <input aria-label="Search tasks" placeholder="Search…" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} />
        <select aria-label="Filter by owner or holder" value={filter.owner} onChange={(e) => setFilter({ ...filter, owner: e.target.value })}>
          <option value="">Anyone</option>
          {owners.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
        <fieldset>
          <legend className="sr-only">Status</legend>
          {TASK_STATUSES.map((s) => (
            <label key={s} className="chip"><input type="checkbox" checked={filter.statuses.includes(s)} onChange={() => setFilter({ ...filter, statuses: toggle(filter.statuses, s) })} />{STATUS_LABEL[s]}</label>
          ))}
        </fieldset>
        <fieldset>
          <legend className="sr-only">Priority</legend>
          {TASK_PRIORITIES.map((p: TaskPriority) => (
            <label key={p} className="chip"><input type="checkbox" checked={filter.priorities.includes(p)} onChange={() => setFilter({ ...filter, priorities: toggle(filter.priorities, p) })} />{p}</label>
          ))}
        </fieldset>
        {(filter.text || filter.owner || filter.statuses.length > 0 || filter.priorities.length > 0) && (
          <button type="button" className="link" onClick={() => setFilter(EMPTY_FILTER)}>Clear filters</button>
        )}
      </div>

      {radarOpen && <RadarPanel api={api} team={team} tasks={data.tasks} refreshKey={radarKey} onMessage={(t, e) => { onMessage(t, e); void data.reload(); }} />}

      <div className="workspace">
        <div className="board-area">
          <Board
            config={data.config}
            tasks={data.tasks}
            filter={filter}
            now={now}
            selectedId={selectedId}
            pendingIds={pendingIds}
            onOpen={setSelectedId}
            onFocusTask={(id) => setSelectedId(id)}
            onAssign={assign}
            onMove={move}
            onRemoveMember={setRemovingMember}
            problemsSlot={
              data.problems.length > 0 ? (
                <div className="problems" role="status">
                  {data.problems.map((p) => (
                    <div key={p.path} className="problem-card" data-testid="problem-card">
                      <strong>Unreadable task file</strong> <code>{p.path}</code>
                      <span className="muted"> — {p.reason}. It was left untouched; the stall radar can move it aside.</span>
                    </div>
                  ))}
                </div>
              ) : null
            }
          />
        </div>
        {selected && <DetailPanel key={`${selected.id}:${panelSeq}`} task={selected} config={data.config} allTasks={data.tasks} agentName={agentName} now={now} actions={actions} />}
      </div>

      {removingMember && (
        <RemoveMemberDialog
          team={team}
          member={removingMember}
          tasks={data.tasks.values()}
          onCancel={() => setRemovingMember(null)}
          onConfirm={async () => {
            const name = removingMember;
            setRemovingMember(null);
            try {
              await call(api, 'removeMember', { team, name });
              await data.reload();
              onChanged();
            } catch (err) {
              onMessage(describeFailure(err), true);
            }
          }}
        />
      )}
      {conflict && (
        <Dialog
          title="Somebody changed this task"
          onClose={() => setConflict(null)}
          actions={
            <>
              <button type="button" onClick={() => { setConflict(null); setPanelSeq((n) => n + 1); }}>Keep theirs</button>
              <button type="button" onClick={() => void conflict.applyMine()}>Apply mine</button>
            </>
          }
        >
          <p>{conflict.message}</p>
        </Dialog>
      )}
    </div>
  );
}
