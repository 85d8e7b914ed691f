import * as fs from 'fs';
import * as path from 'path';
import type { PoolClient } from 'pg';
import { CorruptFileError, InvalidInputError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { journalPath } from '../folder/journal';
import { StorePaths, taskIdFromFileName } from '../folder/paths';
import type { MemberProfile } from '../../shared/members';
import { writeFileDurably } from '../folder/task-files';
import { parseTaskBytes } from '../core/task-format';
import { readProfiles as readProfilesFile, readTeamDisplayName, writeProfiles, writeTeamDisplayName } from '../folder/team-config';
import { applyProfiles } from '../core/team-format';
import { notTrashed } from '../postgres/pg-trash';
import { mailCounts, readFolderMail, readDatabaseMail, sameMail, writeDatabaseMail, writeFolderMail, type TeamMail } from './copy-messages';
import { insertTask, readProfiles as readProfileRows, taskParams, writeMembers } from '../postgres/rows';
import { parseTeamConfigText } from '../core/team-format';
import { makeDirs, removeTree } from '../folder/safe-move';
import { readBounded, readTextOrNull, writeNewInside } from '../folder/safe-fs';
import { MAX_FILE_BYTES } from '../core/task-format';

const MAX_JOURNAL_COPY_BYTES = 64 * 1024 * 1024;

// A store's content as a snapshot (teams: config.json text, task files, journal lines, profiles, messages and costs),
// read from and written to a data folder or a database, compared and counted: what `lockstep store copy` moves.

interface TeamSnapshot {
  configRaw: string;
  /** task id → the task file's text */
  tasks: Map<string, string>;
  /** journal lines, oldest first */
  journal: string[];
  /** member name → its profile, for members that have one beyond what config.json itself says (older Lockstep) */
  profiles: Map<string, MemberProfile>;
  /** ClawTeam's messages and costs (copy-messages.ts): waiting messages per inbox, history, cost events */
  mail: TeamMail;
  /** What people call the team (.lockstep/team.json, or the display_name column), when it has a display name */
  displayName?: string;
}

function profileKey(p: MemberProfile | undefined): string {
  return JSON.stringify([p?.role ?? null, p?.capabilities ?? null, p?.wipLimit ?? null, p?.displayName ?? null]);
}

/**
 * The profiles worth carrying: each current member's profile, unless it is empty or the very one config.json
 * already holds in a member's `lockstep` key (a config written by an older Lockstep), which travels with its bytes.
 */
function carriedProfiles(configRaw: string, where: string, profiles: Record<string, MemberProfile>): Map<string, MemberProfile> {
  const { config } = parseTeamConfigText(configRaw, where);
  const out = new Map<string, MemberProfile>();
  for (const m of config.members) {
    const p = Object.prototype.hasOwnProperty.call(profiles, m.name) ? profiles[m.name] : undefined;
    if (!p || profileKey(p) === profileKey(m.lockstep)) continue;
    if (profileKey(p) === profileKey({}) && !m.lockstep) continue;
    out.set(m.name, p);
  }
  return out;
}

type Snapshot = Map<string, TeamSnapshot>;

function isName(name: string): boolean {
  try {
    assertName(name, 'team');
    return true;
  } catch {
    return false;
  }
}

function readDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Reads a data folder's store. A file that is not a task or team config stops the copy (nothing is written). */
export function readFolder(dataDir: string): Snapshot {
  const paths = new StorePaths(path.resolve(dataDir));
  const snapshot: Snapshot = new Map();
  const names = new Set([...readDir(paths.teamsDir()), ...readDir(path.join(paths.root, 'tasks'))].filter(isName));
  for (const team of [...names].sort()) {
    let configRaw: string;
    try {
      const read = readBounded(paths.teamConfig(team), MAX_FILE_BYTES);
      if (read.kind === 'problem') throw new CorruptFileError(paths.teamConfig(team), read.reason);
      if (read.kind === 'missing') throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      configRaw = read.bytes.toString('utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (readDir(paths.tasksDir(team)).some((n) => taskIdFromFileName(n) !== null)) {
          throw new InvalidInputError(
            `Team ${team} has tasks but no ${paths.teamConfig(team)}; create the team (or remove its tasks folder) first.`,
            { team },
          );
        }
        continue;
      }
      throw err;
    }
    parseTeamConfigText(configRaw, paths.teamConfig(team));
    const tasks = new Map<string, string>();
    for (const name of readDir(paths.tasksDir(team))) {
      const id = taskIdFromFileName(name);
      if (id === null) continue;
      const file = path.join(paths.tasksDir(team), name);
      const bounded = readBounded(file, MAX_FILE_BYTES);
      if (bounded.kind === 'problem') throw new CorruptFileError(file, bounded.reason);
      if (bounded.kind === 'missing') continue;
      const bytes = bounded.bytes;
      const read = parseTaskBytes(bytes, file, id);
      if (read.kind === 'problem') throw new CorruptFileError(read.problem.path, read.problem.reason);
      tasks.set(id, bytes.toString('utf8'));
    }
    const journal: string[] = [];
    for (let g = 9; g >= 0; g--) {
      const text = readTextOrNull(journalPath(paths.lockstepDir(team), g), MAX_JOURNAL_COPY_BYTES);
      if (text === null) continue;
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          if (typeof JSON.parse(line).seq === 'number') journal.push(line);
        } catch {
          // a torn line from a killed writer: readers skip it, so does the copy
        }
      }
    }
    const profiles = carriedProfiles(configRaw, paths.teamConfig(team), readProfilesFile(paths.root, paths.lockstepDir(team)));
    const displayName = readTeamDisplayName(paths.root, paths.lockstepDir(team));
    snapshot.set(team, { configRaw, tasks, journal, profiles, mail: readFolderMail(paths, team), ...(displayName ? { displayName } : {}) });
  }
  return snapshot;
}

