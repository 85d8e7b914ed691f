import { useState } from 'react';
import { wordDiff } from '../../../shared/word-diff';
import type { ConflictPrompt } from '../state/useTeamWrites';
import { Dialog } from './Dialog';
import { copyText, discardedAsText, type ConflictField } from './detail/conflict';

export type { ConflictField, DiscardedText } from './detail/conflict';
import './conflict.css';

/** Mine beside theirs; in text fields the words only one side has are marked (never by colour alone). */
function Compare({ field }: { field: ConflictField }) {
  const parts = field.text ? wordDiff(field.theirs, field.mine) : null;
  const side = (kind: 'added' | 'removed') =>
    parts
      ? parts
          .filter((p) => p.kind === 'same' || p.kind === kind)
          .map((p, i) =>
            p.kind === 'same' ? (
              <span key={i}>{p.text}</span>
            ) : kind === 'added' ? (
              <ins key={i}>{p.text}</ins>
            ) : (
              <del key={i}>{p.text}</del>
            ),
          )
      : kind === 'added'
        ? field.mine || '(empty)'
        : field.theirs || '(empty)';
  return (
    <section className="conflict-field" aria-label={`${field.label}: yours and theirs`}>
      <h3>{field.label}</h3>
      <div className="conflict-sides">
        <div
          className="conflict-side mine"
          data-testid={`conflict-mine-${field.field}`}
          tabIndex={0}
          aria-label={`Your ${field.label.toLowerCase()}`}
        >
          <span className="conflict-who">Yours</span>
          <div className="conflict-text">{side('added')}</div>
        </div>
        <div
          className="conflict-side theirs"
          data-testid={`conflict-theirs-${field.field}`}
          tabIndex={0}
          aria-label={`Their ${field.label.toLowerCase()} (saved now)`}
        >
          <span className="conflict-who">Theirs (saved now)</span>
          <div className="conflict-text">{side('removed')}</div>
        </div>
      </div>
    </section>
  );
}

/**
 * Somebody changed the task while the person edited it: their text beside mine, field by field, with the words that
 * differ marked. Keep theirs never throws my typing away: it goes to the clipboard and stays in the task panel.
 */
export function ConflictDialog({
  conflict,
  onKeepTheirs,
  onClose,
}: {
  conflict: ConflictPrompt;
  onKeepTheirs(discarded: ConflictField[], copied: boolean): void;
  onClose(): void;
}) {
  const [busy, setBusy] = useState(false);
  const fields = conflict.fields ?? [];
  const typed = fields.some((f) => f.text);
  return (
    <Dialog
      title="Somebody changed this task"
      wide
      onClose={onClose}
      actions={
        <>
          <button
            type="button"
            disabled={busy}
            data-testid="conflict-keep-theirs"
            onClick={async () => {
              setBusy(true);
              const copied = typed ? await copyText(discardedAsText(fields.filter((f) => f.text))) : false;
              onKeepTheirs(fields, copied);
            }}
          >
            Keep theirs
          </button>
          <button type="button" className="primary" data-testid="conflict-apply-mine" onClick={() => void conflict.applyMine()}>
            Apply mine
          </button>
        </>
      }
    >
      <p className="conflict-message">{conflict.message}</p>
      {fields.length > 0 && (
        <div className="conflict-fields" data-testid="conflict-fields">
          {fields.map((f) => (
            <Compare key={f.field} field={f} />
          ))}
        </div>
      )}
      {typed && (
        <p className="muted small" data-testid="conflict-keep-note">
          Keep theirs keeps a copy of your text: it goes to the clipboard and stays in the task panel under “Your discarded text”. Apply
          mine saves yours over theirs. Escape goes back to editing.
        </p>
      )}
    </Dialog>
  );
}
