import type { PoolClient } from 'pg';
import { inboxName, type TeamConfig, type VersionedTask } from '../../shared/domain';
import { InvalidInputError, teamNotFound } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { checkFixRequest, diagnose, diagnoseOptions, strangerInboxFinding, strangerMember, type Finding } from '../core/doctor';
import type { DoctorRequest, SweepRequest } from '../core/store-api';
import * as ops from '../core/task-ops';
import type { LoadedTask } from '../core/task-format';
import type { PgContext } from './pg-context';
import { loadAll, mutate, mutateTeam } from './pg-mutate';
import { appendMember } from './pg-teams';
import { inboxPath } from './rows';
import { parseTeamConfigText } from '../core/team-format';

// The stall radar and the sweep on the database (PostgresStore's doctor, fixFinding and sweepTeam): the same
// diagnosis and fixes as the folder store (doctor.ts, task-ops), each fix and each sweep one transaction holding the
// whole team.

export async function sweepTeam(ctx: PgContext, team: string, request: SweepRequest = {}): Promise<ops.SweepResult> {
  if (request.olderThanMs !== undefined && !(request.olderThanMs >= 0)) {
    throw new InvalidInputError('The age limit of a sweep must be zero or more.');
  }
  return mutate(
    ctx,
    team,
    ctx.info('team.sweep'),
    (tx) => ops.sweepTeam(tx, { olderThanMs: request.olderThanMs, host: ctx.host, isProcessAlive: ops.isProcessAlive }),
    { mode: 'exclusive' },
  );
}

/**
 * The radar on the database: the task findings (doctor.ts) and, of the mailbox findings (mailbox-doctor.ts), only
 * stranger-inbox. The other two cannot happen here: a receive deletes its rows in the transaction that hands them
 * out, so no message is left taken by a receiver that died (orphan-claim); and a message is parsed before its row is
 * inserted, so none waits unreadable (dead-letter).
 */
export async function doctor(ctx: PgContext, team: string, request: DoctorRequest = {}): Promise<Finding[]> {
  assertName(team, 'team');
  const { tasks, config, inboxes } = await ctx.run(async (client) => {
    const r = await client.query('SELECT id, config_raw FROM lockstep_teams WHERE name = $1', [team]);
    if (r.rowCount === 0) throw teamNotFound(team);
    const teamId = String(r.rows[0].id);
    return {
      tasks: [...(await loadAll(client, team, teamId)).values()] as LoadedTask[],
      config: parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`).config,
      inboxes: await waitingByInbox(client, teamId),
    };
  });
  return [
    ...diagnose(
      tasks.map((l) => l.task),
      [],
      [],
      diagnoseOptions(ctx.host, request),
    ),
    ...strangerInboxes(team, config, inboxes),
  ];
}

/** Every inbox of the team (empty ones too, as a folder's inbox folders) with how many messages wait in it. */
async function waitingByInbox(client: PoolClient, teamId: string, only?: string): Promise<Array<{ inbox: string; waiting: number }>> {
  const r = await client.query(
    `SELECT i.inbox, count(m.name)::int AS waiting
       FROM lockstep_inboxes i LEFT JOIN lockstep_messages m ON m.team_id = i.team_id AND m.inbox = i.inbox
      WHERE i.team_id = $1 AND ($2::text IS NULL OR i.inbox = $2)
      GROUP BY i.inbox ORDER BY i.inbox`,
    [teamId, only ?? null],
  );
  return r.rows.map((row) => ({ inbox: String(row.inbox), waiting: Number(row.waiting) }));
}

function strangerInboxes(team: string, config: TeamConfig, inboxes: Array<{ inbox: string; waiting: number }>): Finding[] {
  const members = new Set(config.members.map((m) => inboxName(m)));
  return inboxes.filter((i) => !members.has(i.inbox)).map((i) => strangerInboxFinding(team, i.inbox, i.waiting, inboxPath(team, i.inbox)));
}

export async function fixFinding(
  ctx: PgContext,
  team: string,
  findingId: string,
  request: DoctorRequest = {},
): Promise<{ fixed: Finding; task?: VersionedTask }> {
  const { gone } = checkFixRequest(team, findingId);
  if (findingId.startsWith('stranger-inbox:')) {
    // One team change (the team row FOR UPDATE, so no message goes in meanwhile): the finding looked up again, then
    // the member added with the folder fix's defaults, journaled as an added member (undo removes it again).
    const inbox = findingId.slice('stranger-inbox:'.length);
    const details: Record<string, unknown> = { member: inbox, findingId };
    return mutateTeam(ctx, team, ctx.info('team.add-member', undefined, { details }), async (client, teamId, loaded) => {
      const fixed = strangerInboxes(team, loaded.config, await waitingByInbox(client, teamId, inbox)).find((f) => f.id === findingId);
      if (!fixed) throw gone();
      await appendMember(client, team, teamId, loaded, strangerMember(inbox), details);
      return { fixed };
    });
  }
  return mutate(
    ctx,
    team,
    ctx.info('doctor.fix', undefined, { details: { findingId } }),
    (tx) => ops.fixFindingNow(tx, findingId, diagnoseOptions(ctx.host, request), gone),
    { mode: 'exclusive' },
  );
}
