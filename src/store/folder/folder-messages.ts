import type { BroadcastInput, SendMessageInput } from '../../shared/messages';
import type { Mailbox } from './inbox';
import type { MessageService } from '../core/message-service';

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
