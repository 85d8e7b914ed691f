import type { TaskList, VersionedTask } from '../../shared/domain';
import { InvalidInputError, taskNotFound } from '../../shared/errors';
import { assertName } from '../../shared/names';
import {
  createTaskInputSchema,
  parseInput,
  taskFilterSchema,
  updateTaskPatchSchema,
  type CreateTaskInput,
  type TaskFilter,
  type UpdateTaskPatch,
} from '../../shared/schemas';
import { withVersion, type LoadedTask } from '../core/task-format';
import { selectTasks } from '../core/task-filter';
import * as ops from '../core/task-ops';
import type { PgContext } from './pg-context';
import { loadAll, mutate, teamIdOf } from './pg-mutate';
import { loadTaskRow } from './rows';
import { bulkDetails, checkBulk, runBulk, type BulkResult } from '../core/task-bulk';
import type { BulkChange } from '../../shared/schemas';

// Tasks on the database (PostgresStore's task methods; claims are in pg-claims.ts): reads, and the mutations, each
// checked here and then run through the rule in task-ops.ts inside one transaction (pg-mutate.ts). The mode says
// which locks: 'share' (the team row shared, the task rows it touches for update) or 'exclusive' (the whole team).

export async function listTasks(ctx: PgContext, team: string, filter: TaskFilter = {}): Promise<TaskList> {
  assertName(team, 'team');
  const f = parseInput(taskFilterSchema, filter, 'filter');
  const loaded = await ctx.run(async (client) => {
    const teamId = await teamIdOf(client, team, null);
    return [...(await loadAll(client, team, teamId)).values()] as LoadedTask[];
  });
  const tasks = selectTasks(loaded, f);
  return { tasks, problems: [] };
}

export async function getTask(ctx: PgContext, team: string, id: string): Promise<VersionedTask> {
  assertName(team, 'team');
  assertName(id, 'task id');
  return ctx.run(async (client) => {
    const r = await client.query(
      'SELECT t.id, t.raw FROM lockstep_tasks t JOIN lockstep_teams g ON g.id = t.team_id WHERE g.name = $1 AND t.id = $2',
      [team, id],
    );
    if (r.rowCount === 0) throw taskNotFound(team, id);
    return withVersion(loadTaskRow(team, r.rows[0]));
  });
}

// ---------------------------------------------------------------- task mutations

export async function createTask(ctx: PgContext, team: string, input: CreateTaskInput): Promise<VersionedTask> {
  const values = parseInput(createTaskInputSchema, input, 'task');
  return mutate(ctx, team, ctx.info('task.create'), (tx) => ops.createTask(tx, values), {
    assumeMissing: values.blockedBy.length === 0,
    mode: values.blockedBy.length ? 'exclusive' : 'share',
  });
}

export async function updateTask(
  ctx: PgContext,
  team: string,
  id: string,
  patch: UpdateTaskPatch,
  options: ops.ActorOptions = {},
): Promise<VersionedTask> {
  assertName(id, 'task id');
  const values = parseInput(updateTaskPatchSchema, patch, 'update');
  if (Object.keys(values).length === 0) throw new InvalidInputError('Nothing to update: give at least one field to change.');
  checkActor(options.agent);
  const wholeTeam = Boolean(values.addBlockedBy?.length || values.addBlocks?.length || values.status === 'completed');
  return mutate(
    ctx,
    team,
    ctx.info('task.update', options.agent, { taskId: id, reason: options.reason }),
    (tx) => ops.updateTask(tx, id, values, options),
    {
      preload: [id, ...(values.removeBlockedBy ?? []), ...(values.removeBlocks ?? [])],
      mode: wholeTeam ? 'exclusive' : 'share',
    },
  );
}

/** One change to many tasks in one transaction (task-bulk.ts): one journal entry, one undo step. */
export async function bulkChangeTasks(
  ctx: PgContext,
  team: string,
  ids: string[],
  change: BulkChange,
  options: ops.ActorOptions = {},
): Promise<BulkResult> {
  const checked = checkBulk(ids, change, options);
  return mutate(
    ctx,
    team,
    ctx.info('task.bulk', options.agent, { details: bulkDetails(checked.ids, checked.change) }),
    (tx) => runBulk(tx, checked.ids, checked.change, options),
    { mode: 'exclusive' },
  );
}

export async function releaseTask(ctx: PgContext, team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
  assertName(id, 'task id');
  checkActor(options.agent);
  return mutate(
    ctx,
    team,
    ctx.info('task.release', options.agent, { taskId: id, reason: options.reason }),
    (tx) => ops.releaseTask(tx, id, options),
    {
      preload: [id],
    },
  );
}

export async function completeTask(ctx: PgContext, team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
  assertName(id, 'task id');
  checkActor(options.agent);
  return mutate(
    ctx,
    team,
    ctx.info('task.complete', options.agent, { taskId: id, reason: options.reason }),
    (tx) => ops.completeTask(tx, id, options),
    {
      mode: 'exclusive',
    },
  );
}

export async function deleteTask(ctx: PgContext, team: string, id: string, options: ops.ActorOptions = {}): Promise<VersionedTask> {
  assertName(id, 'task id');
  checkActor(options.agent);
  return mutate(
    ctx,
    team,
    ctx.info('task.delete', options.agent, { taskId: id, reason: options.reason }),
    (tx) => ops.deleteTask(tx, id, options),
    {
      mode: 'exclusive',
    },
  );
}

export function checkActor(agent: string | undefined): void {
  if (agent !== undefined) assertName(agent, 'agent');
}
