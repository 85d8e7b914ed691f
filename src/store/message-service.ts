import { randomBytes } from 'crypto';
import { InvalidInputError } from '../shared/errors';
import {
  broadcastInputSchema,
  OPTIONAL_MESSAGE_FIELDS,
  sendMessageInputSchema,
  type BroadcastInput,
  type CostEvent,
  type CostOverview,
  type CostReportInput,
  type CostSummary,
  type MessageRecord,
  type SendMessageInput,
  type TeamMessage,
} from '../shared/messages';
import { assertName } from '../shared/names';
import { parseInput } from '../shared/schemas';
import { nowTimestamp } from '../shared/time';
import type { EventsRead, LeasedMessage, Mailbox } from './inbox';

/**
 * Team messages and costs behind one face on both backends (`Store.messages`, `Store.costs`): the folder's Mailbox
 * and CostStore (ClawTeam's files), or the database's tables (postgres/pg-messages.ts, pg-costs.ts). Same method
 * names, arguments, results and errors as the folder's Mailbox; every method returns a Promise.
 */
export interface MessageService {
  send(team: string, input: SendMessageInput): Promise<TeamMessage>;
  broadcast(team: string, input: BroadcastInput): Promise<BroadcastResult>;
  recipients(team: string): Promise<string[]>;
  /** Takes up to `limit` messages out of `agent`'s inbox, oldest first; each is delivered to exactly one receiver. */
  receive(team: string, agent: string, limit?: number): Promise<TeamMessage[]>;
  /** At-least-once: takes messages with a lease of `leaseMs`; `ack` deletes them (a data folder only, for now). */
  receiveLeased?(team: string, agent: string, limit: number, leaseMs: number): Promise<LeasedMessage[]>;
  ack?(team: string, agent: string, ids: readonly string[]): Promise<{ acked: string[]; notHeld: string[] }>;
  peek(team: string, agent: string, limit?: number): Promise<TeamMessage[]>;
  unreadCounts(team: string): Promise<Record<string, number>>;
  log(team: string, options?: { limit?: number; from?: string }): Promise<MessageRecord[]>;
  readHistory(team: string, options: { before?: string; limit: number }): Promise<EventsRead & { more: boolean }>;
  readEvents(team: string, known?: ReadonlySet<string>, only?: ReadonlySet<string>): Promise<EventsRead>;
}

export interface BroadcastResult {
  count: number;
  recipients: string[];
  messages: TeamMessage[];
}

export interface CostService {
  report(team: string, input: CostReportInput): Promise<CostEvent>;
  events(team: string, agent?: string): Promise<CostEvent[]>;
  summary(team: string): Promise<CostSummary>;
  overview(team: string): Promise<CostOverview>;
}

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

/** The data folder's messages: the Mailbox's synchronous calls, as Promises (errors become rejections). */
export class FolderMessages implements MessageService {
  constructor(private readonly mailbox: Mailbox) {}

  private async call<T>(fn: () => T): Promise<T> {
    return fn();
  }

  send(team: string, input: SendMessageInput) {
    return this.call(() => this.mailbox.send(team, input));
  }
  broadcast(team: string, input: BroadcastInput) {
    return this.call(() => this.mailbox.broadcast(team, input));
  }
  recipients(team: string) {
    return this.call(() => this.mailbox.recipients(team));
  }
  receive(team: string, agent: string, limit?: number) {
    return this.call(() => this.mailbox.receive(team, agent, limit));
  }
  receiveLeased(team: string, agent: string, limit: number, leaseMs: number) {
    return this.call(() => this.mailbox.receiveLeased(team, agent, limit, leaseMs));
  }
  ack(team: string, agent: string, ids: readonly string[]) {
    return this.call(() => this.mailbox.ack(team, agent, ids));
  }
  peek(team: string, agent: string, limit?: number) {
    return this.call(() => this.mailbox.peek(team, agent, limit));
  }
  unreadCounts(team: string) {
    return this.call(() => this.mailbox.unreadCounts(team));
  }
  log(team: string, options?: { limit?: number; from?: string }) {
    return this.call(() => this.mailbox.log(team, options));
  }
  readHistory(team: string, options: { before?: string; limit: number }) {
    return this.call(() => this.mailbox.readHistory(team, options));
  }
  readEvents(team: string, known?: ReadonlySet<string>, only?: ReadonlySet<string>) {
    return this.call(() => this.mailbox.readEvents(team, known, only));
  }
}
