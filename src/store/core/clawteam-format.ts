import { z } from 'zod';
import { prioritySchema, statusSchema } from '../../shared/model';

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

const LOOSE_STRING_FIELDS = ['description', 'owner', 'lockedBy', 'lockedAt', 'startedAt', 'createdAt', 'updatedAt'] as const;
const TASK_FILE_KEYS: readonly string[] = Object.keys(taskFileSchema.shape);
const STATUSES: readonly unknown[] = statusSchema.options;
const PRIORITIES: readonly unknown[] = prioritySchema.options;
const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && !hasOwn(v, '__proto__');

/**
 * taskFileSchema.parse for a task file as ClawTeam and Lockstep write it (every field of its type, or a loose one
 * null or missing), in a few microseconds instead of zod's ~25: the same result, key for key and in the same order
 * (the schema's fields, then the unknown ones as they come), as a new object. Anything else (a wrong type, a
 * `__proto__` key, an unknown status) returns undefined, and the caller asks zod, which explains what is wrong.
 * src/store/core/clawteam-format.test.ts holds the two side by side.
 */
export function parseTaskFileFast(json: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(json)) return undefined;
  const { id, subject, status, priority, blocks, blockedBy, metadata } = json;
  if (typeof id !== 'string' || id.length === 0 || typeof subject !== 'string') return undefined;
  if (!STATUSES.includes(status) || (priority !== undefined && !PRIORITIES.includes(priority))) return undefined;
  const loose: Record<string, string> = {};
  for (const key of LOOSE_STRING_FIELDS) {
    const v = json[key];
    if (typeof v === 'string') loose[key] = v;
    else if (v === null || v === undefined) loose[key] = '';
    else return undefined;
  }
  const list = (v: unknown): string[] | undefined =>
    v === null || v === undefined ? [] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...(v as string[])] : undefined;
  const blocksOut = list(blocks);
  const blockedByOut = list(blockedBy);
  if (!blocksOut || !blockedByOut) return undefined;
  let metadataOut: Record<string, unknown>;
  if (metadata === null || metadata === undefined) metadataOut = {};
  else if (isPlainObject(metadata)) metadataOut = { ...metadata };
  else return undefined;
  const out: Record<string, unknown> = {
    id,
    subject,
    description: loose.description,
    status,
    priority: priority ?? 'medium',
    owner: loose.owner,
    lockedBy: loose.lockedBy,
    lockedAt: loose.lockedAt,
    blocks: blocksOut,
    blockedBy: blockedByOut,
    startedAt: loose.startedAt,
    createdAt: loose.createdAt,
    updatedAt: loose.updatedAt,
    metadata: metadataOut,
  };
  for (const key in json) if (!TASK_FILE_KEYS.includes(key)) out[key] = json[key];
  return out;
}

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
