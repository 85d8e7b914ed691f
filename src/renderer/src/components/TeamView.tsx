import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import { call } from '../api';
import { EMPTY_FILTER, type BoardFilter } from '../board/logic';
import type { OnMessage } from '../state/messages';
import { modalOpen, useShortcuts } from '../state/shortcuts';
import { useTeam } from '../state/useTeam';
import { useTeamWrites } from '../state/useTeamWrites';
import { Board } from './Board';
import { AddMember } from './AddMemberDialog';
import { RemoveMemberDialog } from './ConfirmDialog';
import { DetailPanel } from './DetailPanel';
import { NewTaskDialog } from './NewTaskDialog';
import { RadarPanel } from './RadarPanel';
import { TeamToolbar, type Density, type TeamLayout } from './TeamToolbar';
import { TeamAttention } from '../attention/TeamAttention';
import { TaskListView } from '../list/TaskListView';
import { ProblemCards } from './ProblemCards';
import { MemberNamesProvider } from '../state/names';
import { ConflictDialog, type DiscardedText } from './ConflictDialog';
import { EditMemberProfile } from './MemberProfileDialog';
import { useStallFindings } from '../attention/radar';
import { MESSAGES_WIDE_ENOUGH, MessagePanel } from '../messages/MessagePanel';
import { MessagesProvider } from '../messages/MessagesContext';
import { AgentsBar, TeamAgents } from '../agents/TeamAgents';

interface Props {
  api: LockstepApi;
  team: string;
  agentName: string;
  focusRequest: { id: string; seq: number } | null;
  onMessage: OnMessage;
  /** The messages column: shown or folded as the person chose (null: by the window's width), and the way to choose. */
  messagesOpen: boolean | null;
  onMessagesOpen(open: boolean): void;
}

/**
 * One team: its toolbar (new task, search, filters, members, stall radar), then the workspace: the board, the task
 * panel beside it, and the messages column at the right (folded to a rail when folded, or when the window is too
 * narrow for all three while a task is open). The board yields room to both; nothing is drawn over anything.
 */
