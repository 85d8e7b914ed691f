import { useEffect, useState } from 'react';
import type { VersionedTask } from '../../../../shared/domain';
import { copyText, discardedAsText, type ConflictField } from './conflict';
import type { DetailActions } from './actions';

/**
 * The task's subject and description as the person edits them, and the version they were read from. While the
 * person has unsaved text, a change made by somebody else does not overwrite it: saving then goes through the
 * conflict check against that version and asks "keep theirs / apply mine". (The panel is keyed by task id.)
 */
export function TaskTextForm({
  task,
  save,
  discarded,
  onDismissDiscarded,
}: {
  task: VersionedTask;
  save: DetailActions['save'];
  discarded?: ConflictField[] | null;
  onDismissDiscarded?(): void;
}) {
  const [base, setBase] = useState(task);
  const [subject, setSubject] = useState(task.subject);
  const [description, setDescription] = useState(task.description);
  useEffect(() => {
    const untouched = subject === base.subject && description === base.description;
    const caughtUp = subject === task.subject && description === task.description;
    if (untouched || caughtUp) {
      setBase(task);
      setSubject(task.subject);
      setDescription(task.description);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [task]);
  const dirty = subject !== base.subject || description !== base.description;
  const changedUnderneath = dirty && base.version !== task.version;
  return (
    <>
      <form
        data-dirty={dirty ? 'true' : undefined}
        onSubmit={(e) => {
          e.preventDefault();
          if (dirty) save(base, { subject, description });
        }}
      >
        <label>
          Subject
          <input value={subject} maxLength={500} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label>
          Description
          <textarea value={description} rows={4} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {changedUnderneath && (
          <p className="warning small" role="status" data-testid="changed-underneath">
            Somebody changed this task while you were editing; saving will show their text beside yours and ask which to keep.
          </p>
        )}
        <div className="button-row">
          <button type="submit" disabled={!dirty || !subject.trim()}>
            Save text
          </button>
          {dirty && (
            <button
              type="button"
              onClick={() => {
                setBase(task);
                setSubject(task.subject);
                setDescription(task.description);
              }}
            >
              Discard
            </button>
          )}
        </div>
      </form>
      {discarded && discarded.length > 0 && <DiscardedBox fields={discarded} onDismiss={onDismissDiscarded} />}
    </>
  );
}

/** What the person typed and chose not to save (Keep theirs): kept here with Copy until they dismiss it. */
function DiscardedBox({ fields, onDismiss }: { fields: ConflictField[]; onDismiss?(): void }) {
  const [copied, setCopied] = useState(false);
  const text = discardedAsText(fields);
  return (
    <section className="discarded-text" aria-label="Your discarded text" data-testid="discarded-text">
      <h3>Your discarded text</h3>
      <textarea readOnly value={text} rows={Math.min(6, text.split('\n').length + 1)} aria-label="Your discarded text" />
      <div className="button-row">
        <button type="button" onClick={() => void copyText(text).then(setCopied)}>
          {copied ? 'Copied' : 'Copy'}
        </button>
        {onDismiss && (
          <button type="button" className="link" onClick={onDismiss}>
            Dismiss
          </button>
        )}
      </div>
    </section>
  );
}
