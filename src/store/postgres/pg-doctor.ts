import type { VersionedTask } from '../../shared/domain';
import { InvalidInputError, NotFoundError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { diagnose, diagnoseOptions, type Finding } from '../doctor';
import type { DoctorRequest, SweepRequest } from '../store-api';
import * as ops from '../task-ops';
import type { PgContext } from './pg-context';
import { mutate } from './pg-mutate';
import { listTasks } from './pg-tasks';

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
    (tx) =>
      ops.sweepTeam(tx, { olderThanMs: request.olderThanMs, host: ctx.host, isProcessAlive: ops.isProcessAlive, tempFileAgeMs: 60_000 }),
    { mode: 'exclusive' },
  );
}

export async function doctor(ctx: PgContext, team: string, request: DoctorRequest = {}): Promise<Finding[]> {
  const { tasks } = await listTasks(ctx, team);
  return diagnose(tasks, [], [], diagnoseOptions(ctx.host, request));
}

export async function fixFinding(
  ctx: PgContext,
  team: string,
  findingId: string,
  request: DoctorRequest = {},
): Promise<{ fixed: Finding; task?: VersionedTask }> {
  assertName(team, 'team');
  if (typeof findingId !== 'string' || findingId.length > 600) throw new InvalidInputError('Give the id of a finding from doctor.');
  return mutate(
    ctx,
    team,
    ctx.info('doctor.fix', undefined, { details: { findingId } }),
    (tx) => {
      const { loaded } = tx.allTasks();
      const finding = diagnose(
        loaded.map((l) => l.task),
        [],
        [],
        diagnoseOptions(ctx.host, request),
      ).find((f) => f.id === findingId);
      if (!finding) {
        throw new NotFoundError(
          `Finding ${findingId} no longer applies in team ${team}: it was fixed or the task moved on. Run doctor again.`,
          {
            team,
            findingId,
          },
        );
      }
      return { fixed: finding, task: ops.fixTaskFinding(tx, finding) };
    },
    { mode: 'exclusive' },
  );
}
