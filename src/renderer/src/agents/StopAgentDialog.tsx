import { useState } from 'react';
import { call } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { useAgents } from './AgentsContext';

/**
 * Stop asks first, naming the claims the agent holds; releasing them (journaled) is ticked by default and happens
 * only after the agent has stopped, for the claims it still held then.
 */
export function StopAgentDialog() {
  const agents = useAgents();
  const [release, setRelease] = useState(true);
  const api = useApi();
  const { onMessage, fail } = useNotices();
  if (!agents || !agents.stopping) return null;
  const agent = agents.stopping;
  const claims = agents.statuses.get(agent)?.claims ?? [];
  const close = () => agents.openStop(null);
  const stop = async () => {
    close();
    try {
      const result = await call(api, 'stopAgent', { team: agents.team, agent });
      if (release && result.claims.length > 0) {
        const { released } = await call(api, 'releaseAgentClaims', {
          team: agents.team,
          agent,
          taskIds: result.claims.map((c) => c.taskId),
        });
        onMessage(`Stopped ${agent} and released ${released.length === 1 ? 'its claim' : `its ${released.length} claims`}.`);
      } else {
        onMessage(result.wasRunning ? `Stopped ${agent}.` : `${agent} was not running.`);
      }
    } catch (err) {
      fail(err);
    }
  };
  return (
    <ConfirmDialog
      title={`Stop ${agent}?`}
      confirmLabel={`Stop ${agent}`}
      cancelLabel="Keep it running"
      onConfirm={() => void stop()}
      onCancel={close}
    >
      <p>{agent} gets SIGTERM, and SIGKILL if it has not ended within 5 seconds. Its output stays in its log.</p>
      {claims.length > 0 ? (
        <label className="check">
          <input type="checkbox" checked={release} onChange={(e) => setRelease(e.target.checked)} data-testid="release-claims" />
          Release its {claims.length === 1 ? 'claim' : `${claims.length} claims`} so others can take{' '}
          {claims.length === 1 ? 'that task' : 'those tasks'}: {claims.map((c) => `“${c.subject}”`).join(', ')}
        </label>
      ) : (
        <p className="muted">It holds no claims.</p>
      )}
    </ConfirmDialog>
  );
}
