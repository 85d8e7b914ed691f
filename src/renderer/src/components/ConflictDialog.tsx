import { useState } from 'react';
import type { VersionedTask } from '../../../shared/domain';
import { wordDiff } from '../../../shared/word-diff';
import type { ConflictPrompt } from '../state/useTeamWrites';
import { Dialog } from './Dialog';
import './conflict.css';

/** One field both sides changed: what I typed and what is saved now (theirs), as text. */
export interface ConflictField {
  field: string;
  label: string;
  mine: string;
  theirs: string;
  /** Free text (subject, description): compared word by word. */
  text: boolean;
}

/** What I typed that is kept when I keep theirs: shown in the task panel with Copy, and put on the clipboard. */
export interface DiscardedText {
  taskId: string;
  fields: ConflictField[];
}

const LABELS: Record<string, string> = {
  subject: 'Subject',
  description: 'Description',
  owner: 'Owner',
  priority: 'Priority',
  status: 'Status',
};

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/** The fields of my change (`mine`, a patch) whose saved value (`current`) is not what I wanted. */
export function conflictFields(mine: Record<string, unknown> | null, current: VersionedTask | undefined): ConflictField[] {
  if (!mine || !current) return [];
  return Object.entries(mine)
    .filter(([field, value]) => asText(value) !== asText((current as unknown as Record<string, unknown>)[field]))
    .map(([field, value]) => ({
      field,
      label: LABELS[field] ?? field,
      mine: asText(value),
      theirs: asText((current as unknown as Record<string, unknown>)[field]),
      text: field === 'subject' || field === 'description',
    }));
}

/** Puts what I typed on the clipboard (best effort: true when it got there). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export function discardedAsText(fields: ConflictField[]): string {
  return fields.length === 1 ? fields[0].mine : fields.map((f) => `${f.label}:\n${f.mine}`).join('\n\n');
}

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
