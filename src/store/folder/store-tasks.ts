import * as fs from 'fs';
import type { TaskList, VersionedTask } from '../../shared/domain';
import { CorruptFileError, InvalidInputError, taskNotFound, teamNotFound, UnsafePathError } from '../../shared/errors';
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
import { readTeamConfig } from './team-config';
import { applyProfiles } from '../core/team-format';
import { assertNoLinks } from './safe-fs';
import { teamBoundaryProblems } from './boundary';
import { readTaskFile } from './task-files';
import { withVersion } from '../core/task-format';
import { removeOldTempFiles } from './temp-files';
import { selectTasks } from '../core/task-filter';
import * as ops from '../core/task-ops';
import type { SweepRequest } from '../core/store-api';
import type { FolderContext } from './store-context';
import { bulkDetails, checkBulk, runBulk, type BulkResult } from '../core/task-bulk';
import type { BulkChange } from '../../shared/schemas';

// The folder store's task reads and task mutations (LockstepStore delegates here): each mutation checks its input,
// then runs the rule in task-ops.ts inside the team's writer.

export async function listTasks(ctx: FolderContext, team: string, filter: TaskFilter = {}): Promise<TaskList> {
  assertName(team, 'team');
  const f = parseInput(taskFilterSchema, filter, 'filter');
  const dir = ctx.paths.tasksDir(team);
  if (!fs.existsSync(dir) && !fs.existsSync(ctx.paths.teamConfig(team))) {
    throw teamNotFound(team);
  }
  await ctx.completeInterrupted(team);
  const { loaded, problems: fileProblems } = await ctx.scanner.scanInSlices(dir);
  // Links where Lockstep writes (journal, locks, profiles, the folders): reported here and by doctor.
  const problems = [
    ...teamBoundaryProblems(ctx.paths, team, ctx.writerOptions.journal.keep).filter((p) => p.path !== dir),
    ...fileProblems,
  ];
  const tasks = selectTasks(loaded, f);
  return { tasks, problems };
}

export async function getTask(ctx: FolderContext, team: string, id: string): Promise<VersionedTask> {
  await ctx.completeInterrupted(assertName(team, 'team'));
  assertNoLinks(ctx.paths.root, ctx.paths.tasksDir(team), 'dir');
  const read = readTaskFile(ctx.paths.taskFile(team, id), assertName(id, 'task id'));
  if (read.kind === 'ok') return withVersion(read.loaded);
  if (read.kind === 'problem' && read.unsafe) throw new UnsafePathError(read.problem.path, read.problem.reason);
  if (read.kind === 'problem') throw new CorruptFileError(read.problem.path, read.problem.reason);
  throw taskNotFound(team, id);
}

export async function createTask(ctx: FolderContext, team: string, input: CreateTaskInput): Promise<VersionedTask> {
  const values = parseInput(createTaskInputSchema, input, 'task');
  return ctx.writer(team).mutate(ctx.info('task.create'), (tx) => ops.createTask(tx, values));
}

export async function updateTask(
  ctx: FolderContext,
  team: string,
  id: string,
  patch: UpdateTaskPatch,
  options: ops.ActorOptions = {},
): Promise<VersionedTask> {
  assertName(id, 'task id');
  const values = parseInput(updateTaskPatchSchema, patch, 'update');
  if (Object.keys(values).length === 0) throw new InvalidInputError('Nothing to update: give at least one field to change.');
  checkActor(options.agent);
  return ctx
    .writer(team)
    .mutate(ctx.info('task.update', options.agent, { taskId: id, reason: options.reason }), (tx) =>
      ops.updateTask(tx, id, values, options),
    );
}

/** One change to many tasks: one write of the team, one journal entry (task-bulk.ts). */
export async function bulkChangeTasks(
  ctx: FolderContext,
  team: string,
  ids: string[],
  change: BulkChange,
  options: ops.ActorOptions = {},
): Promise<BulkResult> {
  const checked = checkBulk(ids, change, options);
  return ctx
    .writer(team)
    .mutate(ctx.info('task.bulk', options.agent, { details: bulkDetails(checked.ids, checked.change) }), (tx) =>
      runBulk(tx, checked.ids, checked.change, options),
    );
}

