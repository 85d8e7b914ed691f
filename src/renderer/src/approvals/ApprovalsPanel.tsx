import { useEffect, useRef, useState } from 'react';
import { ApprovalsHistory } from './ApprovalsHistory';
import { allAnswered, allOpen, KIND_LABEL, requestKeyOf } from './logic';
import { RequestCard } from './RequestCard';
import { useAnsweredElsewhere } from './useAnsweredElsewhere';
import type { ApprovalsState } from './useApprovals';
import './approvals.css';

interface Props {
  approvals: ApprovalsState;
  /** The window's acting identity ("You act as"). */
  agentName: string;
  onClose(): void;
}

type AnswerAs = 'asked' | 'me';

/**
 * The Approvals list: every team's open requests (plans, shutdowns, joins), oldest first, and the answered ones in a
 * history tab. A modal dialog: focus stays inside, Escape closes it. An answer someone else sent first is said in
 * words at the top (who, how, when); the request then moves to the history.
 */
export function ApprovalsPanel({ approvals, agentName, onClose }: Props) {
  const ref = useRef<HTMLDialogElement | null>(null);
  const [tab, setTab] = useState<'open' | 'history'>('open');
  const [answerAs, setAnswerAs] = useState<AnswerAs>('asked');
  const [notice, setNotice] = useState<{ text: string; late: boolean } | null>(null);
  const answeredHere = useRef(new Set<string>()).current;
  useAnsweredElsewhere(approvals.lists, answeredHere, (text) => setNotice({ text, late: true }));
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
    return () => dialog?.close?.();
  }, []);
  const open = allOpen(approvals.lists);
  const answered = allAnswered(approvals.lists);
  const errors = Object.entries(approvals.errors);
  return (
    <dialog
      ref={ref}
      className="dialog approvals"
      aria-labelledby="approvals-title"
      data-testid="approvals-panel"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <header className="approvals-head">
        <h2 id="approvals-title">Approvals</h2>
        <div
          className="approvals-tabs"
          role="tablist"
          aria-label="Open or answered requests"
          onKeyDown={(e) => {
            // Arrow keys move between the two tabs, as in any tab list.
            if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
            const next = tab === 'open' ? 'history' : 'open';
            setTab(next);
            e.currentTarget.querySelector<HTMLElement>(`[data-tab=${next}]`)?.focus();
          }}
        >
          <button
            type="button"
            role="tab"
            data-tab="open"
            aria-selected={tab === 'open'}
            tabIndex={tab === 'open' ? 0 : -1}
            onClick={() => setTab('open')}
          >
            Open ({open.length})
          </button>
          <button
            type="button"
            role="tab"
            data-tab="history"
            aria-selected={tab === 'history'}
            tabIndex={tab === 'history' ? 0 : -1}
            onClick={() => setTab('history')}
          >
            History ({answered.length})
          </button>
        </div>
        <label className="approvals-as">
          Answer as{' '}
          <select value={answerAs} onChange={(e) => setAnswerAs(e.target.value as AnswerAs)}>
            <option value="asked">the one asked (leader for plans)</option>
            <option value="me">{agentName} (you)</option>
          </select>
        </label>
        <button type="button" className="icon-button" aria-label="Close approvals" onClick={onClose}>
          ×
        </button>
      </header>
      {notice && (
        <p
          className={notice.late ? 'approvals-notice late' : 'approvals-notice'}
          role={notice.late ? 'alert' : 'status'}
          data-testid="approvals-notice"
        >
          {notice.text}
        </p>
      )}
      {errors.map(([team, text]) => (
        <p key={team} className="request-error" role="alert">
          Could not read the requests of team {team}: {text}
        </p>
      ))}
      <div className="approvals-body" role="tabpanel">
        {tab === 'open' ? (
          open.length === 0 ? (
            <p className="muted approvals-empty">No requests waiting for an answer.</p>
          ) : (
            open.map(({ team, request }) => (
              <RequestCard
                key={requestKeyOf(team, request)}
                team={team}
                request={request}
                as={answerAs === 'me' ? agentName : request.to}
                onDone={(late) => {
                  answeredHere.add(requestKeyOf(team, request));
                  const what = `${KIND_LABEL[request.kind]} request from ${request.from}`;
                  setNotice(late ? { text: `${what}: ${late}`, late: true } : { text: `${what}: answered.`, late: false });
                  void approvals.reload(team);
                }}
              />
            ))
          )
        ) : (
          <ApprovalsHistory items={answered} />
        )}
      </div>
    </dialog>
  );
}
