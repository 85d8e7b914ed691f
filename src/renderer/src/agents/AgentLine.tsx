import type { AgentStatusView } from '../../../shared/agents-api';
import { useAgents } from './AgentsContext';

const clock = (ms: number | null): string => (ms === null ? '' : new Date(ms).toTimeString().slice(0, 8));

/** The state in a few words: "running since 22:14:03", "exited with code 143 at 22:20:11", "not started". */
export function stateWords(s: AgentStatusView | undefined): string {
  const words = liveness(s);
  // Known from ClawTeam's spawn registry only: no output to show here.
  return s?.source === 'registry' ? `${words}, started outside Lockstep (ClawTeam or a terminal)` : words;
}

function liveness(s: AgentStatusView | undefined): string {
  if (!s || s.state === 'not-started') return 'not started';
  const since = s.sinceMs !== null ? ` since ${clock(s.sinceMs)}` : '';
  if (s.state === 'running') return `running${since}`;
  if (s.state === 'idle') return `idle${since}`;
  if (s.state === 'unknown') return 'unknown';
  const how = s.exitCode !== null ? ` with code ${s.exitCode}` : s.signal ? ` (${s.signal})` : '';
  return `exited${how}${s.sinceMs !== null ? ` at ${clock(s.sinceMs)}` : ''}`;
}

/** The same, short enough for a card: "running · 22:14:03", "exit 143 · 22:20:11" (the full words are its title). */
export function shortStateWords(s: AgentStatusView | undefined): string {
  if (!s || s.state === 'not-started' || s.state === 'unknown') return stateWords(s);
  const at = s.sinceMs !== null ? ` · ${clock(s.sinceMs)}` : '';
  if (s.state !== 'exited') return `${s.state}${at}`;
  return `${s.exitCode !== null ? `exit ${s.exitCode}` : (s.signal ?? 'exited')}${at}`;
}

/** A member card's agent line: liveness, last output, and the way to its output panel or to start it. */
export function AgentLine({ member }: { member: string }) {
  const agents = useAgents();
  if (!agents) return null;
  const status = agents.statuses.get(member);
  const state = status?.state ?? 'not-started';
  const live = state === 'running' || state === 'idle';
  const stop = (e: React.MouseEvent) => e.stopPropagation();
  return (
    <div className={`agent-line agent-${state}`} data-testid={`agent-line-${member}`} onClick={stop}>
      <div className="agent-head">
        <div className="agent-state" data-testid={`agent-state-${member}`} data-state={state} title={stateWords(status)}>
          <span className="agent-dot" aria-hidden="true" />
          {shortStateWords(status)}
        </div>
        <div className="agent-actions">
          {status?.run && (
            <button type="button" className="link-button" onClick={() => agents.openPanel(member)} aria-label={`Show ${member}'s output`}>
              Output
            </button>
          )}
          {!live && (
            <button type="button" className="link-button" onClick={() => agents.openStart(member)} aria-label={`Start agent ${member}…`}>
              Start agent…
            </button>
          )}
        </div>
      </div>
      {status?.deadWithClaims && (
        <div className="agent-dead-claims" role="status" title={status.claims.map((c) => c.subject).join(', ')}>
          Dead, still holds {status.claims.length === 1 ? '1 claim' : `${status.claims.length} claims`}:{' '}
          {status.claims.map((c) => c.subject).join(', ')}
        </div>
      )}
      {status?.lastOutput && (
        <div className="agent-last" title={status.lastOutput.line}>
          {status.lastOutput.line}
        </div>
      )}
    </div>
  );
}
