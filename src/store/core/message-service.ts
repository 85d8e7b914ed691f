import {
  type BroadcastInput,
  type CostEvent,
  type CostOverview,
  type CostReportInput,
  type CostSummary,
  type MessageRecord,
  type SendMessageInput,
  type TeamMessage,
} from '../../shared/messages';

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

/** A message taken with a lease, and the id `ack` takes. */
export type LeasedMessage = TeamMessage & { leaseId: string };

export interface EventsRead {
  /** New history entries (not in `known`), oldest first. */
  records: MessageRecord[];
  /** Every history file name present now (to pass back as `known` next time). */
  names: string[];
  problems: Array<{ path: string; reason: string }>;
}
