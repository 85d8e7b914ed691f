import { randomBytes } from 'crypto';
import type { PoolClient } from 'pg';
import { AlreadyExistsError, InvalidInputError, NotFoundError } from '../../shared/errors';
import { nowTimestamp } from '../../shared/time';
import { TRASH_ID, TRASH_KEEP } from '../core/store-api';

/**
 * The team trash in the database. A deleted team's row stays, with everything that hangs off it (members, tasks,
 * journal, messages, costs), renamed to 'trash:<id>' (no team can have a name with ':', so nothing reaches it by
 * name, and its old name is free again) and listed in lockstep_trash. Restoring renames it back, in one transaction,
 * unless a team of that name exists again. The newest TRASH_KEEP deleted teams are kept, as in a data folder.
 */

export const TRASHED_NAME_PREFIX = 'trash:';

/** SQL condition: the team row `alias` is not in the trash. */
export function notTrashed(alias: string): string {
  return `NOT EXISTS (SELECT 1 FROM lockstep_trash x WHERE x.team_id = ${alias}.id)`;
}

/** Moves the team (its row held FOR UPDATE by the caller) into the trash; returns the trash id and its task count. */
export async function trashTeam(
  client: PoolClient,
  teamId: string,
  team: string,
  by: string,
): Promise<{ trash: string; deletedTasks: number }> {
  const trash = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const r = await client.query('SELECT count(*)::int AS n FROM lockstep_tasks WHERE team_id = $1', [teamId]);
  await client.query('UPDATE lockstep_teams SET name = $2 WHERE id = $1', [teamId, `${TRASHED_NAME_PREFIX}${trash}`]);
  await client.query('INSERT INTO lockstep_trash (id, team_id, team, deleted_at, deleted_by) VALUES ($1, $2, $3, $4, $5)', [
    trash,
    teamId,
    team,
    nowTimestamp(),
    by,
  ]);
  // Bounded: older deleted teams go for good (their rows cascade).
  await client.query(`DELETE FROM lockstep_teams WHERE id IN (SELECT team_id FROM lockstep_trash ORDER BY n DESC OFFSET ${TRASH_KEEP})`);
  return { trash, deletedTasks: r.rows[0].n as number };
}

export function checkTrashId(trash: unknown): string {
  if (typeof trash !== 'string' || !TRASH_ID.test(trash)) {
    throw new InvalidInputError('Name a deleted team by the id its deletion returned.', { trash: String(trash).slice(0, 80) });
  }
  return trash;
}

/** Takes a team out of the trash (renamed back); NOT_FOUND when it is no longer kept, ALREADY_EXISTS when its name is taken. */
export async function untrashTeam(client: PoolClient, trash: string): Promise<{ teamId: string; team: string }> {
  const r = await client.query(
    'SELECT x.team_id, x.team FROM lockstep_trash x JOIN lockstep_teams t ON t.id = x.team_id WHERE x.id = $1 FOR UPDATE',
    [trash],
  );
  if (r.rowCount === 0) throw new NotFoundError('That deleted team is no longer kept, so it cannot be brought back.', { trash });
  const teamId = String(r.rows[0].team_id);
  const team = r.rows[0].team as string;
  const taken = () => new AlreadyExistsError(`A team named ${team} exists again, so the deleted one was not brought back.`, { team });
  if ((await client.query('SELECT 1 FROM lockstep_teams WHERE name = $1', [team])).rowCount) throw taken();
  try {
    await client.query('UPDATE lockstep_teams SET name = $2 WHERE id = $1', [teamId, team]);
  } catch (err) {
    // Created again by somebody else just now: the unique name says so.
    if ((err as { code?: string }).code === '23505') throw taken();
    throw err;
  }
  await client.query('DELETE FROM lockstep_trash WHERE id = $1', [trash]);
  return { teamId, team };
}
