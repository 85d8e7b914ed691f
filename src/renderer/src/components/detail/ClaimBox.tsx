import type { VersionedTask } from '../../../../shared/domain';
import { claimView, leaseLabel } from '../../board/logic';
import { agentsUseHint, useMemberLabel } from '../../state/names';
import { useNow } from '../../state/useNow';
import { Ago } from '../Ago';
import type { DetailActions } from './actions';

/** Who holds the task, since when, the lease; ticking on its own so the rest of the panel does not re-render. */
function ClaimStatus({ task }: { task: VersionedTask }) {
  const now = useNow();
  const memberLabel = useMemberLabel();
  const claim = claimView(task, now);
  if (!claim) return <p className="muted">Nobody is working on this task.</p>;
  return (
    <p>
      Held by <strong title={agentsUseHint(claim.holder, memberLabel(claim.holder))}>{memberLabel(claim.holder)}</strong>{' '}
      <Ago at={task.lockedAt} prefix="since " />
      {claim.token !== undefined && (
        <span className="muted" title="The claim's fencing number: a holder whose claim was taken over cannot write with an older one.">
          {' '}
          · claim #{claim.token}
        </span>
      )}
      {claim.leaseUntilMs !== undefined && <> · {leaseLabel(claim.leaseUntilMs, now)}</>}
    </p>
  );
}

/** The claim: who holds it, and Claim / Release / Force-release… / Complete as they apply. */
export function ClaimBox({
  task,
  agentName,
  waitsFor,
  actions,
  onForce,
}: {
  task: VersionedTask;
  agentName: string;
  /** Why it can be neither claimed nor completed yet, or null. */
  waitsFor: string | null;
  actions: DetailActions;
  onForce(): void;
}) {
  const heldByOther = Boolean(task.lockedBy && task.lockedBy !== agentName);
  return (
    <section className="claim-box" aria-label="Claim">
      <h3>Claim</h3>
      <ClaimStatus task={task} />
      {waitsFor && <p className="muted small why-disabled-claim">{waitsFor}</p>}
      <div className="button-row">
        {!task.lockedBy && task.status !== 'completed' && (
          <button type="button" disabled={Boolean(waitsFor)} title={waitsFor ?? undefined} onClick={() => actions.claim(task)}>
            Claim as {agentName}
          </button>
        )}
        {task.lockedBy === agentName && (
          <button type="button" onClick={() => actions.release(task)}>
            Release
          </button>
        )}
        {heldByOther && (
          <button type="button" className="danger" onClick={onForce}>
            Force-release…
          </button>
        )}
        {task.status !== 'completed' && !heldByOther && (
          <button type="button" disabled={Boolean(waitsFor)} title={waitsFor ?? undefined} onClick={() => actions.complete(task)}>
            Complete
          </button>
        )}
      </div>
    </section>
  );
}