export function TeamView({ api, team, agentName, focusRequest, onMessage, messagesOpen, onMessagesOpen }: Props) {
  const data = useTeam(api, team);
  const [filter, setFilter] = useState<BoardFilter>(EMPTY_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [creatingTask, setCreatingTask] = useState(false);
  const [addingMember, setAddingMember] = useState(false);
  const [radarOpen, setRadarOpen] = useState(false);
  const [radarKey, setRadarKey] = useState(0);
  const [layout, setLayout] = useState<TeamLayout>('board');
  const [density, setDensity] = useState<Density>('comfortable');
  const stalls = useStallFindings(api, team, agentName);
  // Issue 10: removing a member asks first (ConfirmDialog), then can be undone.
  const [removingMember, setRemovingMember] = useState<string | null>(null);
  const [editingMember, setEditingMember] = useState<string | null>(null);
  // Bumped when the person keeps somebody else's version: the detail panel drops the text they had typed.
  const [panelSeq, setPanelSeq] = useState(0);
  const [discarded, setDiscarded] = useState<DiscardedText | null>(null);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const onDeleted = useCallback(() => setSelectedId(null), []);
  const writes = useTeamWrites({ api, team, agentName, data, onMessage, onDeleted });
  const { fail } = writes;

  // A new team closes the panel first; then a focus request (an activity link into that team) opens its task.
  useEffect(() => setSelectedId(null), [team]);
  useEffect(() => {
    if (focusRequest) setSelectedId(focusRequest.id);
  }, [focusRequest]);

  // Choosing a member's messages (their card or ✉ badge) shows a folded messages column, so the filter is seen.
  const showFoldedMessages = () => {
    if (messagesOpen === false || (messagesOpen === null && window.innerWidth < MESSAGES_WIDE_ENOUGH)) onMessagesOpen(true);
  };
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

  if (data.error)
    return (
      <div className="team-view">
        <p role="alert" className="error">
          {data.error}
        </p>
      </div>
    );
  if (!data.config)
    return (
      <div className="team-view">
        <p className="muted">Loading {team}…</p>
      </div>
    );
  const config = data.config;
  const showRadar = (open: boolean) => {
    setRadarOpen(open);
    setRadarKey((k) => k + 1);
    stalls.reload();
  };
  const selected = selectedId ? (data.tasks.get(selectedId) ?? null) : null;

  return (
    <MemberNamesProvider config={config}>
      <MessagesProvider api={api} team={team} agentName={agentName} onMessage={onMessage} onSelectMember={showFoldedMessages}>
        <TeamAttention
          team={team}
          agentName={agentName}
          findings={stalls.findings}
          onOpenRadar={() => showRadar(true)}
          onShowMessages={() => onMessagesOpen(true)}
        />
        <TeamAgents api={api} team={team} members={config.members.map((m) => m.name)} onMessage={onMessage}>
          <div className={`team-view density-${density}`}>
            <TeamToolbar
              config={config}
              owners={owners}
              filter={filter}
              onFilter={setFilter}
              searchRef={searchRef}
              radarOpen={radarOpen}
              stallCount={stalls.findings?.length ?? null}
              layout={layout}
              onLayout={setLayout}
              density={density}
              onDensity={setDensity}
              onNewTask={() => setCreatingTask(true)}
              onAddMember={() => setAddingMember(true)}
              onToggleRadar={() => showRadar(!radarOpen)}
            />

            {radarOpen && (
              <RadarPanel
                api={api}
                team={team}
                tasks={data.tasks}
                refreshKey={radarKey}
                agentName={agentName}
                onMessage={(t, e) => {
                  onMessage(t, e);
                  void data.reload();
                  stalls.reload();
                }}
              />
            )}

            <AgentsBar />
            <div className={`workspace${selected ? ' with-panel' : ''}`}>
              <div className="board-area">
                {layout === 'list' ? (
                  <TaskListView
                    api={api}
                    team={team}
                    config={config}
                    tasks={data.tasks}
                    filter={filter}
                    onOpen={setSelectedId}
                    onChanged={data.reload}
                    onMessage={onMessage}
                    fail={fail}
                  />
                ) : (
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
                    onRemoveMember={setRemovingMember}
                    onEditMember={setEditingMember}
                    problemsSlot={<ProblemCards problems={data.problems} />}
                  />
                )}
              </div>
              {selected && (
                <DetailPanel
                  key={`${selected.id}:${panelSeq}`}
                  task={selected}
                  config={config}
                  allTasks={data.tasks}
                  agentName={agentName}
                  actions={{ ...writes.actions, close: () => setSelectedId(null) }}
                  discarded={discarded?.taskId === selected.id ? discarded.fields : null}
                  onDismissDiscarded={() => setDiscarded(null)}
                />
              )}
              <MessagePanel
                members={config.members}
                taskOpen={Boolean(selected)}
                open={messagesOpen}
                onOpen={onMessagesOpen}
                onCloseTask={closePanel}
              />
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
                    return true;
                  } catch (err) {
                    fail(err);
                    return false;
                  }
                }}
              />
            )}
            {addingMember && (
              <AddMember {...{ api, team, config, onMessage, fail }} onClose={() => setAddingMember(false)} onAdded={data.reload} />
            )}
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
                    // The undo toast announces it (with its Undo); no second line says the same.
                  } catch (err) {
                    fail(err);
                  }
                }}
              />
            )}
            {editingMember && (
              <EditMemberProfile
                {...{ api, team, config, onMessage, fail }}
                name={editingMember}
                onClose={() => setEditingMember(null)}
                onSaved={data.reload}
              />
            )}
            {writes.conflict && (
              <ConflictDialog
                conflict={writes.conflict}
                onKeepTheirs={(fields, copied) => {
                  writes.setConflict(null);
                  const text = fields.filter((f) => f.text);
                  if (selectedId && text.length) {
                    setDiscarded({ taskId: selectedId, fields: text });
                    onMessage(`Kept their text. Yours is ${copied ? 'on the clipboard and ' : ''}under “Your discarded text” in the task.`);
                  }
                  setPanelSeq((n) => n + 1);
                }}
                onClose={() => writes.setConflict(null)}
              />
            )}
          </div>
        </TeamAgents>
      </MessagesProvider>
    </MemberNamesProvider>
  );
}
