import {
  type BroadcastInput,
  type CostEvent,
  type CostOverview,
  type CostReportInput,
  type CostSummary,
  type MessageRecord,
  type SendMessageInput,
  type TeamMessage,
} from '../shared/messages';
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
