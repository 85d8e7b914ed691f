// The rules of a message both backends apply before they store it: limits, names, ClawTeam's fields and ids.
import { randomBytes } from 'crypto';
import { InvalidInputError } from '../../shared/errors';
import {
  broadcastInputSchema,
  OPTIONAL_MESSAGE_FIELDS,
  sendMessageInputSchema,
  type BroadcastInput,
  type SendMessageInput,
  type TeamMessage,
} from '../../shared/messages';
import { assertName } from '../../shared/names';
import { parseInput } from '../../shared/schemas';
import { nowTimestamp } from '../../shared/time';

export const MAX_MESSAGE_LIMIT = 10_000;

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MESSAGE_LIMIT) {
    throw new InvalidInputError(`The limit must be a whole number from 1 to ${MAX_MESSAGE_LIMIT} (got ${limit}).`);
  }
}

/** Names first, so a bad one is reported in plain words (which name, what is wrong with it). */
export function checkNames(input: unknown, to?: 'to'): void {
  if (!input || typeof input !== 'object') throw new InvalidInputError('Give the message to send.');
  const values = input as Record<string, unknown>;
  assertName(values.from, 'agent');
  if (to) assertName(values.to, 'member');
}

/** A message to send, checked, stamped and given its request id, as ClawTeam builds it (both backends). */
export function buildMessage(input: SendMessageInput): TeamMessage {
  checkNames(input, 'to');
  const values = parseInput(sendMessageInputSchema, input, 'message');
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values.fields ?? {})) {
    if (['type', 'from', 'to', 'content', 'timestamp'].includes(k)) {
      throw new InvalidInputError(`Field ${k} is set by the message itself; give it with its own option.`, { field: k });
    }
    if ((OPTIONAL_MESSAGE_FIELDS as readonly string[]).includes(k) && v !== null && typeof v !== 'string') {
      throw new InvalidInputError(`Field ${k} must be text.`, { field: k });
    }
    extra[k] = v;
  }
  return {
    type: values.type,
    from: values.from,
    to: values.to,
    content: values.content,
    requestId: typeof extra.requestId === 'string' ? extra.requestId : randomBytes(6).toString('hex'),
    timestamp: nowTimestamp(),
    key: values.key,
    ...extra,
  };
}

/** A broadcast's checked values (one message per recipient is built from them). */
export function broadcastValues(input: BroadcastInput): ReturnType<typeof broadcastInputSchema.parse> {
  checkNames(input);
  return parseInput(broadcastInputSchema, input, 'broadcast');
}

/** One page of history: the newest `limit` entries before `before` (a history file name), oldest first. */
export function historyPage(names: string[], before: string | undefined, limit: number): { page: string[]; more: boolean } {
  const eligible = before === undefined ? names : names.filter((n) => n < before);
  const page = eligible.slice(Math.max(0, eligible.length - limit));
  return { page, more: eligible.length > page.length };
}
