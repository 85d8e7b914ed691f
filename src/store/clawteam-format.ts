import { z } from 'zod';
import { prioritySchema, statusSchema } from '../shared/model';

/**
 * ClawTeam's files as they lie on disk, read as leniently as ClawTeam's own pydantic models: a missing or null
 * field gets its default. The shapes they become (Task, TeamConfig, Member) are in shared/model.ts; these schemas
 * differ from those only in what they forgive, and belong to the backends that read the folder format. Team
 * messages and cost events likewise (their shapes: shared/messages.ts).
 */

const looseString = z
  .union([z.string(), z.null()])
  .optional()
  .transform((v) => v ?? '');
const idList = z
  .union([z.array(z.string()), z.null()])
  .optional()
  .transform((v) => v ?? []);

export const taskFileSchema = z
  .object({
    id: z.string().min(1),
    subject: z.string(),
    description: looseString,
    status: statusSchema,
    priority: prioritySchema.optional().default('medium'),
    owner: looseString,
    lockedBy: looseString,
    lockedAt: looseString,
    blocks: idList,
    blockedBy: idList,
    startedAt: looseString,
    createdAt: looseString,
    updatedAt: looseString,
    metadata: z
      .union([z.record(z.string(), z.unknown()), z.null()])
      .optional()
      .transform((v) => v ?? {}),
  })
  .passthrough();

const memberFileSchema = z
  .object({
    name: z.string().min(1),
    user: looseString,
    agentId: looseString,
    agentType: looseString,
    joinedAt: looseString,
  })
  .passthrough();

export const teamFileSchema = z
  .object({
    name: z.string().min(1),
    description: looseString,
    leadAgentId: looseString,
    createdAt: looseString,
    members: z.array(memberFileSchema).default([]),
    budgetCents: z.number().default(0),
  })
  .passthrough();

/** A short reason for a file that parsed as JSON but is not what it should be. */
export function describeSchemaProblem(error: z.ZodError): string {
  return (
    error.issues
      .slice(0, 3)
      // Never quote the file's own values (it may be a secret somebody linked in): drop zod's "received 'x'".
      .map((issue) => `${issue.path.join('.') || 'file'}: ${issue.message.replace(/,? received '[\s\S]*$/, '')}`)
      .join('; ')
  );
}

// ---- messages and cost events (teams/<team>/events, costs/<team>) ----

/** Loose schema of a message file: `from` and `timestamp` are what ClawTeam itself requires. */
export const messageFileSchema = z
  .object({
    type: z.string().default('message'),
    from: z.string(),
    to: z.string().nullish(),
    content: z.string().nullish(),
    requestId: z.string().nullish(),
    timestamp: z.string(),
    key: z.string().nullish(),
  })
  .passthrough();

export const costEventFileSchema = z
  .object({
    id: z.string(),
    agentName: z.string(),
    provider: z.string().default(''),
    model: z.string().default(''),
    inputTokens: z.number().int().default(0),
    outputTokens: z.number().int().default(0),
    costCents: z.number().default(0),
    reportedAt: z.string(),
  })
  .passthrough();
