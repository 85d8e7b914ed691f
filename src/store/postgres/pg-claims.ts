import type { VersionedTask } from '../../shared/domain';
import { assertName } from '../../shared/names';
import { nowTimestamp } from '../../shared/time';
import type { LoadedTask } from '../core/task-format';
import * as ops from '../core/task-ops';
import { checkClaimOptions } from '../core/task-claims';
import type { PgContext } from './pg-context';
import { loadRows, mutate, save, teamIdOf } from './pg-mutate';
import { PgTransaction } from './pg-transaction';
import { loadTaskRow } from './rows';

// Claims on the database (PostgresStore's claim methods): by id, the next ready task, and renewing a lease. Release
// is in pg-tasks.ts with the other mutations. The options are checked as the folder store checks them (checkClaimOptions).

export async function claimTask(ctx: PgContext, team: string, id: string, options: ops.ClaimOptions): Promise<VersionedTask> {
  assertName(id, 'task id');
  const claim = checkClaimOptions(options, ctx.host);
  return mutate(
    ctx,
    team,
    ctx.info('task.claim', claim.agent, { taskId: id, reason: claim.reason }),
    (tx) => ops.claimTask(tx, id, claim),
    {
      preload: [id],
    },
  );
}

/**
 * The next task: pending, unclaimed, nothing unfinished to wait for, within the member's capabilities and WIP
 * limit; most urgent, then oldest. Rows another claimer holds are skipped (FOR UPDATE SKIP LOCKED), never waited on.
 */
export async function claimNextTask(ctx: PgContext, team: string, options: ops.ClaimOptions): Promise<VersionedTask | null> {
  assertName(team, 'team');
  const claim = checkClaimOptions(options, ctx.host);
  const info = ctx.info('task.claim-next', claim.agent);
  return ctx.transact(async (client, opId) => {
    const teamId = await teamIdOf(client, team, 'share');
    const m = await client.query('SELECT capabilities, wip_limit FROM lockstep_members WHERE team_id = $1 AND name = $2', [
      teamId,
      claim.agent,
    ]);
    const member = m.rows[0] as { capabilities: string[] | null; wip_limit: number | null } | undefined;
    let full = false;
    if (member && member.wip_limit !== null) {
      // The member row serializes this agent's own claims, so two of them cannot both pass the limit.
      await client.query('SELECT 1 FROM lockstep_members WHERE team_id = $1 AND name = $2 FOR UPDATE', [teamId, claim.agent]);
      const held = await client.query(
        "SELECT count(*)::int AS n FROM lockstep_tasks WHERE team_id = $1 AND status = 'in_progress' AND locked_by = $2",
        [teamId, claim.agent],
      );
      full = held.rows[0].n >= member.wip_limit;
    }
    let value: VersionedTask | null = null;
    let tx: PgTransaction | null = null;
    if (!full) {
      const r = await client.query(
        `SELECT t.id, t.raw FROM lockstep_tasks t
          WHERE t.team_id = $1 AND t.status = 'pending' AND t.locked_by = ''
            AND NOT EXISTS (SELECT 1 FROM lockstep_tasks b
                             WHERE b.team_id = t.team_id AND b.id = ANY(t.blocked_by) AND b.status <> 'completed')
            AND ($2::text[] IS NULL OR lockstep_required_tags(t.metadata) <@ $2::text[])
          ORDER BY t.priority_rank DESC, t.created_us, t.id
          LIMIT 1
          FOR UPDATE OF t SKIP LOCKED`,
        [teamId, member ? (member.capabilities ?? []) : null],
      );
      if (r.rowCount) {
        const picked = loadTaskRow(team, r.rows[0]);
        const rows = new Map<string, LoadedTask | null>([[picked.task.id, picked]]);
        await loadRows(client, team, teamId, picked.task.blockedBy, rows, false);
        tx = new PgTransaction(team, nowTimestamp(), rows, false, false, new Map());
        value = ops.claimTask(tx, picked.task.id, { ...claim, force: false, expectVersion: undefined });
      }
    }
    if (tx) await save(ctx, client, team, teamId, tx, info, opId);
    else await ctx.appendJournal(client, teamId, ctx.entry(team, info, []), opId);
    return value;
  });
}

export async function heartbeatTask(
  ctx: PgContext,
  team: string,
  id: string,
  options: ops.ClaimOptions & { leaseMs: number },
): Promise<VersionedTask> {
  assertName(id, 'task id');
  const claim = checkClaimOptions(options, ctx.host);
  return mutate(
    ctx,
    team,
    ctx.info('task.heartbeat', claim.agent, { taskId: id }),
    (tx) => ops.heartbeatTask(tx, id, { ...claim, leaseMs: options.leaseMs }),
    {
      preload: [id],
    },
  );
}
