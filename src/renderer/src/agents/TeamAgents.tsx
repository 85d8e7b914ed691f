import { AgentsProvider } from './AgentsContext';
import { StartAgentDialog } from './StartAgentDialog';
import { StopAgentDialog } from './StopAgentDialog';
import './agents.css';
import { AgentsAttention } from './AgentsAttention';

export { AgentsBar } from './AgentPanel';

/** A team's agents for the team view: liveness for the member cards, the agent panel, and the start/stop dialogs. */
export function TeamAgents(props: { team: string; members: string[]; children: React.ReactNode }) {
  return (
    <AgentsProvider team={props.team}>
      {props.children}
      <AgentsAttention />
      <StartAgentDialog members={props.members} />
      <StopAgentDialog />
    </AgentsProvider>
  );
}
