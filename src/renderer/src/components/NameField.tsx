import { displayNameFor, displayNameProblem, nameProblem, shortNameFor } from '../../../shared/names';
import { Field, nameInputProblem } from './Field';
import './names.css';

export interface TypedName {
  /** The name agents use: what was typed when it is a safe name, else one made from it ("sam-lee"). */
  name: string;
  /** What people call it ("Sam Lee"), when that is not the short name. */
  displayName?: string;
  /** Why it cannot be used yet, or null. */
  problem: string | null;
}

/**
 * A team or member name as a person types it: a safe name is used as it is; anything else ("Sam Lee") is kept as
 * the display name and a short name agents use is made from it, unique among `taken`. `takenLabels`: display names
 * in use, so two members are not both called "Sam Lee".
 */
export function typedName(typed: string, kind: 'team' | 'member', taken: string[], takenLabels: string[] = []): TypedName {
  const trimmed = typed.trim();
  if (!trimmed) return { name: '', problem: `Give a ${kind} name.` };
  if (nameProblem(trimmed, kind) === null) return { name: trimmed, problem: nameInputProblem(trimmed, kind, taken) };
  const problem = displayNameProblem(trimmed);
  const name = shortNameFor(trimmed, taken, kind);
  const displayName = displayNameFor(trimmed, name);
  const clash = displayName && takenLabels.some((l) => l.toLowerCase() === displayName.toLowerCase());
  return {
    name,
    displayName,
    problem: problem
      ? `${problem[0].toUpperCase()}${problem.slice(1)}.`
      : clash
        ? `There is already a ${kind} called ${displayName}.`
        : null,
  };
}

/** The name input of the create dialogs, with the short name agents will use shown live as the person types. */
export function NameField({
  label,
  value,
  onChange,
  typed,
  inputLabel,
  onEnter,
  hint,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  typed: TypedName;
  inputLabel?: string;
  onEnter?(): void;
  hint: string;
}) {
  return (
    <>
      <Field label={label} problem={value ? typed.problem : null} hint={value ? undefined : hint}>
        {(props) => (
          <input
            {...props}
            aria-label={inputLabel}
            autoFocus
            value={value}
            maxLength={64}
            onChange={(e) => onChange(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && onEnter?.()}
          />
        )}
      </Field>
      <p className="field-hint short-name" aria-live="polite" data-testid="short-name">
        {typed.name && !typed.problem ? (
          <>
            Agents use: <code>{typed.name}</code>
            {typed.displayName ? <span className="muted"> (people see “{typed.displayName}”)</span> : null}
          </>
        ) : (
          ' '
        )}
      </p>
    </>
  );
}
