import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { AgentStatusView } from '../../../shared/agents-api';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { keys } from '../state/queries';

/** What the team view knows about its agents: liveness per member, and which dialog or panel is open. */
export interface AgentsState {
  team: string;
  statuses: Map<string, AgentStatusView>;
  /** The working folder offered when starting (remembered per team in main). */
  cwd: string;
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

interface Agents {
  statuses: Map<string, AgentStatusView>;
  cwd: string;
}

const AgentsContext = createContext<AgentsState | null>(null);
const NONE: Agents = { statuses: new Map(), cwd: '' };

export function useAgents(): AgentsState | null {
  return useContext(AgentsContext);
}

/** Lists the team's agents (a query), then follows main's agentsChanged pushes; the budget's notices reach the message line. */
export function AgentsProvider({ team, children }: { team: string; children: React.ReactNode }) {
  const api = useApi();
  const { fail, onMessage } = useNotices();
  const client = useQueryClient();
  const [panel, openPanel] = useState<string | null>(null);
  const [starting, openStart] = useState<string | null>(null);
  const [stopping, openStop] = useState<string | null>(null);
  const { data = NONE } = useQuery({
    queryKey: keys.agents(team),
    queryFn: async (): Promise<Agents> => {
      try {
        const r = await call(api, 'listAgents', { team });
        return { statuses: new Map(r.agents.map((a) => [a.agent, a])), cwd: r.cwd };
      } catch (err) {
        fail(err);
        throw err;
      }
    },
  });

  const [shownTeam, setShownTeam] = useState(team);
  if (shownTeam !== team) {
    setShownTeam(team);
    openPanel(null);
  }

  useEffect(() => {
    const offChanged = api.on('agentsChanged', (e) => {
      if (e.team !== team) return;
      client.setQueryData<Agents>(keys.agents(team), (s) => ({ cwd: s?.cwd ?? '', statuses: new Map(e.agents.map((a) => [a.agent, a])) }));
    });
    const offNotice = api.on('agentNotice', (e) => e.team === team && onMessage(e.message, true));
    return () => {
      offChanged();
      offNotice();
    };
  }, [api, client, team, onMessage]);

  const update = useCallback(
    (status: AgentStatusView) =>
      client.setQueryData<Agents>(keys.agents(team), (s = NONE) => ({
        statuses: new Map(s.statuses).set(status.agent, status),
        cwd: status.run?.cwd || s.cwd,
      })),
    [client, team],
  );

  const { statuses, cwd } = data;
  const value = useMemo<AgentsState>(
    () => ({ team, statuses, cwd, panel, openPanel, starting, openStart, stopping, openStop, update }),
    [team, statuses, cwd, panel, starting, stopping, update],
  );
  return <AgentsContext.Provider value={value}>{children}</AgentsContext.Provider>;
}
