import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { AgentStatusView } from '../../../shared/agents-api';
import type { LockstepApi } from '../../../shared/api';
import { call, describeFailure } from '../api';
import type { OnMessage } from '../state/messages';

/** What the team view knows about its agents: liveness per member, and which dialog or panel is open. */
export interface AgentsState {
  api: LockstepApi;
  team: string;
  statuses: Map<string, AgentStatusView>;
  /** The working folder offered when starting (remembered per team in main). */
  cwd: string;
  onMessage: OnMessage;
  /** The member whose output panel is open. */
  panel: string | null;
  openPanel(agent: string | null): void;
  /** Start dialog: for one member, or the whole team (`'*'`). */
  starting: string | null;
  openStart(agent: string | null): void;
  stopping: string | null;
  openStop(agent: string | null): void;
  /** Adopt what a call answered at once (the watcher confirms it later). */
  update(status: AgentStatusView): void;
}

const AgentsContext = createContext<AgentsState | null>(null);

export function useAgents(): AgentsState | null {
  return useContext(AgentsContext);
}

interface Props {
  api: LockstepApi;
  team: string;
  onMessage: OnMessage;
  children: React.ReactNode;
}

/** Lists the team's agents, then follows main's agentsChanged pushes; the budget's notices reach the message line. */
export function AgentsProvider({ api, team, onMessage, children }: Props) {
  const [statuses, setStatuses] = useState<Map<string, AgentStatusView>>(new Map());
  const [cwd, setCwd] = useState('');
  const [panel, openPanel] = useState<string | null>(null);
  const [starting, openStart] = useState<string | null>(null);
  const [stopping, openStop] = useState<string | null>(null);
  const adopt = useCallback((agents: AgentStatusView[]) => setStatuses(new Map(agents.map((a) => [a.agent, a]))), []);

  useEffect(() => {
    let live = true;
    setStatuses(new Map());
    openPanel(null);
    call(api, 'listAgents', { team })
      .then((r) => {
        if (!live) return;
        adopt(r.agents);
        setCwd(r.cwd);
      })
      .catch((err) => live && onMessage(describeFailure(err), true));
    const offChanged = api.on('agentsChanged', (e) => e.team === team && adopt(e.agents));
    const offNotice = api.on('agentNotice', (e) => e.team === team && onMessage(e.message, true));
    return () => {
      live = false;
      offChanged();
      offNotice();
    };
  }, [api, team, adopt, onMessage]);

  const update = useCallback((status: AgentStatusView) => {
    setStatuses((prev) => new Map(prev).set(status.agent, status));
    if (status.run?.cwd) setCwd(status.run.cwd);
  }, []);

  const value = useMemo<AgentsState>(
    () => ({ api, team, statuses, cwd, onMessage, panel, openPanel, starting, openStart, stopping, openStop, update }),
    [api, team, statuses, cwd, onMessage, panel, starting, stopping, update],
  );
  return <AgentsContext.Provider value={value}>{children}</AgentsContext.Provider>;
}
