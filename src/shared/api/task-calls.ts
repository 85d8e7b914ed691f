import { z } from 'zod';
import { MAX_LEASE_MS } from '../claims';
import { fileProblemSchema, findingSchema, journalEntrySchema, sweepResultSchema, versionedTaskSchema as taskSchema } from '../model';
import {
  bulkChangeSchema,
  bulkIdsSchema,
  createTaskInputSchema,
  ownerSchema,
  statusSchema,
  taskIdSchema,
  teamNameSchema,
  updateTaskPatchSchema,
} from '../schemas';
import { readCall } from './kinds';

const versionSchema = z.string().min(1).max(64);
const reasonSchema = z.string().trim().min(1, 'give a reason').max(500);
const taskRef = { team: teamNameSchema, id: taskIdSchema };

export const activityItemSchema = z.object({
  team: z.string(),
  seq: z.number(),
  /** Epoch milliseconds. */
  at: z.number(),
  actor: z.string(),
  via: z.string(),
  op: z.string(),
  /** One word to group by: claimed, released, completed, assigned, created, deleted, moved, changed, undid, … */
  verb: z.string(),
  /** The change in words, without the actor: `claimed "Design the API"`. */
  text: z.string(),
  taskId: z.string().optional(),
  subject: z.string().optional(),
  reason: z.string().optional(),
});

/** Tasks (reading some again, creating, changing, claiming, deleting), undo, the team's history and its health. */
export const TASK_API = {
  /** Re-reads only these tasks (after a tasksChanged event); ids no longer on disk come back in `missing`. */
  getTasks: readCall({
    input: z.object({ team: teamNameSchema, ids: z.array(taskIdSchema).max(10_000) }).strict(),
    output: z.object({ tasks: z.array(taskSchema), problems: z.array(fileProblemSchema), missing: z.array(z.string()) }),
  }),
  createTask: { input: z.object({ team: teamNameSchema, task: createTaskInputSchema }).strict(), output: taskSchema },
  updateTask: {
    input: z
      .object({ ...taskRef, patch: updateTaskPatchSchema, expectVersion: versionSchema.optional(), force: z.boolean().optional() })
      .strict(),
    output: taskSchema,
  },
  /** Drag onto a member: sets the owner (conflict-checked when expectVersion is given). */
  assignTask: { input: z.object({ ...taskRef, owner: ownerSchema, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  /** Drag across columns: pending/in_progress/blocked/completed with ClawTeam's claim semantics, as this person. */
  moveTask: { input: z.object({ ...taskRef, status: statusSchema, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  claimTask: {
    input: z
      .object({ ...taskRef, leaseMs: z.number().int().positive().max(MAX_LEASE_MS).optional(), expectVersion: versionSchema.optional() })
      .strict(),
    output: taskSchema,
  },
  releaseTask: { input: z.object({ ...taskRef, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  /** Breaks somebody else's claim; the person confirmed it naming the holder, and gives a reason. */
  forceReleaseTask: {
    input: z.object({ ...taskRef, reason: reasonSchema, expectVersion: versionSchema.optional() }).strict(),
    output: taskSchema,
  },
  completeTask: { input: z.object({ ...taskRef, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  deleteTask: {
    input: z.object({ ...taskRef, expectVersion: versionSchema.optional() }).strict(),
    output: z.object({ deleted: z.string() }),
  },
  /**
   * One change to many tasks (the list view's bulk actions: assign, move, priority, delete), all or nothing, as one
   * journal entry: one undo step takes it back whole.
   */
  bulkChangeTasks: {
    input: z.object({ team: teamNameSchema, ids: bulkIdsSchema, change: bulkChangeSchema }).strict(),
    output: z.object({ tasks: z.array(taskSchema), deleted: z.array(z.string()) }),
  },
  /**
   * Undoes one change this window made, named by its journal number (`seq`, from the `journaled` list of the call
   * that made it), or with `redo` re-applies one this window undid (`seq` of the undo). Refused with CONFLICT, naming
   * who and what in words, when somebody else touched it since; the window's own changes never count. Without `seq`:
   * this person's last change made in the app (as before).
   */
  undo: {
    input: z.object({ team: teamNameSchema, seq: z.number().int().positive().optional(), redo: z.boolean().optional() }).strict(),
    output: z.object({ undone: journalEntrySchema, tasks: z.array(taskSchema), team: z.string().optional(), trash: z.string().optional() }),
  },
  /** The team's recent history in words, newest last: at launch, per team, and after live changes (`afterSeq`). */
  activity: readCall({
    input: z
      .object({
        team: teamNameSchema,
        afterSeq: z.number().int().min(0).optional(),
        limit: z.number().int().positive().max(1000).default(100),
      })
      .strict(),
    output: z.object({ items: z.array(activityItemSchema), lastSeq: z.number() }),
  }),
  history: readCall({
    input: z
      .object({ team: teamNameSchema, taskId: taskIdSchema.optional(), limit: z.number().int().positive().max(5000).default(200) })
      .strict(),
    output: z.object({ entries: z.array(journalEntrySchema) }),
  }),
  doctor: readCall({
    input: z.object({ team: teamNameSchema, oldClaimMs: z.number().int().positive().optional() }).strict(),
    output: z.object({ findings: z.array(findingSchema) }),
  }),
  fixFinding: {
    input: z
      .object({
        team: teamNameSchema,
        findingId: z.string().min(1).max(600),
        oldClaimMs: z.number().int().positive().optional(),
        reason: reasonSchema.optional(),
      })
      .strict(),
    output: z.object({ fixed: findingSchema }),
  },
  sweepTeam: {
    input: z.object({ team: teamNameSchema, olderThanMs: z.number().int().positive().optional() }).strict(),
    output: sweepResultSchema,
  },
};
