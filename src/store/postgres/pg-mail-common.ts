import type { PoolClient } from 'pg';
import type { TeamConfig } from '../../shared/domain';
import { teamNotFound } from '../../shared/errors';
import { parseTeamConfigText } from './rows';

/** What the database's messages (pg-messages.ts) and costs (pg-costs.ts) share: the team row, NOTIFY, COMMIT. */

/** Runs one attempt (its own BEGIN/COMMIT) with the store's schema check and bounded retries (PgContext.run, pg-context.ts). */
export type Runner = <T>(
  attempt: (client: PoolClient) => Promise<T>,
  settle?: (client: PoolClient) => Promise<{ committed: true; value: T } | null>,
) => Promise<T>;

/**
 * The team row, FOR KEY SHARE when writing: messages and costs of one team go in side by side, while a team delete,
 * rename or restore (which change the row's name) waits for them and they for it. null when there is no such team.
 */
export async function findTeam(client: PoolClient, team: string, lock = false): Promise<{ id: string; config: TeamConfig } | null> {
  const r = await client.query(`SELECT id, config_raw FROM lockstep_teams WHERE name = $1${lock ? ' FOR KEY SHARE' : ''}`, [team]);
  if (r.rowCount === 0) return null;
  return { id: String(r.rows[0].id), config: parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`).config };
}

export async function requireTeam(client: PoolClient, team: string, lock = false): Promise<{ id: string; config: TeamConfig }> {
  const found = await findTeam(client, team, lock);
  if (!found) throw teamNotFound(team);
  return found;
}

/**
 * SQL signalling listeners (delivered only if the transaction commits): channel, team and kind are parameters $n,
 * $n+1 and $n+2, the team id is $1; `seq` is the team's journal head (a message or cost does not change it).
 */
export function notifySql(n: number): string {
  return `pg_notify($${n}, json_build_object('team', $${n + 1}::text, 'seq', coalesce((SELECT seq FROM lockstep_journal_heads WHERE team_id = $1), 0), 'kind', $${n + 2}::text)::text)`;
}

/**
 * COMMIT. Test failpoint (as PostgresStore's): with LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY=1 the COMMIT goes through
 * but its reply is "lost" (the connection dropped), once per call (`lost`), so the caller has to find out from the
 * database whether its change is in, without sending a message twice or losing one it received.
 */
export async function commitOnce(client: PoolClient, lost: { done: boolean }): Promise<void> {
  await client.query('COMMIT');
  if (process.env.LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY === '1' && !lost.done) {
    lost.done = true;
    throw Object.assign(new Error('Connection terminated unexpectedly (failpoint: COMMIT reply lost)'), { code: '08006' });
  }
}