export function folderIsEmpty(dataDir: string): boolean {
  return readDir(path.join(dataDir, 'teams')).length === 0 && readDir(path.join(dataDir, 'tasks')).length === 0;
}

export function writeFolder(dataDir: string, snapshot: Snapshot, replace: boolean): void {
  const paths = new StorePaths(path.resolve(dataDir));
  if (replace) {
    for (const sub of ['teams', 'tasks', 'costs']) {
      for (const name of readDir(path.join(paths.root, sub))) removeTree(path.join(paths.root, sub, name));
    }
  }
  for (const [team, t] of snapshot) {
    makeDirs(paths.teamDir(team));
    makeDirs(paths.tasksDir(team));
    writeFileDurably(paths.root, paths.teamConfig(team), t.configRaw);
    // ClawTeam's own lock file (empty; it creates it too): present so ClawTeam and Lockstep's interlock find it.
    if (!fs.existsSync(paths.clawteamLock(team))) writeNewInside(paths.root, paths.clawteamLock(team), '');
    for (const [id, raw] of t.tasks) writeFileDurably(paths.root, paths.taskFile(team, id), raw);
    if (t.journal.length || t.profiles.size || t.displayName) makeDirs(paths.lockstepDir(team));
    if (t.displayName) writeTeamDisplayName(paths.root, paths.lockstepDir(team), t.displayName);
    if (t.journal.length) writeFileDurably(paths.root, journalPath(paths.lockstepDir(team)), t.journal.map((l) => `${l}\n`).join(''));
    if (t.profiles.size) writeProfiles(paths.root, paths.lockstepDir(team), Object.fromEntries(t.profiles));
    writeFolderMail(paths, team, t.mail);
  }
}

