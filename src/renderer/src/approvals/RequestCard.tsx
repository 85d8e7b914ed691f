import { useId, useRef, useState } from 'react';
import type { TeamRequest } from '../../../shared/requests';
import { call, describeFailure } from '../api';
import { Ago } from '../components/Ago';
import { useBridge } from '../state/api-context';
import { KIND_LABEL, lateAnswer, requestSummary, requestTitle } from './logic';
import { PlanMarkdown } from './PlanMarkdown';
import { useRequestDetails } from './useRequestDetails';

interface Props {
  team: string;
  request: TeamRequest;
  /** Who the answer is sent from. */
  as: string;
  /** Answered (by this window, or somebody else first: `late` says who, in words). */
  onDone(late: string | null): void;
}

/**
 * One open request: who asks what (the plan rendered), and Approve / Reject. Rejecting needs feedback (it tells the
 * agent why); approving a shutdown is confirmed first (the agent stops). Errors are shown beside the buttons.
 */
export function RequestCard({ team, request, as, onDone }: Props) {
  const api = useBridge();
  const [feedback, setFeedback] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const feedbackRef = useRef<HTMLTextAreaElement | null>(null);
  const id = useId();
  const details = useRequestDetails(api, team, request);
  const label = request.kind === 'plan' ? 'Feedback' : 'Reason';

  const answer = async (approve: boolean) => {
    if (!approve && !feedback.trim()) {
      setError(`Write why you reject it: the ${label.toLowerCase()} goes to ${request.from}.`);
      feedbackRef.current?.focus();
      return;
    }
    if (approve && request.kind === 'shutdown' && !confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { kind, requestId, from: requester } = request;
      await call(api, 'answerRequest', { team, kind, requestId, requester, as, approve, feedback: feedback.trim() || undefined });
      onDone(null);
    } catch (err) {
      const late = lateAnswer(err);
      if (late) onDone(late);
      else setError(describeFailure(err));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const summary = requestSummary(request);
  return (
    <article className="request-card" data-testid={`request-${request.requestId}`} aria-labelledby={`${id}-title`}>
      <header className="request-head">
        <span className={`request-kind kind-${request.kind}`}>{KIND_LABEL[request.kind]}</span>
        <h3 id={`${id}-title`}>{requestTitle(request)}</h3>
        <span className="muted request-meta">
          {team} · <Ago at={request.at} />
        </span>
      </header>
      {details.tasks.length > 0 && (
        <p className="request-tasks">
          For {details.tasks.length === 1 ? 'task' : 'tasks'}{' '}
          {details.tasks.map((t, i) => (
            <span key={t.id}>
              {i > 0 && ', '}
              <strong>{t.subject}</strong> <span className="muted">#{t.id}</span>
            </span>
          ))}
        </p>
      )}
      {/* ClawTeam's default summary is the plan's start: not worth saying twice. */}
      {summary && summary !== details.plan && <p className="request-summary">{summary}</p>}
      {request.kind === 'plan' &&
        (details.plan ? <PlanMarkdown text={details.plan} /> : <p className="muted">The plan's text could not be found.</p>)}
      <label className="request-feedback" htmlFor={`${id}-fb`}>
        {label} <span className="muted">(sent with your answer; needed to reject)</span>
      </label>
      <textarea
        id={`${id}-fb`}
        ref={feedbackRef}
        rows={2}
        value={feedback}
        disabled={busy}
        aria-invalid={error && !feedback.trim() ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
        onChange={(e) => setFeedback(e.target.value)}
      />
      <div className="request-actions">
        <span className="muted">Answer goes from {as}</span>
        {confirming ? (
          <>
            <span className="request-confirm">{request.to} shuts down: approve?</span>
            <button type="button" className="primary" disabled={busy} onClick={() => void answer(true)} autoFocus>
              Yes, approve shutdown
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button type="button" className="primary" disabled={busy} onClick={() => void answer(true)}>
              Approve
            </button>
            <button type="button" className="danger" disabled={busy} onClick={() => void answer(false)}>
              Reject
            </button>
          </>
        )}
      </div>
      {error && (
        <p className="request-error" role="alert" id={`${id}-err`}>
          {error}
        </p>
      )}
    </article>
  );
}
