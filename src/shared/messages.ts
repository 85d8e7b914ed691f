import { z } from 'zod';
import { NAME_PATTERN, MAX_NAME_LENGTH } from './names';

/** Team messages and cost events exactly as ClawTeam 0.3 lays them on disk (camelCase JSON, absent when null). */

export const MESSAGE_TYPES = [
  'message',
  'broadcast',
  'join_request',
  'join_approved',
  'join_rejected',
  'plan_approval_request',
  'plan_approved',
  'plan_rejected',
  'shutdown_request',
  'shutdown_approved',
  'shutdown_rejected',
  'idle',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** ClawTeam's field order (TeamMessage in clawteam/team/models.py); unknown fields follow, in the order read. */
export const MESSAGE_FIELDS = [
  'type',
  'from',
  'to',
  'content',
  'requestId',
  'timestamp',
  'key',
  'proposedName',
  'capabilities',
  'assignedName',
  'agentId',
  'teamName',
  'planFile',
  'summary',
  'plan',
  'feedback',
  'reason',
  'lastTask',
  'status',
] as const;

/** The optional string fields a sender may set beside type/from/to/content/key. */
export const OPTIONAL_MESSAGE_FIELDS = MESSAGE_FIELDS.slice(7);

/** A message as on disk: ClawTeam's fields plus any others, known to ClawTeam or not, kept as read. */
export const teamMessageSchema = z
  .object({
    type: z.string(),
    from: z.string(),
    to: z.string().optional(),
    content: z.string().optional(),
    requestId: z.string().optional(),
    timestamp: z.string(),
    key: z.string().optional(),
  })
  .passthrough();
export type TeamMessage = z.infer<typeof teamMessageSchema>;

/** One entry of a team's history (`teams/<team>/events/evt-*.json`); `id` is its file name. */
export const messageRecordSchema = z.object({ id: z.string(), message: teamMessageSchema });
export type MessageRecord = z.infer<typeof messageRecordSchema>;

export const costEventSchema = z.object({
  id: z.string(),
  agentName: z.string(),
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costCents: z.number(),
  reportedAt: z.string(),
});
export type CostEvent = z.infer<typeof costEventSchema>;

export const costSummarySchema = z.object({
  teamName: z.string(),
  totalCostCents: z.number(),
  totalInputTokens: z.number(),
  totalOutputTokens: z.number(),
  byAgent: z.record(z.string(), z.number()),
  eventCount: z.number(),
  /** From the team config; 0 means no budget. */
  budgetCents: z.number(),
});
export type CostSummary = z.infer<typeof costSummarySchema>;

/** Spend and tokens per agent, for the cost strip (ClawTeam's summary keeps only cents per agent). */
export const agentCostSchema = z.object({
  agentName: z.string(),
  costCents: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  events: z.number(),
});
export type AgentCost = z.infer<typeof agentCostSchema>;

export const costOverviewSchema = z.object({ summary: costSummarySchema, agents: z.array(agentCostSchema) });
export type CostOverview = z.infer<typeof costOverviewSchema>;

const name = z.string().min(1).max(MAX_NAME_LENGTH).regex(NAME_PATTERN);
export const MAX_CONTENT_LENGTH = 1_000_000;

export const sendMessageInputSchema = z
  .object({
    from: name,
    to: name,
    /** Absent for messages ClawTeam sends without text (plan_approval_request, plan_approved, idle, …). */
    content: z.string().max(MAX_CONTENT_LENGTH).optional(),
    type: z.enum(MESSAGE_TYPES).default('message'),
    key: z.string().max(1000).optional(),
    /** ClawTeam's optional fields (proposedName, reason, ...) and any others, kept as given. */
    fields: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type SendMessageInput = z.input<typeof sendMessageInputSchema>;

export const broadcastInputSchema = z
  .object({
    from: name,
    content: z.string().max(MAX_CONTENT_LENGTH),
    type: z.enum(MESSAGE_TYPES).default('broadcast'),
    key: z.string().max(1000).optional(),
  })
  .strict();
export type BroadcastInput = z.input<typeof broadcastInputSchema>;

export const costReportInputSchema = z
  .object({
    agentName: name,
    provider: z.string().max(200).default(''),
    model: z.string().max(200).default(''),
    inputTokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    outputTokens: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
    costCents: z.number().finite().min(0).max(1e12).default(0),
  })
  .strict();
export type CostReportInput = z.input<typeof costReportInputSchema>;
