import type { VersionedTask } from '../../../../shared/domain';

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
  lockedBy: 'Held by',
  metadata: 'Labels',
};
/** Bookkeeping that changes with the fields above: not a question of its own. */
const UNSHOWN = new Set(['lockedAt', 'updatedAt', 'version']);

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

/** The fields of my change (`mine`, a patch) whose saved value (`current`) is not what I wanted. */
export function conflictFields(mine: Record<string, unknown> | null, current: VersionedTask | undefined): ConflictField[] {
  if (!mine || !current) return [];
  const saved = current as unknown as Record<string, unknown>;
  // A metadata patch (labels) is compared key by key, not against everything the task keeps in metadata.
  const pairs: Array<[string, unknown, unknown]> = [];
  for (const [field, value] of Object.entries(mine)) {
    if (field === 'metadata' && value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, v] of Object.entries(value))
        pairs.push([key === 'labels' ? 'metadata' : `metadata.${key}`, v, current.metadata[key]]);
    } else pairs.push([field, value, saved[field]]);
  }
  return pairs
    .filter(([field, value, theirs]) => !UNSHOWN.has(field) && asText(value) !== asText(theirs))
    .map(([field, value, theirs]) => ({
      field,
      label: LABELS[field] ?? field,
      mine: Array.isArray(value) ? value.join(', ') : asText(value),
      theirs: Array.isArray(theirs) ? theirs.join(', ') : asText(theirs),
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