export async function claimTask(ctx: FolderContext, team: string, id: string, options: ops.ClaimOptions): Promise<VersionedTask> {
  assertName(id, 'task id');
  const claim = claimOptions(ctx, options);
  return ctx
    .writer(team)
    .mutate(ctx.info('task.claim', claim.agent, { taskId: id, reason: claim.reason }), (tx) => ops.claimTask(tx, id, claim));
}

export async function claimNextTask(ctx: FolderContext, team: string, options: ops.ClaimOptions): Promise<VersionedTask | null> {
  const claim = claimOptions(ctx, options);
  // The claimer's member profile (capabilities, WIP limit), when it is a member of the team.
  const loadedConfig = readTeamConfig(ctx.paths.root, ctx.paths.teamConfig(assertName(team, 'team')));
  const member = loadedConfig && applyProfiles(loadedConfig.config, ctx.profiles(team)).members.find((m) => m.name === claim.agent);
  return ctx.writer(team).mutate(ctx.info('task.claim-next', claim.agent), (tx) => ops.claimNextTask(tx, claim, member, tx.ready));
}

export async function releaseTask(ctx: FolderContext, team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
  assertName(id, 'task id');
  checkActor(options.agent);
  return ctx
    .writer(team)
    .mutate(ctx.info('task.release', options.agent, { taskId: id, reason: options.reason }), (tx) => ops.releaseTask(tx, id, options));
}

export async function completeTask(ctx: FolderContext, team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
  assertName(id, 'task id');
  checkActor(options.agent);
  return ctx
    .writer(team)
    .mutate(ctx.info('task.complete', options.agent, { taskId: id, reason: options.reason }), (tx) => ops.completeTask(tx, id, options));
}

export async function deleteTask(ctx: FolderContext, team: string, id: string, options: ops.ActorOptions = {}): Promise<VersionedTask> {
  assertName(id, 'task id');
  checkActor(options.agent);
  return ctx
    .writer(team)
    .mutate(ctx.info('task.delete', options.agent, { taskId: id, reason: options.reason }), (tx) => ops.deleteTask(tx, id, options));
}

export async function heartbeatTask(
  ctx: FolderContext,
  team: string,
  id: string,
  options: ops.ClaimOptions & { leaseMs: number },
): Promise<VersionedTask> {
  assertName(id, 'task id');
  const claim = claimOptions(ctx, options);
  return ctx
    .writer(team)
    .mutate(ctx.info('task.heartbeat', claim.agent, { taskId: id }), (tx) =>
      ops.heartbeatTask(tx, id, { ...claim, leaseMs: options.leaseMs }),
    );
}

export async function sweepTeam(ctx: FolderContext, team: string, request: SweepRequest = {}): Promise<ops.SweepResult> {
  if (request.olderThanMs !== undefined && !(request.olderThanMs >= 0)) {
    throw new InvalidInputError('The age limit of a sweep must be zero or more.');
  }
  return ctx.writer(team).mutate(ctx.info('team.sweep'), (tx) => {
    const { released } = ops.sweepTeam(tx, { olderThanMs: request.olderThanMs, host: ctx.host, isProcessAlive: ops.isProcessAlive });
    // A killed writer's leftovers (older than 60 s unless asked), removed inside the same lock.
    return { released, removedTempFiles: removeOldTempFiles(ctx.paths.tasksDir(team), request.tempFileAgeMs ?? 60_000) };
  });
}

export function claimOptions(ctx: FolderContext, options: ops.ClaimOptions): ops.ClaimOptions {
  return ops.checkClaimOptions(options, ctx.host);
}

function checkActor(agent: string | undefined): void {
  if (agent !== undefined) assertName(agent, 'agent');
}
