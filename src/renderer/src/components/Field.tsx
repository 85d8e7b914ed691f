import { useId } from 'react';

/**
 * A labelled input with its problem beside it, shown as the person types (once they have typed something), and
 * tied to the field for screen readers.
 */
export function Field({
  label,
  problem,
  hint,
  children,
}: {
  label: string;
  problem?: string | null;
  hint?: string;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => React.ReactNode;
}) {
  const id = useId();
  const noteId = `${id}-note`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': problem || hint ? noteId : undefined, 'aria-invalid': problem ? true : undefined })}
      {problem ? (
        <p id={noteId} className="field-problem" role="alert">
          {problem}
        </p>
      ) : hint ? (
        <p id={noteId} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A sentence for a name the store would refuse, or null. `taken` lists names already in use. */
export function nameInputProblem(value: string, kind: 'team' | 'member' | 'agent', taken: string[] = []): string | null {
  const v = value.trim();
  const noun = kind === 'agent' ? 'name' : `${kind} name`;
  if (!v) return `Give a ${noun}.`;
  if (v.length > 64) return `A ${noun} is at most 64 characters.`;
  if (v === '.' || v === '..') return `"${v}" cannot be a ${noun}.`;
  if (!/^[A-Za-z0-9._-]+$/.test(v)) return `Use letters, digits, ".", "_" or "-" only (no spaces).`;
  if (taken.includes(v)) return `There is already a ${kind} named ${v}.`;
  return null;
}
