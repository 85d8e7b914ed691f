import { InvalidInputError } from './errors';

/** ClawTeam's rule for team, member and agent names; ids follow it too so no name can leave the data folder. */
export const NAME_PATTERN = /^[A-Za-z0-9._-]+$/;
export const MAX_NAME_LENGTH = 64;
export const TASK_ID_PATTERN = /^[0-9a-f]{8}$/;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

export type NameKind = 'team' | 'member' | 'agent' | 'task id';

/** Why `value` is not a safe name, or null when it is. */
export function nameProblem(value: unknown, kind: NameKind): string | null {
  if (typeof value !== 'string') return `${kind} must be a string`;
  if (value.length === 0) return `${kind} must not be empty`;
  if (value.length > MAX_NAME_LENGTH) return `${kind} must be at most ${MAX_NAME_LENGTH} characters (got ${value.length})`;
  if (value === '.' || value === '..') return `${kind} "${value}" would point outside its folder`;
  // Windows cannot create these (CON, NUL, COM1, LPT1, … with or without an extension) or a name ending in ".".
  if (WINDOWS_RESERVED.test(value)) return `${kind} "${value}" is a name Windows reserves for a device`;
  if (value.endsWith('.')) return `${kind} "${printable(value)}" must not end with "." (Windows drops it)`;
  if (!NAME_PATTERN.test(value)) {
    return `${kind} "${printable(value)}" may only use letters, digits, ".", "_" and "-"`;
  }
  return null;
}

/**
 * An OS user name made into a safe name (ClawTeam's characters; anything else becomes "_", at most 64 long), or
 * "person" when nothing is left. The default actor of the store and the app's default name for the person.
 */
export function cleanUserName(raw: string): string {
  return raw.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_NAME_LENGTH) || 'person';
}

export function assertName(value: unknown, kind: NameKind): string {
  const problem = nameProblem(value, kind);
  if (problem) throw new InvalidInputError(`Invalid ${kind}: ${problem}.`, { field: kind, value: String(value).slice(0, 80) });
  return value as string;
}

function printable(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return shown.replace(/[\u0000-\u001f\\]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ---- display names -------------------------------------------------------------------------------------------

/** What a person may call a team or member ("Sam Lee", "Marketing Launch"): no control characters, 1–64 long. */
export const MAX_DISPLAY_NAME_LENGTH = 64;

export function displayNameProblem(value: string): string | null {
  const trimmed = value.trim();
  if (!trimmed) return 'a name must not be empty';
  if (trimmed.length > MAX_DISPLAY_NAME_LENGTH) return `a name may be at most ${MAX_DISPLAY_NAME_LENGTH} characters`;
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'a name must not hold control characters';
  return null;
}

/**
 * The short name agents use for what a person typed: the typed name itself when it is safe already (ClawTeam's
 * characters), else lower case with accents dropped and every run of other characters made one "-" ("Sam Lee" →
 * "sam-lee", "Marketing Launch!" → "marketing-launch"), then "-2", "-3"… until it is none of `taken` (compared
 * without case: agents' folders may live on a disk that ignores it). `fallback` when nothing usable is left.
 */
export function shortNameFor(typed: string, taken: Iterable<string> = [], fallback = 'member'): string {
  const trimmed = typed.trim();
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  let base: string;
  if (nameProblem(trimmed, 'member') === null) base = trimmed;
  else {
    base = trimmed
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9._]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, MAX_NAME_LENGTH - 4)
      .replace(/[-.]+$/g, '');
    if (!base) base = fallback;
    else if (nameProblem(base, 'member') !== null) base = `${base}-${fallback}`; // "con" (Windows keeps it) → "con-team"
  }
  if (!used.has(base.toLowerCase())) return base;
  const stem = base.slice(0, MAX_NAME_LENGTH - 4);
  for (let i = 2; ; i++) if (!used.has(`${stem}-${i}`.toLowerCase())) return `${stem}-${i}`;
}

/** The display name to store beside a short name: the typed name, unless it is the short name itself. */
export function displayNameFor(typed: string, short: string): string | undefined {
  const trimmed = typed.trim().replace(/\s+/g, ' ');
  return trimmed && trimmed !== short ? trimmed : undefined;
}
