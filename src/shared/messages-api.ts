import { z } from 'zod';
import { costOverviewSchema, MAX_CONTENT_LENGTH, messageRecordSchema as recordSchema, teamMessageSchema } from './messages';
import { fileProblemSchema as problemSchema } from './model';
import { memberNameSchema, teamNameSchema } from './schemas';

/**
 * The messages-and-costs part of the window's contract (merged into API and EVENTS in api.ts): inputs main
 * validates before touching disk, outputs it answers with.
 */

export const EVENT_FILE_NAME = /^evt-[A-Za-z0-9._-]{1,120}\.json$/;
const eventIdSchema = z.string().regex(EVENT_FILE_NAME, 'not a message history file name');
const unreadSchema = z.record(z.string(), z.number());

const content = z
  .string()
  .max(MAX_CONTENT_LENGTH)
  .refine((s) => s.trim().length > 0, 'write something to send');

export const MESSAGE_API = {
  /**
   * The newest `limit` history entries (before `before`, to page back), oldest first, whether older ones exist, what
   * waits in each inbox, and history files that do not parse.
   */
  getMessages: {
    input: z
      .object({ team: teamNameSchema, before: eventIdSchema.optional(), limit: z.number().int().min(1).max(10_000).default(1000) })
      .strict(),
    output: z.object({ records: z.array(recordSchema), more: z.boolean(), unread: unreadSchema, problems: z.array(problemSchema) }),
  },
  /** Reads only these history files (after a messagesChanged event). */
  getMessagesByIds: {
    input: z.object({ team: teamNameSchema, ids: z.array(eventIdSchema).max(10_000) }).strict(),
    output: z.object({ records: z.array(recordSchema) }),
  },
  /** Messages waiting in each inbox (after an inboxesChanged event). */
  getUnread: { input: z.object({ team: teamNameSchema }).strict(), output: z.object({ unread: unreadSchema }) },
  /** Sends a direct message as the person named in the top bar. */
  sendMessage: { input: z.object({ team: teamNameSchema, to: memberNameSchema, content }).strict(), output: teamMessageSchema },
  /** Sends to every inbox of the team but the person's own. */
  broadcastMessage: {
    input: z.object({ team: teamNameSchema, content }).strict(),
    output: z.object({ count: z.number(), recipients: z.array(z.string()) }),
  },
  getCosts: {
    input: z.object({ team: teamNameSchema }).strict(),
    output: costOverviewSchema,
  },
  /** Sets the team budget in dollars (0 removes it). */
  setBudget: {
    input: z
      .object({ team: teamNameSchema, dollars: z.number().finite().min(0, 'a budget cannot be negative').max(10_000_000_000) })
      .strict(),
    output: z.object({ teamName: z.string(), budgetCents: z.number() }),
  },
} as const;

export const MESSAGE_EVENTS = {
  /** New files in a team's message history (any writer); `ids` are their file names. */
  messagesChanged: z.object({ team: z.string(), ids: z.array(z.string()), at: z.number() }),
  /** Something arrived in or left an inbox of the team (unread counts changed). */
  inboxesChanged: z.object({ team: z.string(), at: z.number() }),
  /** A cost event was added or removed. */
  costsChanged: z.object({ team: z.string(), at: z.number() }),
} as const;
