import { useState } from 'react';
import type { VersionedTask } from '../../../shared/domain';

/** ClawTeam's `metadata.labels` of a task (strings), or none. */
export function labelsOf(task: VersionedTask): string[] {
  const labels = (task.metadata as Record<string, unknown> | undefined)?.labels;
  return Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [];
}

/** The task's labels (ClawTeam's metadata.labels): shown as chips, edited as a comma-separated line. */
export function LabelsField({ task, onSave }: { task: VersionedTask; onSave(labels: string[]): void }) {
  const current = labelsOf(task);
  const [text, setText] = useState<string | null>(null);
  const save = () => {
    if (text === null) return;
    const next = [
      ...new Set(
        text
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      ),
    ];
    setText(null);
    if (next.join(',') !== current.join(',')) onSave(next);
  };
  return (
    <div className="labels-field" data-testid="labels">
      <span className="labels-title">Labels</span>
      {text === null ? (
        <>
          {current.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            current.map((l) => (
              <span key={l} className="tag">
                {l}
              </span>
            ))
          )}
          <button type="button" className="link" onClick={() => setText(current.join(', '))}>
            edit
          </button>
        </>
      ) : (
        <input
          aria-label="Labels, separated by commas"
          autoFocus
          value={text}
          maxLength={500}
          onChange={(e) => setText(e.target.value)}
          onBlur={save}
          onKeyDown={(e) => {
            if (e.key === 'Enter') save();
            if (e.key === 'Escape') {
              e.stopPropagation();
              setText(null);
            }
          }}
        />
      )}
    </div>
  );
}
