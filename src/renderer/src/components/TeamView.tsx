import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority } from '../../../shared/domain';
import { call } from '../api';
import { EMPTY_FILTER, STATUS_LABEL, type BoardFilter } from '../board/logic';
import type { OnMessage } from '../state/messages';
import { modalOpen, useShortcuts } from '../state/shortcuts';
import { useTeam } from '../state/useTeam';
import { useTeamWrites } from '../state/useTeamWrites';
import { Board } from './Board';
import { DetailPanel } from './DetailPanel';
import { Dialog } from './Dialog';
import { Field, nameInputProblem } from './Field';
import { NewTaskDialog } from './NewTaskDialog';
import { RadarPanel } from './RadarPanel';

interface Props {
  api: LockstepApi;
  team: string;
  agentName: string;
  focusRequest: { id: string; seq: number } | null;
  onMessage: OnMessage;
  onChanged(): void;
}

/** One team: its toolbar (new task, search, filters, members, stall radar), the board, and the task panel beside it. */
export function TeamView({ api, team, agentName, focusRequest, onMessage, onChanged }: Props) {
  const data = useTeam(api, team);
  const [filter, setFilter] = useState<BoardFilter>(EMPTY_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creatingTask, setCreatingTask] = useState(false);
  const [addingMember, setAddingMember] = useState(false);
  const [radarOpen, setRadarOpen] = useState(false);
  const [radarKey, setRadarKey] = useState(0);
  // Bumped when the person keeps somebody else's version: the detail panel drops the text they had typed.
  const [panelSeq, setPanelSeq] = useState(0);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const filterMenuRef = useRef<HTMLDetailsElement | null>(null);
  // The filter menu closes when the person clicks elsewhere, as menus do.
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      const menu = filterMenuRef.current;
      if (menu?.open && !menu.contains(e.target as Node)) menu.open = false;
    };
    document.addEventListener('pointerdown', onDown);
    return () => document.removeEventListener('pointerdown', onDown);
  }, []);
  const onDeleted = useCallback(() => setSelectedId(null), []);
  const writes = useTeamWrites({ api, team, agentName, data, onMessage, onChanged, onDeleted });
  const { fail } = writes;

  useEffect(() => {
    if (focusRequest) setSelectedId(focusRequest.id);
  }, [focusRequest]);
  useEffect(() => setSelectedId(null), [team]);

  const focusSearch = () => {
    searchRef.current?.focus();
    searchRef.current?.select();
  };
  const closePanel = () => {
    if (document.querySelector('[data-testid="detail-panel"] form[data-dirty="true"]')) {
      onMessage('The task panel has text you have not saved: Save text or Discard it, then close the panel.', true);
      return;
    }
    setSelectedId(null);
  };
  useShortcuts({
    // The key must not also type an "n" into the dialog's subject, which takes the focus at once.
    n: (e) => {
      e.preventDefault();
      setCreatingTask(true);
    },
    '/': (e) => {
      e.preventDefault();
      focusSearch();
    },
    'Mod+f': (e) => {
      e.preventDefault();
      focusSearch();
    },
    Escape: (e) => {
      // Dialogs close themselves; a card being dragged cancels its drag; a search box being typed in keeps the key.
      if (modalOpen() || document.querySelector('.card.dragging') || e.target === searchRef.current) return;
      if (selectedId) closePanel();
    },
  });
  useEffect(
    () =>
      api.on('menuCommand', ({ command }) => {
        if (command === 'newTask') setCreatingTask(true);
        else if (command === 'find') focusSearch();
      }),
    [api],
  );

  const owners = useMemo(() => {
    const names = new Set<string>(data.config?.members.map((m) => m.name) ?? []);
    for (const t of data.tasks.values()) if (t.owner) names.add(t.owner);
    return [...names].sort();
  }, [data.config, data.tasks]);

  if (data.error) return <div className="team-view"><p role="alert" className="error">{data.error}</p></div>;
  if (!data.config) return <div className="team-view"><p className="muted">Loading {team}…</p></div>;
  const config = data.config;
  const selected = selectedId ? data.tasks.get(selectedId) ?? null : null;
  const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);
  const filtering = filter.statuses.length + filter.priorities.length;

  return (
    <div className="team-view">
      <header className="team-head">
        <div className="team-title" title={config.description || undefined}>
          <h1>{config.name}</h1>
          {config.description && <p className="muted">{config.description}</p>}
        </div>
        <button type="button" className="primary" onClick={() => setCreatingTask(true)} title="New task (N)" aria-keyshortcuts="N">
          New task
        </button>
        <div className="filters" role="search" aria-label="Filter tasks">
          <input
            ref={searchRef}
            type="search"
            aria-label="Search tasks"
            aria-keyshortcuts="/ Control+F"
            placeholder="Search…"
            title="Search tasks (/ or Ctrl+F)"
            value={filter.text}
            onChange={(e) => setFilter({ ...filter, text: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                if (filter.text) setFilter({ ...filter, text: '' });
                else e.currentTarget.blur();
              }
            }}
          />
          <select aria-label="Filter by owner or holder" value={filter.owner} onChange={(e) => setFilter({ ...filter, owner: e.target.value })}>
            <option value="">Anyone</option>
            {owners.map((o) => <option key={o} value={o}>{o}</option>)}
          </select>
          <details className="filter-menu" ref={filterMenuRef} onKeyDown={(e) => e.key === 'Escape' && e.currentTarget.open && ((e.currentTarget.open = false), e.stopPropagation())}>
            <summary title="Filter by status and priority">Filter{filtering ? ` (${filtering})` : ''}</summary>
            <div className="filter-popover">
              <fieldset>
                <legend>Status</legend>
                {TASK_STATUSES.map((s) => (
                  <label key={s} className="chip"><input type="checkbox" checked={filter.statuses.includes(s)} onChange={() => setFilter({ ...filter, statuses: toggle(filter.statuses, s) })} />{STATUS_LABEL[s]}</label>
                ))}
              </fieldset>
              <fieldset>
                <legend>Priority</legend>
                {TASK_PRIORITIES.map((p: TaskPriority) => (
                  <label key={p} className="chip"><input type="checkbox" checked={filter.priorities.includes(p)} onChange={() => setFilter({ ...filter, priorities: toggle(filter.priorities, p) })} />{p}</label>
                ))}
              </fieldset>
            </div>
          </details>
          {(filter.text || filter.owner || filtering > 0) && (
            <button type="button" className="link" onClick={() => setFilter(EMPTY_FILTER)}>Clear filters</button>
          )}
        </div>
        <div className="team-actions-right">
          <button type="button" onClick={() => setAddingMember(true)}>+ Member</button>
          <button type="button" aria-pressed={radarOpen} onClick={() => { setRadarOpen(!radarOpen); setRadarKey((k) => k + 1); }}>Stall radar</button>
        </div>
      </header>

      {radarOpen && <RadarPanel api={api} team={team} refreshKey={radarKey} onMessage={(t, e) => { onMessage(t, e); void data.reload(); }} />}

      <div className={`workspace${selected ? ' with-panel' : ''}`}>
        <div className="board-area">
          <Board
            config={config}
            tasks={data.tasks}
            filter={filter}
            agentName={agentName}
            selectedId={selectedId}
            pendingIds={writes.pendingIds}
            onOpen={setSelectedId}
            onFocusTask={(id) => setSelectedId(id)}
            onAssign={writes.assign}
            onMove={writes.move}
            onRefused={(reason) => onMessage(reason, true)}
            onRemoveMember={async (name) => {
              try {
                await call(api, 'removeMember', { team, name });
                await data.reload();
                onMessage(`Removed ${name} from ${team}.`);
                onChanged();
              } catch (err) {
                fail(err);
              }
            }}
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
        {selected && (
          <DetailPanel
            key={`${selected.id}:${panelSeq}`}
            task={selected}
            config={config}
            allTasks={data.tasks}
            agentName={agentName}
            actions={{ ...writes.actions, close: () => setSelectedId(null) }}
          />
        )}
      </div>

      {creatingTask && (
        <NewTaskDialog
          config={config}
          tasks={data.tasks}
          onClose={() => setCreatingTask(false)}
          onCreate={async (input) => {
            try {
              const task = await call(api, 'createTask', { team, task: input });
              data.applyTask(task);
              if (input.blockedBy?.length) void data.refreshIds(input.blockedBy);
              onMessage(`Created "${task.subject}".`);
              onChanged();
              return true;
            } catch (err) {
              fail(err);
              return false;
            }
          }}
        />
      )}
      {addingMember && (
        <AddMemberDialog
          taken={config.members.map((m) => m.name)}
          onClose={() => setAddingMember(false)}
          onAdd={async (name) => {
            try {
              await call(api, 'addMember', { team, name });
              await data.reload();
              onMessage(`Added ${name} to ${team}.`);
              onChanged();
              return true;
            } catch (err) {
              fail(err);
              return false;
            }
          }}
        />
      )}
      {writes.conflict && (
        <Dialog
          title="Somebody changed this task"
          onClose={() => writes.setConflict(null)}
          actions={
            <>
              <button type="button" onClick={() => { writes.setConflict(null); setPanelSeq((n) => n + 1); }}>Keep theirs</button>
              <button type="button" onClick={() => void writes.conflict?.applyMine()}>Apply mine</button>
            </>
          }
        >
          <p>{writes.conflict.message}</p>
        </Dialog>
      )}
    </div>
  );
}

function AddMemberDialog({ taken, onClose, onAdd }: { taken: string[]; onClose(): void; onAdd(name: string): Promise<boolean> }) {
  const [name, setName] = useState('');
  const problem = nameInputProblem(name, 'member', taken);
  const submit = async () => {
    if (!problem && (await onAdd(name.trim()))) onClose();
  };
  return (
    <Dialog
      title="Add a member"
      onClose={onClose}
      actions={
        <>
          {problem && <span className="why-disabled">{problem}</span>}
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="primary" disabled={Boolean(problem)} title={problem ?? undefined} onClick={() => void submit()}>Add member</button>
        </>
      }
    >
      <Field label="Name" problem={name ? problem : null} hint={name ? undefined : 'The name the agent or person uses (letters, digits, ".", "_" or "-").'}>
        {(props) => (
          <input {...props} aria-label="New member name" autoFocus value={name} maxLength={64} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void submit()} />
        )}
      </Field>
    </Dialog>
  );
}
