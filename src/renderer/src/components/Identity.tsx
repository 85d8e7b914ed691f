import { useState } from 'react';
import { createPortal } from 'react-dom';
import type { ApiOutput, LockstepApi } from '../../../shared/api';
import { call } from '../api';
import { useTeamLabel } from '../state/names';
import { Dialog } from './Dialog';
import { nameInputProblem } from './Field';

type Settings = ApiOutput<'getSettings'>;

export interface IdentityProps {
  api: LockstepApi;
  settings: Settings | null;
  onSettings(next: Settings): void;
  fail(err: unknown): void;
  /** The team on screen: claims the old name holds there are offered to move. */
  team?: string | null;
}

/** Claims the old name holds in the team on screen, offered to move to the new name. */
interface MoveOffer {
  team: string;
  from: string;
  to: string;
  tasks: Array<{ id: string; subject: string }>;
}

/**
 * "You act as NAME change": the change opens a small form under it, so nothing else in the bar moves. When the old
 * name holds claims in the team on screen, one question offers to move them to the new name (one undoable step).
 */
export function Identity({ api, settings, onSettings, fail, team }: IdentityProps) {
  const [editingName, setEditingName] = useState<string | null>(null);
  const [offer, setOffer] = useState<MoveOffer | null>(null);
  const nameProblem = editingName === null ? null : nameInputProblem(editingName, 'agent');
  const save = async (to: string) => {
    const from = settings?.agentName;
    // The claims are looked up before the change: a failure to read them costs the offer, never the change.
    const held =
      team && from && from !== to
        ? await call(api, 'getTeam', { team })
            .then((r) => r.tasks.filter((t) => t.lockedBy === from).map((t) => ({ id: t.id, subject: t.subject })))
            .catch(() => [])
        : [];
    onSettings(await call(api, 'setAgentName', { agentName: to }));
    setEditingName(null);
    if (team && from && held.length) setOffer({ team, from, to, tasks: held });
  };
  return (
    <div className="identity">
      <span className="muted identity-label">You act as</span>{' '}
      <strong className="identity-name" title={settings?.agentName}>
        {settings?.agentName}
      </strong>
      <button
        type="button"
        className="link"
        aria-expanded={editingName !== null}
        onClick={() => setEditingName(editingName === null ? (settings?.agentName ?? '') : null)}
      >
        change
      </button>
      {editingName !== null && (
        <form
          className="identity-form"
          onSubmit={async (e) => {
            e.preventDefault();
            if (nameProblem) return;
            try {
              await save(editingName.trim());
            } catch (err) {
              fail(err);
            }
          }}
        >
          <input
            aria-label="Your agent name"
            aria-invalid={nameProblem ? true : undefined}
            title={nameProblem ?? undefined}
            autoFocus
            value={editingName}
            maxLength={64}
            onChange={(e) => setEditingName(e.target.value)}
            onKeyDown={(e) => e.key === 'Escape' && setEditingName(null)}
          />
          <button type="submit" disabled={Boolean(nameProblem)} title={nameProblem ?? undefined}>
            Save
          </button>
          <button type="button" onClick={() => setEditingName(null)}>
            Cancel
          </button>
          {nameProblem && (
            <span className="topbar-problem" role="alert">
              {nameProblem}
            </span>
          )}
        </form>
      )}
      {/* In the page body, not the bar: the bar's one-line, dark styles would reach into the dialog. */}
      {offer && createPortal(<MoveClaimsDialog api={api} offer={offer} fail={fail} onDone={() => setOffer(null)} />, document.body)}
    </div>
  );
}

/** "You hold 3 claims as root. Move them to sam?" Move them (one step; Undo gives them back) or Leave them. */
function MoveClaimsDialog({ api, offer, fail, onDone }: { api: LockstepApi; offer: MoveOffer; fail(err: unknown): void; onDone(): void }) {
  const [busy, setBusy] = useState(false);
  const teamLabel = useTeamLabel();
  const n = offer.tasks.length;
  const claims = n === 1 ? 'a claim' : `${n} claims`;
  const move = async () => {
    setBusy(true);
    try {
      await call(api, 'bulkChangeTasks', {
        team: offer.team,
        ids: offer.tasks.map((t) => t.id),
        change: { moveClaims: { from: offer.from, to: offer.to } },
      });
    } catch (err) {
      fail(err);
    }
    onDone();
  };
  return (
    <Dialog
      title="Move your claims?"
      onClose={onDone}
      actions={
        <>
          <button type="button" onClick={onDone} disabled={busy}>
            Leave them
          </button>
          <button type="button" className="primary" autoFocus onClick={() => void move()} disabled={busy} data-testid="move-claims">
            Move them
          </button>
        </>
      }
    >
      <p data-testid="move-claims-question">
        You hold {claims} as <strong>{offer.from}</strong> in {teamLabel(offer.team)}. Move {n === 1 ? 'it' : 'them'} to{' '}
        <strong>{offer.to}</strong>?
      </p>
      <ul className="move-claims-list">
        {offer.tasks.slice(0, 5).map((t) => (
          <li key={t.id}>{t.subject}</li>
        ))}
        {n > 5 && <li className="muted">and {n - 5} more</li>}
      </ul>
      <p className="muted small">
        {n === 1
          ? `Left as it is, the board refuses your changes to it (it is locked by ${offer.from}). Moving is one step: Undo (Ctrl+Z) gives it back to ${offer.from}.`
          : `Left as they are, the board refuses your changes to them (they are locked by ${offer.from}). Moving is one step: Undo (Ctrl+Z) gives them back to ${offer.from}.`}
      </p>
    </Dialog>
  );
}
