import * as fs from 'fs';
import * as path from 'path';
import type { PoolClient } from 'pg';
import { costEventFileSchema } from '../core/clawteam-format';
import { nameProblem } from '../../shared/names';
import { COST_FILE_RE } from '../core/cost-format';
import { EVENT_FILE_RE, MESSAGE_FILE_RE, parseMessage } from '../core/message-format';
import type { StorePaths } from '../folder/paths';
import { writeFileDurably } from '../folder/task-files';
import { makeDirs } from '../folder/safe-move';
import { readTextOrNull } from '../folder/safe-read';
import { MAX_FILE_BYTES } from '../core/task-format';

/**
 * `store copy` for ClawTeam's messages and costs, as bytes: each waiting message file (teams/<team>/inboxes/<inbox>/
 * msg-*.json), each history file (teams/<team>/events/evt-*.json) and each cost event file (costs/<team>/cost-*.json)
 * keeps its name and content, so folder → database → folder gives the same files back. Not carried: messages a
 * receiver holds right now (msg-*.consumed), files that do not parse (a folder's dead letters), dead_letters/ itself,
 * and costs/<team>/summary.json (a cache ClawTeam and Lockstep rebuild from the event files when it is missing).
 */
export interface TeamMail {
  /** inbox → (message file name → its text); an inbox may be empty */
  inboxes: Map<string, Map<string, string>>;
  /** history file name → its text */
  events: Map<string, string>;
  /** cost event file name → its text */
  costs: Map<string, string>;
}

export function emptyMail(): TeamMail {
  return { inboxes: new Map(), events: new Map(), costs: new Map() };
}

function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** The parseable files of `dir` whose names match `re`, name → text (never through a link). */
function readFiles(dir: string, re: RegExp, ok: (text: string) => boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of list(dir)) {
    if (!re.test(name)) continue;
    const file = path.join(dir, name);
    const text = readTextOrNull(file, MAX_FILE_BYTES); // no link, no FIFO, nothing past the cap
    if (text !== null && ok(text)) out.set(name, text);
  }
  return out;
}

const isMessage = (text: string) => 'message' in parseMessage(Buffer.from(text, 'utf8'));

function costColumns(text: string): { agentName: string; inputTokens: number; outputTokens: number; costCents: number } | null {
  try {
    const parsed = costEventFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function readFolderMail(paths: StorePaths, team: string): TeamMail {
  const mail = emptyMail();
  const inboxes = path.join(paths.teamDir(team), 'inboxes');
  for (const inbox of list(inboxes)) {
    if (nameProblem(inbox, 'member') || !fs.lstatSync(path.join(inboxes, inbox)).isDirectory()) continue;
    mail.inboxes.set(inbox, readFiles(path.join(inboxes, inbox), MESSAGE_FILE_RE, isMessage));
  }
  mail.events = readFiles(path.join(paths.teamDir(team), 'events'), EVENT_FILE_RE, isMessage);
  mail.costs = readFiles(path.join(paths.root, 'costs', team), COST_FILE_RE, (t) => costColumns(t) !== null);
  return mail;
}

export function writeFolderMail(paths: StorePaths, team: string, mail: TeamMail): void {
  for (const [inbox, messages] of mail.inboxes) {
    const dir = path.join(paths.teamDir(team), 'inboxes', inbox);
    makeDirs(dir);
    for (const [name, text] of messages) writeFileDurably(paths.root, path.join(dir, name), text);
  }
  if (mail.events.size) makeDirs(path.join(paths.teamDir(team), 'events'));
  for (const [name, text] of mail.events) writeFileDurably(paths.root, path.join(paths.teamDir(team), 'events', name), text);
  if (mail.costs.size) makeDirs(path.join(paths.root, 'costs', team));
  for (const [name, text] of mail.costs) writeFileDurably(paths.root, path.join(paths.root, 'costs', team, name), text);
}

export async function readDatabaseMail(client: PoolClient, teamId: string): Promise<TeamMail> {
  const mail = emptyMail();
  for (const row of (await client.query('SELECT inbox FROM lockstep_inboxes WHERE team_id = $1 ORDER BY inbox', [teamId])).rows)
    mail.inboxes.set(row.inbox, new Map());
  const messages = await client.query('SELECT inbox, name, raw FROM lockstep_messages WHERE team_id = $1 ORDER BY inbox, name', [teamId]);
  for (const row of messages.rows) mail.inboxes.get(row.inbox)?.set(row.name, row.raw);
  const events = await client.query('SELECT name, raw FROM lockstep_message_events WHERE team_id = $1 ORDER BY name', [teamId]);
  mail.events = new Map(events.rows.map((r) => [r.name as string, r.raw as string]));
  const costs = await client.query('SELECT name, raw FROM lockstep_cost_events WHERE team_id = $1 ORDER BY name', [teamId]);
  mail.costs = new Map(costs.rows.map((r) => [r.name as string, r.raw as string]));
  return mail;
}

export async function writeDatabaseMail(client: PoolClient, teamId: string, mail: TeamMail): Promise<void> {
  for (const [inbox, messages] of mail.inboxes) {
    await client.query('INSERT INTO lockstep_inboxes (team_id, inbox) VALUES ($1, $2)', [teamId, inbox]);
    for (const [name, raw] of messages) {
      await client.query('INSERT INTO lockstep_messages (team_id, inbox, name, raw) VALUES ($1, $2, $3, $4)', [teamId, inbox, name, raw]);
    }
  }
  for (const [name, raw] of mail.events) {
    const parsed = parseMessage(Buffer.from(raw, 'utf8'));
    const sender = 'message' in parsed ? parsed.message.from : '';
    await client.query('INSERT INTO lockstep_message_events (team_id, name, sender, raw) VALUES ($1, $2, $3, $4)', [
      teamId,
      name,
      sender,
      raw,
    ]);
  }
  for (const [name, raw] of mail.costs) {
    const c = costColumns(raw);
    if (!c) continue;
    await client.query(
      `INSERT INTO lockstep_cost_events (team_id, name, agent_name, input_tokens, output_tokens, cost_cents, raw)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [teamId, name, c.agentName, c.inputTokens, c.outputTokens, c.costCents, raw],
    );
  }
}

const sameMap = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export function sameMail(a: TeamMail, b: TeamMail): boolean {
  if (a.inboxes.size !== b.inboxes.size || !sameMap(a.events, b.events) || !sameMap(a.costs, b.costs)) return false;
  return [...a.inboxes].every(([inbox, m]) => {
    const other = b.inboxes.get(inbox);
    return other !== undefined && sameMap(m, other);
  });
}

export function mailCounts(mail: TeamMail): { messages: number; historyEntries: number; costEvents: number } {
  let messages = 0;
  for (const m of mail.inboxes.values()) messages += m.size;
  return { messages, historyEntries: mail.events.size, costEvents: mail.costs.size };
}
