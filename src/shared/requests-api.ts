import { z } from 'zod';
import { readCall } from './api/kinds';
import { agentNameSchema, memberNameSchema, teamNameSchema } from './schemas';
import { REQUEST_KINDS, requestListSchema, teamRequestSchema } from './requests';

/**
 * The approvals part of the window's contract (merged into API in api.ts): the requests agents make of a team
 * (plans, shutdowns, joins) and the person's answers. The list follows the team's message history, so the window
 * reads it again after a messagesChanged event of that team.
 */

const requestIdSchema = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'not a request id');

export const REQUEST_API = {
  /** Open requests, answered ones (the history) and each member's latest idle notice. */
  listRequests: readCall({ input: z.object({ team: teamNameSchema }).strict(), output: requestListSchema }),
  /** A plan's text when its request message does not carry it (read from ClawTeam's plan file). */
  getPlan: readCall({
    input: z.object({ team: teamNameSchema, planId: requestIdSchema, agent: agentNameSchema }).strict(),
    output: z.object({ plan: z.string().nullable() }),
  }),
  /**
   * Approves or rejects one request, sent from `as` (the one asked, e.g. the team's leader for a plan) and recorded
   * with the person at the window. Exactly once: a later answerer gets CONFLICT naming who answered.
   */
  answerRequest: {
    input: z
      .object({
        team: teamNameSchema,
        kind: z.enum(REQUEST_KINDS),
        requestId: requestIdSchema,
        /** The request's sender, checked against the request. */
        requester: agentNameSchema,
        as: agentNameSchema,
        approve: z.boolean(),
        feedback: z.string().max(100_000).optional(),
        /** A join approval: the new member's name (default: the proposed one). */
        assignedName: memberNameSchema.optional(),
      })
      .strict(),
    output: teamRequestSchema,
  },
} as const;
