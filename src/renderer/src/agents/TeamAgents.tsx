import type { LockstepApi } from '../../../shared/api';
import type { OnMessage } from '../state/messages';
import { AgentsProvider } from './AgentsContext';
import { StartAgentDialog } from './StartAgentDialog';
import { StopAgentDialog } from './StopAgentDialog';
import './agents.css';
import { AgentsAttention } from './AgentsAttention';

export { AgentsBar } from './AgentPanel';

/** A team's agents for the team view: liveness for the member cards, the agent panel, and the start/stop dialogs. */
export function TeamAgents(props: { api: LockstepApi; team: string; members: string[]; onMessage: OnMessage; children: React.ReactNode }) {
  return (
    <AgentsProvider api={props.api} team={props.team} onMessage={props.onMessage}>
      {props.children}
      <AgentsAttention />
      <StartAgentDialog members={props.members} />
      <StopAgentDialog />
    </AgentsProvider>
  );
}
