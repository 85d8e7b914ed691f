import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { stateWords } from './AgentLine';
import { useAgents, type AgentsState } from './AgentsContext';
import { OutputLines } from './OutputLines';
import { useAgentLog } from './useAgentLog';

function Output({ agents, agent }: { agents: AgentsState; agent: string }) {
  const log = useAgentLog(useApi(), agents.team, agent);
  return (
    <>
      {log.start > 0 && (
        <button type="button" className="link-button agent-earlier" onClick={() => void log.showEarlier()}>
          Show earlier output
        </button>
      )}
      {log.error && (
        <p className="field-problem" role="alert">
          {log.error}
        </p>
      )}
      <OutputLines key={log.runId ?? ''} lines={log.lines} label={`${agent}'s output`} />
    </>
  );
}

/** One member's agent: its state, Stop (asks first) and Restart, and its live output. */
export function AgentPanel() {
  const agents = useAgents();
  const api = useApi();
  const { fail } = useNotices();
  if (!agents || !agents.panel) return null;
  const agent = agents.panel;
  const status = agents.statuses.get(agent);
  const live = status?.state === 'running' || status?.state === 'idle';
  const restart = async () => {
    try {
      agents.update(await call(api, 'restartAgent', { team: agents.team, agent }));
    } catch (err) {
      fail(err);
    }
  };
  return (
    <section className="agent-panel" aria-label={`Agent ${agent}`} data-testid="agent-panel">
      <header className="agent-panel-head">
        <h3>{agent}</h3>
        <span className={`agent-state agent-${status?.state ?? 'not-started'}`} data-testid="agent-panel-state">
          <span className="agent-dot" aria-hidden="true" />
          {stateWords(status)}
          {status?.pid ? ` · pid ${status.pid}` : ''}
        </span>
        <span className="spacer" />
        {live && (
          <button type="button" className="danger" onClick={() => agents.openStop(agent)}>
            Stop…
          </button>
        )}
        {status?.run && (
          <button type="button" onClick={() => void restart()}>
            Restart
          </button>
        )}
        <button type="button" className="icon-button" aria-label="Close the agent panel" onClick={() => agents.openPanel(null)}>
          ×
        </button>
      </header>
      {status?.run ? <Output key={agent} agents={agents} agent={agent} /> : <p className="muted">{agent} has not run yet.</p>}
    </section>
  );
}

/** The open agent's panel, only while one is open: otherwise the board keeps all the room. */
export function AgentsBar() {
  const agents = useAgents();
  if (!agents?.panel) return null;
  return (
    <div className="agents-region">
      <AgentPanel />
    </div>
  );
}
