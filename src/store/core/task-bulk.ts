import type { VersionedTask } from '../../shared/domain';
import { InvalidInputError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { bulkChangeSchema, bulkIdsSchema, parseInput, type BulkChange } from '../../shared/schemas';
import * as ops from './task-ops';
import { moveClaim } from './task-claims';
import type { TeamTransaction } from './transaction';

export interface BulkResult {
  tasks: VersionedTask[];
  deleted: string[];
}

/** The checked input of a bulk change (both backends): ids once each, a known change, a safe actor. */
export function checkBulk(ids: string[], change: BulkChange, options: ops.ActorOptions): { ids: string[]; change: BulkChange } {
  const unique = [...new Set(parseInput(bulkIdsSchema, ids, 'tasks'))];
  const checked = parseInput(bulkChangeSchema, change, 'change');
  if (options.agent !== undefined) assertName(options.agent, 'agent');
  if (unique.length === 0) throw new InvalidInputError('Choose at least one task.');
  return { ids: unique, change: checked };
}

/** What the journal keeps of a bulk change: the change and how many tasks (the words come from describeEntry). */
export function bulkDetails(ids: string[], change: BulkChange): Record<string, unknown> {
  return { bulk: change, count: ids.length };
}

/**
 * Applies one change to every task inside one transaction of the team: the same rules as one task at a time
 * (claims, blockers, guards), all or nothing — one refusal refuses the whole change, naming the task.
 */
export function runBulk(tx: TeamTransaction, ids: string[], change: BulkChange, options: ops.ActorOptions): BulkResult {
  const tasks: VersionedTask[] = [];
  const deleted: string[] = [];
  for (const id of ids) {
    if ('delete' in change) {
      ops.deleteTask(tx, id, options);
      deleted.push(id);
    } else if ('moveClaims' in change) tasks.push(moveClaim(tx, id, change.moveClaims.from, change.moveClaims.to));
    else tasks.push(ops.updateTask(tx, id, change, options));
  }
  return { tasks, deleted };
}
