import { z } from 'zod';
import { InvalidInputError } from './errors';
import { depthOf } from './json';
import { prioritySchema, statusSchema } from './model';
import { displayNameProblem, nameProblem, type NameKind } from './names';

/** Schemas shared by the store, the CLI and the IPC bridge. Validation failures become INVALID_INPUT. */

export const MAX_SUBJECT_LENGTH = 500;
export const MAX_DESCRIPTION_LENGTH = 100_000;
export const MAX_METADATA_BYTES = 256 * 1024;

const safeName = (kind: NameKind) =>
  z.string().superRefine((value, ctx) => {
    const problem = nameProblem(value, kind);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

export const teamNameSchema = safeName('team');
/** What a person calls a team or member when it is not a safe name ("Sam Lee"); agents use the short name. */
export const displayNameSchema = z
  .string()
  .transform((v) => v.trim().replace(/\s+/g, ' '))
  .superRefine((value, ctx) => {
    const problem = displayNameProblem(value);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });
export const memberNameSchema = safeName('member');
export const agentNameSchema = safeName('agent');
export const taskIdSchema = safeName('task id');
/** An owner is a member/agent name, or "" for nobody (ClawTeam's convention). */
export const ownerSchema = z.union([z.literal(''), agentNameSchema]);

export { prioritySchema, statusSchema };

const MAX_METADATA_DEPTH = 32;

const metadataSchema = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  // Depth first (iteratively): JSON.stringify of a 200,000-deep value would overflow the stack.
  if (depthOf(value, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `metadata is nested more than ${MAX_METADATA_DEPTH} levels deep` });
    return;
  }
  const size = JSON.stringify(value).length;
  if (size > MAX_METADATA_BYTES) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `metadata is ${size} bytes; at most ${MAX_METADATA_BYTES}` });
  }
});

const subjectSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, 'subject must not be empty').max(MAX_SUBJECT_LENGTH));
const descriptionSchema = z.string().max(MAX_DESCRIPTION_LENGTH);

export const createTaskInputSchema = z
  .object({
    subject: subjectSchema,
    description: descriptionSchema.default(''),
    priority: prioritySchema.default('medium'),
    owner: ownerSchema.default(''),
    blockedBy: z.array(taskIdSchema).max(1000).default([]),
    metadata: metadataSchema.default({}),
  })
  .strict();
export type CreateTaskInput = z.input<typeof createTaskInputSchema>;

export const updateTaskPatchSchema = z
  .object({
    subject: subjectSchema.optional(),
    description: descriptionSchema.optional(),
    priority: prioritySchema.optional(),
    owner: ownerSchema.optional(),
    status: statusSchema.optional(),
    /** Merged one level deep, like ClawTeam; a key set to null is removed. */
    metadata: metadataSchema.optional(),
    addBlockedBy: z.array(taskIdSchema).max(1000).optional(),
    removeBlockedBy: z.array(taskIdSchema).max(1000).optional(),
    addBlocks: z.array(taskIdSchema).max(1000).optional(),
    removeBlocks: z.array(taskIdSchema).max(1000).optional(),
  })
  .strict();
export type UpdateTaskPatch = z.input<typeof updateTaskPatchSchema>;

export const taskFilterSchema = z
  .object({
    status: z.array(statusSchema).optional(),
    owner: z.string().max(64).optional(),
    priority: z.array(prioritySchema).optional(),
    text: z.string().max(500).optional(),
    lockedBy: z.string().max(64).optional(),
  })
  .strict();
export type TaskFilter = z.input<typeof taskFilterSchema>;

export const newMemberSchema = z
  .object({
    name: memberNameSchema,
    user: z.union([z.literal(''), memberNameSchema]).default(''),
    agentType: z.string().max(64).default('general-purpose'),
    displayName: displayNameSchema.optional(),
  })
  .strict();
export type NewMember = z.input<typeof newMemberSchema>;

const tagSchema = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'a tag uses letters, digits, ".", "_" or "-" (at most 40)');

export const memberProfilePatchSchema = z
  .object({
    role: z.union([z.string().trim().min(1).max(64), z.null()]).optional(),
    capabilities: z.union([z.array(tagSchema).max(50), z.null()]).optional(),
    wipLimit: z.union([z.number().int().min(0).max(1000), z.null()]).optional(),
    displayName: z.union([displayNameSchema, z.null()]).optional(),
  })
  .strict();
export type MemberProfilePatch = z.input<typeof memberProfilePatchSchema>;

export const createTeamInputSchema = z
  .object({
    name: teamNameSchema,
    displayName: displayNameSchema.optional(),
    description: z.string().max(10_000).default(''),
    members: z.array(newMemberSchema).max(500).default([]),
  })
  .strict();
export type CreateTeamInput = z.input<typeof createTeamInputSchema>;

/** Parses `value` with `schema` or throws INVALID_INPUT naming every problem. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : what;
    return `${where}: ${issue.message}`;
  });
  throw new InvalidInputError(`Invalid ${what}: ${problems.join('; ')}.`, { problems });
}

/**
 * One change to many tasks at once (the window's list view): assign, move, set the priority, or delete. It is one
 * write of the team and one journal entry, so one undo step takes it back whole.
 */
export const bulkChangeSchema = z.union([
  z.object({ owner: ownerSchema }).strict(),
  z.object({ status: statusSchema }).strict(),
  z.object({ priority: prioritySchema }).strict(),
  z.object({ delete: z.literal(true) }).strict(),
  /** Claims `from` holds go to `to`, owner too where it was `from` (a person who changed who they act as). */
  z.object({ moveClaims: z.object({ from: agentNameSchema, to: agentNameSchema }).strict() }).strict(),
]);
export type BulkChange = z.infer<typeof bulkChangeSchema>;
export const bulkIdsSchema = z.array(taskIdSchema).min(1, 'Choose at least one task.').max(5000);
