import type { TeamRequest } from '../../../shared/requests';
import { Ago } from '../components/Ago';
import { KIND_LABEL, requestKeyOf, requestSummary, requestTitle } from './logic';

/** Answered requests, newest first: what was asked, the decision, who answered (and as whom), when, the feedback. */
export function ApprovalsHistory({ items }: { items: Array<{ team: string; request: TeamRequest }> }) {
  if (items.length === 0) return <p className="muted approvals-empty">No answered requests yet.</p>;
  return (
    <ul className="approvals-history">
      {items.map(({ team, request }) => {
        const a = request.answer;
        const who = a?.person ? `${a.person} (as ${a.by})` : a?.by;
        return (
          <li key={requestKeyOf(team, request)} data-testid={`answered-${request.requestId}`}>
            <span className={`request-kind kind-${request.kind}`}>{KIND_LABEL[request.kind]}</span> <span>{requestTitle(request)}</span>{' '}
            <span className="muted">· {team}</span>
            <div>
              <strong className={a?.decision === 'approved' ? 'decision-approved' : 'decision-rejected'}>
                {a?.decision ?? 'answered'}
              </strong>
              {who && ` by ${who}`} {a?.at && <Ago at={a.at} />}
              {a?.member && <span> · added member {a.member}</span>}
            </div>
            {a?.feedback && <q className="approvals-feedback">{a.feedback}</q>}
            {!a?.feedback && requestSummary(request) && <div className="muted approvals-summary">{requestSummary(request)}</div>}
          </li>
        );
      })}
    </ul>
  );
}