export async function readDatabase(client: PoolClient): Promise<Snapshot> {
  const snapshot: Snapshot = new Map();
  // Deleted teams (the database's trash) stay behind, as a folder's .lockstep/trash does.
  const teams = await client.query(
    `SELECT id, name, config_raw, display_name FROM lockstep_teams t WHERE ${notTrashed('t')} ORDER BY name`,
  );
  for (const row of teams.rows) {
    const tasks = await client.query('SELECT id, raw FROM lockstep_tasks WHERE team_id = $1 ORDER BY id', [row.id]);
    const journal = await client.query('SELECT line FROM lockstep_journal WHERE team_id = $1 ORDER BY seq', [row.id]);
    snapshot.set(row.name, {
      configRaw: row.config_raw,
      tasks: new Map(tasks.rows.map((t) => [t.id as string, t.raw as string])),
      journal: journal.rows.map((j) => j.line as string),
      profiles: carriedProfiles(row.config_raw, `postgres:${row.name}/config.json`, await readProfileRows(client, String(row.id))),
      mail: await readDatabaseMail(client, String(row.id)),
      ...(row.display_name ? { displayName: row.display_name as string } : {}),
    });
  }
  return snapshot;
}

export async function writeDatabase(client: PoolClient, snapshot: Snapshot): Promise<void> {
  for (const [team, t] of snapshot) {
    const loaded = parseTeamConfigText(t.configRaw, `${team}/config.json`);
    const r = await client.query('INSERT INTO lockstep_teams (name, config_raw, display_name) VALUES ($1, $2, $3) RETURNING id', [
      team,
      t.configRaw,
      t.displayName ?? null,
    ]);
    const teamId = String(r.rows[0].id);
    // The members rows hold the profiles (the config bytes stay config.json's).
    await writeMembers(client, teamId, applyProfiles(loaded.config, Object.fromEntries(t.profiles)));
    for (const [id, raw] of t.tasks) {
      const read = parseTaskBytes(Buffer.from(raw, 'utf8'), `${team}/task-${id}.json`, id);
      if (read.kind !== 'ok')
        throw new CorruptFileError(`${team}/task-${id}.json`, read.kind === 'problem' ? read.problem.reason : 'missing');
      await insertTask(client, taskParams(teamId, read.loaded.task, read.loaded.extra, raw, read.loaded.version));
    }
    let seq = 0;
    for (const line of t.journal) {
      const e = JSON.parse(line) as {
        seq: number;
        at?: string;
        actor?: string;
        via?: string;
        op?: string;
        taskId?: string;
        tasks?: Array<{ id: string }>;
      };
      // Folder journals can repeat a number after a rotation race; keep order, keep numbers where they are unique.
      seq = Math.max(seq + 1, e.seq);
      const ids = [...new Set([...(e.taskId ? [e.taskId] : []), ...(e.tasks ?? []).map((x) => x.id)])];
      await client.query(
        'INSERT INTO lockstep_journal (team_id, seq, at, actor, via, op, task_ids, line) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [teamId, seq, e.at ?? '', e.actor ?? '', e.via ?? '', e.op ?? '', ids, line],
      );
    }
    // The team's journal sequence (made with its row, migration 5) continues after the last number copied.
    if (seq > 0) await client.query('SELECT setval(lockstep_journal_seq($1), $2)', [teamId, seq]);
    await writeDatabaseMail(client, teamId, t.mail);
  }
}

export function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a.size !== b.size) return false;
  for (const [team, x] of a) {
    const y = b.get(team);
    if (!y || x.configRaw !== y.configRaw || x.tasks.size !== y.tasks.size || x.journal.join('\n') !== y.journal.join('\n')) return false;
    if (x.profiles.size !== y.profiles.size || !sameMail(x.mail, y.mail) || x.displayName !== y.displayName) return false;
    for (const [name, p] of x.profiles) if (profileKey(y.profiles.get(name)) !== profileKey(p)) return false;
    for (const [id, raw] of x.tasks) if (y.tasks.get(id) !== raw) return false;
  }
  return true;
}

export function counts(s: Snapshot) {
  let tasks = 0;
  let journalEntries = 0;
  const mail = { messages: 0, historyEntries: 0, costEvents: 0 };
  for (const t of s.values()) {
    tasks += t.tasks.size;
    journalEntries += t.journal.length;
    const m = mailCounts(t.mail);
    mail.messages += m.messages;
    mail.historyEntries += m.historyEntries;
    mail.costEvents += m.costEvents;
  }
  return { teams: s.size, tasks, journalEntries, ...mail };
}
