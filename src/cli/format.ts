import type { TaskList, TeamConfig, TeamSummary, VersionedTask } from '../shared/domain';
import type { JournalEntry } from '../store';
import { leaderOf } from '../shared/domain';
import { describeAge, parseTimestamp } from '../shared/time';

/** Human-readable output; `--json` bypasses all of this. */

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function since(ts: string): string {
  const micros = parseTimestamp(ts);
  return micros === null ? '' : describeAge(micros);
}

export function formatTaskList(list: TaskList): string {
  const parts: string[] = [];
  if (list.tasks.length === 0) parts.push('No tasks match.');
  else {
    parts.push(
      table(
        ['ID', 'STATUS', 'PRIORITY', 'OWNER', 'LOCKED BY', 'BLOCKED BY', 'SUBJECT'],
        list.tasks.map((t) => [
          t.id,
          t.status,
          t.priority,
          t.owner || '-',
          t.lockedBy ? `${t.lockedBy} (${since(t.lockedAt)})` : '-',
          t.blockedBy.join(',') || '-',
          clip(t.subject, 60),
        ]),
      ),
    );
  }
  for (const p of list.problems) parts.push(`warning: ${p.path}: ${p.reason}`);
  return parts.join('\n');
}

export function formatTask(t: VersionedTask): string {
  const rows: Array<[string, string]> = [
    ['id', t.id],
    ['subject', t.subject],
    ['status', t.status],
    ['priority', t.priority],
    ['owner', t.owner || '-'],
    ['locked by', t.lockedBy ? `${t.lockedBy} since ${t.lockedAt} (${since(t.lockedAt)})` : '-'],
    ['blocked by', t.blockedBy.join(', ') || '-'],
    ['blocks', t.blocks.join(', ') || '-'],
    ['started', t.startedAt || '-'],
    ['created', t.createdAt],
    ['updated', t.updatedAt],
    ['version', t.version],
  ];
  if (t.description) rows.push(['description', t.description]);
  const meta = JSON.stringify(t.metadata);
  if (meta !== '{}') rows.push(['metadata', meta]);
  return rows.map(([k, v]) => `${k.padEnd(12)} ${v}`).join('\n');
}

export function formatTeams(teams: TeamSummary[]): string {
  if (teams.length === 0) return 'No teams yet. Create one with: lockstep team create NAME';
  return table(
    ['TEAM', 'MEMBERS', 'LEADER', 'PENDING', 'IN PROGRESS', 'BLOCKED', 'COMPLETED', 'DESCRIPTION'],
    teams.map((t) => [
      t.name,
      String(t.memberCount),
      t.leader || '-',
      String(t.counts.pending),
      String(t.counts.in_progress),
      String(t.counts.blocked),
      String(t.counts.completed),
      clip(t.description, 50),
    ]),
  );
}

export function formatTeam(team: TeamConfig): string {
  const leader = leaderOf(team);
  const head = `${team.name}${team.description ? ` — ${team.description}` : ''}\ncreated ${team.createdAt}`;
  if (team.members.length === 0) return `${head}\nNo members yet.`;
  return `${head}\n${table(
    ['MEMBER', 'USER', 'TYPE', 'AGENT ID', 'JOINED'],
    team.members.map((m) => [m.name + (m === leader ? ' (leader)' : ''), m.user || '-', m.agentType, m.agentId, m.joinedAt]),
  )}`;
}

export function formatHistory(entries: JournalEntry[]): string {
  if (entries.length === 0) return 'No history yet.';
  return entries
    .map((e) => {
      const changes = e.tasks
        .map((t) => {
          const fields = Object.keys({ ...(t.before ?? {}), ...(t.after ?? {}) }).filter((f) => f !== 'updatedAt');
          const shown = fields
            .slice(0, 4)
            .map((f) => `${f}: ${JSON.stringify(t.before?.[f] ?? null)} → ${JSON.stringify(t.after?.[f] ?? null)}`);
          return `${t.id}${t.after === null ? ' (deleted)' : t.before === null ? ' (created)' : ''} ${shown.join('; ')}`;
        })
        .join(' | ');
      const reason = e.reason ? ` — reason: ${e.reason}` : '';
      return `#${e.seq} ${e.at} ${e.actor} via ${e.via} ${e.op}${e.taskId ? ` ${e.taskId}` : ''}${reason}${changes ? `\n    ${changes}` : ''}`;
    })
    .join('\n');
}
