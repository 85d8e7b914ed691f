import type { ActivityItem, EventPayload } from '../../../shared/api';
import { statusWord } from '../../../shared/activity';

/** One line of the activity view: a journal entry, or a change seen on disk that no Lockstep writer journaled. */
export type ActivityRow = ActivityItem & { key: string };

export interface ActivityGroup {
  key: string;
  actor: string;
  verb: string;
  team: string;
  rows: ActivityRow[];
}

/** Bursts from one agent (same verb, same team, one after another within this time) fold into one line. */
export const BURST_MS = 5 * 60_000;

export function rowFromJournal(item: ActivityItem): ActivityRow {
  return { ...item, key: `${item.team}#${item.seq}` };
}

/** A change the watcher saw that no journal entry explains (ClawTeam or another writer outside Lockstep). */
export function rowFromWatcher(a: EventPayload<'activity'>, n: number): ActivityRow {
  const subject = `"${a.subject}"`;
  let verb = 'changed';
  let text = `changed ${
    a.changes
      .map((c) => c.field)
      .filter((f) => f !== 'metadata')
      .join(', ') || 'details of'
  } ${subject}`;
  const status = a.changes.find((c) => c.field === 'status');
  const lock = a.changes.find((c) => c.field === 'lockedBy');
  const owner = a.changes.find((c) => c.field === 'owner');
  if (a.kind === 'created' || a.kind === 'deleted') [verb, text] = [a.kind, `${a.kind} ${subject}`];
  else if (status?.to === 'completed') [verb, text] = ['completed', `completed ${subject}`];
  else if (lock) [verb, text] = lock.to ? ['claimed', `claimed ${subject}`] : ['released', `released ${subject}`];
  else if (status) [verb, text] = ['moved', `moved ${subject} to ${statusWord(status.to)}`];
  else if (owner) [verb, text] = ['assigned', owner.to ? `assigned ${subject} to ${String(owner.to)}` : `unassigned ${subject}`];
  return {
    key: `w${n}`,
    team: a.team,
    seq: 0,
    at: a.at,
    actor: a.actor || 'someone outside Lockstep',
    via: 'outside',
    op: 'outside',
    verb,
    text,
    taskId: a.taskId,
    subject: a.subject,
  };
}

const NOUN: Record<string, string> = { team: 'team changes', fixed: 'stall fixes' };

/** "agent-3 claimed 5 tasks". */
export function groupSummary(group: ActivityGroup): string {
  const n = group.rows.length;
  const noun = NOUN[group.verb] ?? 'tasks';
  if (group.verb === 'team') return `${group.actor} made ${n} ${noun}`;
  if (group.verb === 'undid' || group.verb === 'redid') return `${group.actor} ${group.verb} ${n} changes`;
  return `${group.actor} ${group.verb} ${n} ${noun}`;
}

/** Rows newest first, folded into groups: consecutive rows from one actor with one verb in one team, close in time. */
export function groupRows(rows: ActivityRow[]): ActivityGroup[] {
  const groups: ActivityGroup[] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last && last.actor === row.actor && last.verb === row.verb && last.team === row.team && last.rows[0].at - row.at <= BURST_MS) {
      last.rows.push(row);
    } else {
      groups.push({ key: row.key, actor: row.actor, verb: row.verb, team: row.team, rows: [row] });
    }
  }
  return groups;
}

/** Merges journal rows and watcher rows, newest first; a watcher row a journal row explains is dropped. */
export function mergeRows(journal: ActivityRow[], watched: ActivityRow[], limit: number): ActivityRow[] {
  const explained = (w: ActivityRow) => journal.some((j) => j.team === w.team && j.taskId === w.taskId && Math.abs(j.at - w.at) < 5000);
  return [...journal, ...watched.filter((w) => !explained(w))].sort((a, b) => b.at - a.at || b.seq - a.seq).slice(0, limit);
}
