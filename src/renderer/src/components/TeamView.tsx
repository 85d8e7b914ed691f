import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AgentsBar, TeamAgents } from '../agents/TeamAgents';
import { TeamAttention } from '../attention/TeamAttention';
import { useRadar } from '../attention/useRadar';
import { EMPTY_FILTER, type BoardFilter } from '../board/logic';
import { MESSAGES_WIDE_ENOUGH } from '../messages/MessagePanel';
import { MessagesProvider } from '../messages/MessagesContext';
import { useNotices } from '../state/messages';
import { MemberNamesProvider } from '../state/names';
import { useTeam } from '../state/useTeam';
import { useTeamKeys } from '../state/useTeamKeys';
import { useTeamWrites } from '../state/useTeamWrites';
import { RadarPanel } from './RadarPanel';
import { TeamDialogs, type TeamDialog } from './TeamDialogs';
import { TeamToolbar, type Density, type TeamLayout } from './TeamToolbar';
import { TeamWorkspace } from './TeamWorkspace';

interface Props {
  team: string;
  agentName: string;
  focusRequest: { id: string; seq: number } | null;
  /** The messages column: shown or folded as the person chose (null: by the window's width), and the way to choose. */
  messagesOpen: boolean | null;
  onMessagesOpen(open: boolean): void;
}

/**
 * One team: its toolbar (new task, search, filters, members, stall radar), the stall radar, the agents, then the
 * workspace (board, task panel, messages) and the team's dialogs.
 */
export function TeamView({ team, agentName, focusRequest, messagesOpen, onMessagesOpen }: Props) {
  const data = useTeam(team);
  const { onMessage } = useNotices();
  const [filter, setFilter] = useState<BoardFilter>(EMPTY_FILTER);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dialog, setDialog] = useState<TeamDialog | null>(null);
  const [layout, setLayout] = useState<TeamLayout>('board');
  const [density, setDensity] = useState<Density>('comfortable');
  const radar = useRadar(team, agentName);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const onDeleted = useCallback(() => setSelectedId(null), []);
  const writes = useTeamWrites({ team, agentName, data, onDeleted });

  // A new team closes the panel first; then a focus request (an activity link into that team) opens its task.
  useEffect(() => setSelectedId(null), [team]);
  useEffect(() => {
    if (focusRequest) setSelectedId(focusRequest.id);
  }, [focusRequest]);

  // Choosing a member's messages (their card or ✉ badge) shows a folded messages column, so the filter is seen.
  const showFoldedMessages = () => {
    if (messagesOpen === false || (messagesOpen === null && window.innerWidth < MESSAGES_WIDE_ENOUGH)) onMessagesOpen(true);
  };
  const closePanel = () => {
    if (document.querySelector('[data-testid="detail-panel"] form[data-dirty="true"]')) {
      onMessage('The task panel has text you have not saved: Save text or Discard it, then close the panel.', true);
      return;
    }
    setSelectedId(null);
  };
  const newTask = () => setDialog({ kind: 'newTask' });
  useTeamKeys({ searchRef, panelOpen: Boolean(selectedId), onNewTask: newTask, onClosePanel: closePanel });

  const owners = useMemo(() => {
    const names = new Set<string>(data.config?.members.map((m) => m.name) ?? []);
    for (const t of data.tasks.values()) if (t.owner) names.add(t.owner);
    return [...names].sort();
  }, [data.config, data.tasks]);

  if (data.error || !data.config)
    return (
      <div className="team-view">
        {data.error ? (
          <p role="alert" className="error">
            {data.error}
          </p>
        ) : (
          <p className="muted">Loading {team}…</p>
        )}
      </div>
    );
  const config = data.config;
  return (
    <MemberNamesProvider config={config}>
      <MessagesProvider team={team} agentName={agentName} onSelectMember={showFoldedMessages}>
        <TeamAttention
          team={team}
          agentName={agentName}
          findings={radar.findings}
          onOpenRadar={() => radar.show(true)}
          onShowMessages={() => onMessagesOpen(true)}
        />
        <TeamAgents team={team} members={config.members.map((m) => m.name)}>
          <div className={`team-view density-${density}`}>
            <TeamToolbar
              config={config}
              owners={owners}
              filter={filter}
              onFilter={setFilter}
              searchRef={searchRef}
              radarOpen={radar.open}
              stallCount={radar.findings?.length ?? null}
              layout={layout}
              onLayout={setLayout}
              density={density}
              onDensity={setDensity}
              onNewTask={newTask}
              onAddMember={() => setDialog({ kind: 'addMember' })}
              onToggleRadar={() => radar.show(!radar.open)}
            />
            {radar.open && (
              <RadarPanel
                team={team}
                tasks={data.tasks}
                findings={radar.findings}
                error={radar.error}
                onFixed={() => {
                  void data.reload();
                  radar.reload();
                }}
              />
            )}
            <AgentsBar />
            <TeamWorkspace
              {...{ team, config, agentName, data, writes, filter, layout, selectedId, messagesOpen, onMessagesOpen }}
              onSelect={setSelectedId}
              onDialog={setDialog}
              onClosePanel={closePanel}
            />
            <TeamDialogs team={team} config={config} data={data} writes={writes} dialog={dialog} onClose={() => setDialog(null)} />
          </div>
        </TeamAgents>
      </MessagesProvider>
    </MemberNamesProvider>
  );
}
