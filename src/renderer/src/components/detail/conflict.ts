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
