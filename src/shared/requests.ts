import { z } from 'zod';
import { teamMessageSchema, type MessageType } from './messages';

/**
 * Requests an agent makes and somebody answers (ClawTeam 0.3's team/plan.py, team/lifecycle.py and `team
 * approve-join`): a plan to approve, a shutdown to agree to, a member to let in. Each is a message in ClawTeam's
 * format with a `requestId`; its answer is another message with the same `requestId`. Both backends derive the
 * open and answered requests from the team's message history plus Lockstep's record of who answered.
 */

export const REQUEST_KINDS = ['plan', 'shutdown', 'join'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** The message types of each kind: the request, its approval, its rejection. */
export const REQUEST_TYPES: Record<RequestKind, { ask: MessageType; approved: MessageType; rejected: MessageType }> = {
  plan: { ask: 'plan_approval_request', approved: 'plan_approved', rejected: 'plan_rejected' },
  shutdown: { ask: 'shutdown_request', approved: 'shutdown_approved', rejected: 'shutdown_rejected' },
  join: { ask: 'join_request', approved: 'join_approved', rejected: 'join_rejected' },
};

export const requestAnswerSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  /** Who answered (an agent, or the person at the window). */
  by: z.string(),
  /** The person at a window who sent the answer as `by` (a team's leader, say), when that is somebody else. */
  person: z.string().optional(),
  /** When (ClawTeam's timestamp format). */
  at: z.string(),
  /** The plan feedback, or the reason given with a shutdown or join answer. */
  feedback: z.string().optional(),
  /** `lockstep`: answered through Lockstep (recorded once, under the team's lock); `message`: only a reply seen in the history (ClawTeam's own code answered). */
  source: z.enum(['lockstep', 'message']),
  /** A join approval: the member added. */
  member: z.string().optional(),
});
export type RequestAnswer = z.infer<typeof requestAnswerSchema>;

export const teamRequestSchema = z.object({
  kind: z.enum(REQUEST_KINDS),
  requestId: z.string(),
  /** Who asks (a plan's author, the sender of a shutdown or join request). */
  from: z.string(),
  /** Who is asked (the message's recipient). */
  to: z.string(),
  /** When it was asked. */
  at: z.string(),
  /** The request message as sent: summary, plan, planFile, reason, proposedName, capabilities … */
  message: teamMessageSchema,
  answer: requestAnswerSchema.optional(),
});
export type TeamRequest = z.infer<typeof teamRequestSchema>;

export const requestListSchema = z.object({
  /** Requests nobody answered yet, oldest first. */
  open: z.array(teamRequestSchema),
  /** Answered requests, oldest first. */
  answered: z.array(teamRequestSchema),
  /** Each member's latest `idle` notice. */
  idle: z.record(z.string(), teamMessageSchema),
});
export type RequestList = z.infer<typeof requestListSchema>;
