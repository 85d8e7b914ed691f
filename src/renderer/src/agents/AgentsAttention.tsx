import { useReportAttention } from '../attention/attention';
import { useAgents } from './AgentsContext';

/**
 * Agents of the team on screen that exited with an error (a non-zero code other than a stop's SIGTERM), in
 * the attention signal; a click opens the first one's output. Renders nothing.
 */
export function AgentsAttention() {
  const agents = useAgents();
  // 143 is the SIGTERM of a stop; a whole group killed leaves no code (null): neither is reported here.
  const failed = [...(agents?.statuses.values() ?? [])].filter(
    (a) => a.state === 'exited' && a.exitCode !== null && a.exitCode !== 0 && a.exitCode !== 143,
  );
  useReportAttention(
    'agents',
    failed.length > 0
      ? [
          {
            key: `agents-exited:${failed.map((a) => a.agent).join(',')}`,
            label: `${failed.length} agent${failed.length === 1 ? '' : 's'} failed`,
            tone: 'danger',
            detail: failed.map((a) => a.summary).join(' '),
            onSelect: () => agents?.openPanel(failed[0].agent),
            notify: true,
          },
        ]
      : [],
  );
  return null;
}
