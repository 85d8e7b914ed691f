import { useEffect, useState } from 'react';
import type { VersionedTask } from '../../../shared/domain';
import { call } from '../api';
import { FINDING_LABEL, type Finding } from '../attention/radar';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { BreakClaimDialog } from './ConfirmDialog';

/** The stall radar: what keeps the team's work from moving, each with its one-click fix. */
export function RadarPanel({
  team,
  tasks,
  findings,
  error,
  onFixed,
}: {
  team: string;
  /** The board's tasks: a claim release names its holder and task. */
  tasks: Map<string, VersionedTask>;
  /** The team's findings (null: not read yet), the person's own inbox left out; why they could not be read. */
  findings: Finding[] | null;
  error: Error | null;
  /** A fix was tried (done or refused): the findings and what the fix touched are read again. */
  onFixed(): void;
}) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  // Releasing a claim breaks it: the same confirmation and reason as the task panel's.
  const [releasing, setReleasing] = useState<{ finding: Finding; task: VersionedTask } | null>(null);
  useEffect(() => {
    if (error) fail(error);
  }, [error, fail]);
  const fix = async (f: Finding, reason?: string) => {
    try {
      await call(api, 'fixFinding', { team, findingId: f.id, ...(reason ? { reason } : {}) });
      onMessage(`Fixed: ${f.fix.label}.`);
    } catch (err) {
      fail(err);
    }
    onFixed();
  };
  return (
    <section className="radar" aria-label="Stall radar" data-testid="radar">
      <h3>Stall radar</h3>
      {findings === null ? (
        <p className="muted">Looking…</p>
      ) : findings.length === 0 ? (
        <p className="muted">Nothing is stalled.</p>
      ) : (
        <ul>
          {findings.map((f) => (
            <li key={f.id} data-testid={`finding-${f.kind}`}>
              <span className={`finding-kind ${f.kind}`}>{FINDING_LABEL[f.kind]}</span> {f.message}
              <button
                type="button"
                onClick={() => {
                  const task = f.taskId ? tasks.get(f.taskId) : undefined;
                  if (f.fix.action === 'release' && task?.lockedBy) setReleasing({ finding: f, task });
                  else void fix(f);
                }}
              >
                {f.fix.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {releasing && (
        <BreakClaimDialog
          task={releasing.task}
          onCancel={() => setReleasing(null)}
          onConfirm={(reason) => {
            const { finding } = releasing;
            setReleasing(null);
            void fix(finding, reason);
          }}
        />
      )}
    </section>
  );
}
