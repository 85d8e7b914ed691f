import type { PoolClient } from 'pg';
import { inboxName, type TeamConfig } from '../../shared/domain';
import { teamNotFound } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { CHANGES_CHANNEL } from './connection';
import { parseTeamConfigText } from '../core/team-format';

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
 * $n+1 and $n+2, the team id is $1; `seq` is the team's last journal number (a message or cost does not change it).
 */
export function notifySql(n: number): string {
  return `pg_notify($${n}, json_build_object('team', $${n + 1}::text, 'seq', coalesce((SELECT max(seq) FROM lockstep_journal WHERE team_id = $1), 0), 'kind', $${n + 2}::text)::text)`;
}

/**
 * After the COMMIT (inTransaction's afterCommit, pg-tx.ts). Test failpoint (as PostgresStore's): with
 * LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY=1 the COMMIT goes through but its reply is "lost" (the connection dropped),
 * once per call (`lost`), so the caller has to find out from the database whether its change is in, without sending a
 * message twice or losing one it received.
 */
export function loseCommitReply(lost: { done: boolean }): void {
  if (process.env.LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY === '1' && !lost.done) {
    lost.done = true;
    throw Object.assign(new Error('Connection terminated unexpectedly (failpoint: COMMIT reply lost)'), { code: '08006' });
  }
}

/** ClawTeam's resolve_inbox: a member's inbox is `<user>_<name>` when it has a user; any other name is its own inbox. */
export function inboxOf(config: TeamConfig, name: string): string {
  assertName(name, 'member');
  const member = config.members.find((m) => m.name === name);
  return member ? inboxName(member) : name;
}

/**
 * Inserts the messages (inbox, name, raw), their inboxes and history rows, and signals listeners, in one statement
 * (one round trip; the foreign keys are checked at its end, when the inboxes are in). Inside the caller's transaction.
 */
export async function deliverMessages(
  client: PoolClient,
  team: string,
  teamId: string,
  items: Array<{ inbox: string; name: string; event: string; from: string; raw: string }>,
): Promise<void> {
  const col = <K extends keyof (typeof items)[number]>(k: K) => items.map((i) => i[k]);
  await client.query(
    `WITH i AS (INSERT INTO lockstep_inboxes (team_id, inbox) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING),
          m AS (INSERT INTO lockstep_messages (team_id, inbox, name, raw) SELECT $1, * FROM unnest($3::text[], $4::text[], $5::text[])),
          e AS (INSERT INTO lockstep_message_events (team_id, name, sender, raw) SELECT $1, * FROM unnest($6::text[], $7::text[], $5::text[]))
     SELECT ${notifySql(8)}`,
    [
      teamId,
      [...new Set(col('inbox'))],
      col('inbox'),
      col('name'),
      col('raw'),
      col('event'),
      col('from'),
      CHANGES_CHANNEL,
      team,
      'messages',
    ],
  );
}
