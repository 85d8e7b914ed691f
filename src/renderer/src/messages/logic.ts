import type { MessageRecord, TeamMessage } from '../../../shared/messages';
import { parseTimestamp } from '../../../shared/time';

/**
 * What the panel shows: one row per message, except that ClawTeam writes a broadcast as one message per recipient
 * inbox; those copies (same sender, type, text and key, written within a few seconds) become one row listing its
 * recipients.
 */
export interface MessageRow {
  /** The first history file of the row: stable, used as the list key. */
  id: string;
  message: TeamMessage;
  broadcast: boolean;
  recipients: string[];
  micros: number | null;
}

const BROADCAST_WINDOW_MICROS = 5_000_000;

export function toRows(records: MessageRecord[]): MessageRow[] {
  const rows: MessageRow[] = [];
  const openBroadcasts = new Map<string, MessageRow>();
  for (const { id, message } of records) {
    const micros = parseTimestamp(message.timestamp);
    const to = message.to ?? '';
    if (message.type === 'broadcast') {
      const key = JSON.stringify([message.from, message.content ?? '', message.key ?? '']);
      const open = openBroadcasts.get(key);
      if (
        open &&
        !open.recipients.includes(to) &&
        micros !== null &&
        open.micros !== null &&
        micros - open.micros < BROADCAST_WINDOW_MICROS
      ) {
        open.recipients.push(to);
        continue;
      }
      const row: MessageRow = { id, message, broadcast: true, recipients: to ? [to] : [], micros };
      openBroadcasts.set(key, row);
      rows.push(row);
      continue;
    }
    rows.push({ id, message, broadcast: false, recipients: to ? [to] : [], micros });
  }
  return rows;
}

export interface SelectedMember {
  name: string;
  /** Its inbox folder (`<user>_<name>` when it has a user). */
  inbox: string;
}

/** Rows the member sent or received, with the direction. */
export function rowsFor(
  rows: MessageRow[],
  member: SelectedMember | null,
): Array<{ row: MessageRow; direction: 'Sent' | 'Received' | null }> {
  if (!member) return rows.map((row) => ({ row, direction: null }));
  const out: Array<{ row: MessageRow; direction: 'Sent' | 'Received' | null }> = [];
  for (const row of rows) {
    if (row.message.from === member.name) out.push({ row, direction: 'Sent' });
    else if (row.recipients.includes(member.name) || row.recipients.includes(member.inbox)) out.push({ row, direction: 'Received' });
  }
  return out;
}

/** Costs follow the one cent rule shared with the CLI (shared/money.ts). */
export { formatCents } from '../../../shared/money';

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${Math.round(n / 1000)}k`;
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`;
  return n.toLocaleString('en-US');
}

/** Budget state for the bar: amber past 80 %, red past 100 %. */
export function budgetState(totalCents: number, budgetCents: number): { percent: number | null; state: 'none' | 'ok' | 'warn' | 'over' } {
  if (!(budgetCents > 0)) return { percent: null, state: 'none' };
  const percent = (totalCents / budgetCents) * 100;
  return { percent, state: percent > 100 ? 'over' : percent > 80 ? 'warn' : 'ok' };
}
