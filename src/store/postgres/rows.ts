import type { ClientBase } from 'pg';
import { PRIORITY_RANK, type Task, type TeamConfig } from '../../shared/domain';
import { CorruptFileError } from '../../shared/errors';
import { parseTimestamp } from '../../shared/time';
import { parseTaskBytes, type LoadedTask } from '../core/task-format';
import type { MemberProfile } from '../../shared/members';

/**
 * Row <-> domain conversions of the PostgreSQL store. A task row's `raw` is its file's bytes; the rest derives from it.
 * The statements every mutation runs are named (prepared once per connection, then only bound and run).
 */

export function taskPath(team: string, id: string): string {
  return `postgres:${team}/task-${id}.json`;
}

/** Where an inbox lives, in the words of a finding (as a folder's teams/<team>/inboxes/<inbox>). */
export function inboxPath(team: string, inbox: string): string {
  return `postgres:${team}/inboxes/${inbox}`;
}

/** Parses a task row's raw bytes exactly as the folder store parses a file (so the version is the same hash). */
export function loadTaskRow(team: string, row: { id: string; raw: string }): LoadedTask {
  const read = parseTaskBytes(Buffer.from(row.raw, 'utf8'), taskPath(team, row.id), row.id);
  if (read.kind !== 'ok') {
    const problem = read.kind === 'problem' ? read.problem : { path: taskPath(team, row.id), reason: 'missing' };
    throw new CorruptFileError(problem.path, problem.reason);
  }
  return read.loaded;
}

export const TASK_COLUMNS =
  'team_id, id, subject, description, status, priority, priority_rank, owner, locked_by, locked_at, blocks, blocked_by, ' +
  'started_at, created_at, updated_at, created_us, metadata, extra, raw, version';

/** Parameters $1..$20 in TASK_COLUMNS order. */
export function taskParams(teamId: string, task: Task, extra: Record<string, unknown>, raw: string, version: string): unknown[] {
  return [
    teamId,
    task.id,
    task.subject,
    task.description,
    task.status,
    task.priority,
    PRIORITY_RANK[task.priority] ?? 1,
    task.owner ?? '',
    task.lockedBy ?? '',
    task.lockedAt ?? '',
    task.blocks ?? [],
    task.blockedBy ?? [],
    task.startedAt ?? '',
    task.createdAt ?? '',
    task.updatedAt ?? '',
    parseTimestamp(task.createdAt) ?? 0,
    JSON.stringify(task.metadata ?? {}),
    JSON.stringify(extra ?? {}),
    raw,
    version,
  ];
}

const placeholders = Array.from({ length: 20 }, (_, i) => `$${i + 1}`).join(', ');
const assignments = TASK_COLUMNS.split(', ')
  .slice(2)
  .map((c, i) => `${c} = $${i + 3}`)
  .join(', ');

export async function insertTask(client: ClientBase, params: unknown[]): Promise<void> {
  await client.query({
    name: 'lockstep_insert_task',
    text: `INSERT INTO lockstep_tasks (${TASK_COLUMNS}) VALUES (${placeholders})`,
    values: params,
  });
}

/**
 * Updates a row only if it is still at `expected` (it is row-locked or team-locked; this is belt and braces): when it
 * is not, the statement fails with a serialization failure, so a COMMIT sent behind it rolls the transaction back.
 * Returns the query without waiting for it (pg-mutate.ts sends a mutation's writes and COMMIT together).
 */
export function updateTaskChecked(client: ClientBase, params: unknown[], expected: string): Promise<unknown> {
  return client.query({
    name: 'lockstep_update_task',
    text: `WITH u AS (UPDATE lockstep_tasks SET ${assignments} WHERE team_id = $1 AND id = $2 AND version = $21 RETURNING 1)
           SELECT lockstep_expect_rows((SELECT count(*) FROM u), 1, 'task ' || $2)`,
    values: [...params, expected],
  });
}

/** Deletes a row only if it is still at `expected`, like updateTaskChecked. */
export function deleteTaskChecked(client: ClientBase, teamId: string, id: string, expected: string): Promise<unknown> {
  return client.query({
    name: 'lockstep_delete_task',
    text: `WITH d AS (DELETE FROM lockstep_tasks WHERE team_id = $1 AND id = $2 AND version = $3 RETURNING 1)
           SELECT lockstep_expect_rows((SELECT count(*) FROM d), 1, 'task ' || $2)`,
    values: [teamId, id, expected],
  });
}

/** Rewrites the members index of a team from its config (same transaction as the config write). */
export async function writeMembers(client: ClientBase, teamId: string, config: TeamConfig): Promise<void> {
  await client.query('DELETE FROM lockstep_members WHERE team_id = $1', [teamId]);
  for (const [i, m] of config.members.entries()) {
    const p = m.lockstep ?? {};
    await client.query(
      `INSERT INTO lockstep_members (team_id, name, position, user_name, agent_id, agent_type, joined_at, role, capabilities, wip_limit,
         display_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (team_id, name) DO NOTHING`,
      [
        teamId,
        m.name,
        i,
        m.user ?? '',
        m.agentId ?? '',
        m.agentType ?? '',
        m.joinedAt ?? '',
        typeof p.role === 'string' ? p.role : null,
        Array.isArray(p.capabilities) ? p.capabilities.filter((c) => typeof c === 'string') : null,
        typeof p.wipLimit === 'number' && Number.isInteger(p.wipLimit) && p.wipLimit >= 0 ? p.wipLimit : null,
        typeof p.displayName === 'string' && p.displayName ? p.displayName : null,
      ],
    );
  }
}

/** One members row's profile (role, capability tags, WIP limit), as the folder's members.json holds it. */
export function profileOfRow(row: {
  role: string | null;
  capabilities: string[] | null;
  wip_limit: number | null;
  display_name?: string | null;
}): MemberProfile {
  const profile: MemberProfile = {};
  if (row.role !== null) profile.role = row.role;
  if (row.capabilities !== null) profile.capabilities = row.capabilities;
  if (row.wip_limit !== null) profile.wipLimit = row.wip_limit;
  if (row.display_name) profile.displayName = row.display_name;
  return profile;
}

/**
 * A team's member profiles. In the database they live in the members rows, not in config_raw (which holds
 * config.json as ClawTeam writes it), as in a folder they live in .lockstep/members.json beside config.json.
 */
export async function readProfiles(client: ClientBase, teamId: string): Promise<Record<string, MemberProfile>> {
  const r = await client.query(
    'SELECT name, role, capabilities, wip_limit, display_name FROM lockstep_members WHERE team_id = $1 ORDER BY position, name',
    [teamId],
  );
  const out: Record<string, MemberProfile> = {};
  for (const row of r.rows) out[row.name as string] = profileOfRow(row);
  return out;
}
