import * as fs from 'fs';
import * as path from 'path';
import { inboxName, type TeamConfig } from '../../shared/domain';
import { InvalidInputError, teamNotFound } from '../../shared/errors';
import type { BroadcastInput, MessageRecord, SendMessageInput, TeamMessage } from '../../shared/messages';
import type { EventsRead, LeasedMessage } from '../core/message-service';
import { assertName } from '../../shared/names';
import { nowTimestamp } from '../../shared/time';
import { broadcastValues, buildMessage, checkLimit, historyPage, MAX_MESSAGE_LIMIT } from '../core/message-rules';
import { deliverMessageFile, listDir, logEventFile, pendingNames } from './inbox-files';
import { CLAIMED_FILE_RE, EVENT_FILE_RE, MESSAGE_FILE_RE, parseMessage, serializeMessage } from '../core/message-format';
import type { StorePaths } from './paths';
import { assertNoLinks, readBounded } from './safe-fs';
import { MAX_FILE_BYTES } from '../core/task-format';
import { readTeamConfig } from './team-config';
import { ackLeased, claimMessage, LEASED_FILE_RE, MAX_LEASE_MS, type Claimed } from './inbox-claim';

/**
 * Team messages on ClawTeam 0.3's files (see inbox-files.ts for the layout).
 *
 * Receiving is exactly-once among Lockstep receivers: a message is claimed by renaming `msg-*.json` to
 * `*.consumed` (one renamer wins), opened, locked with flock through that descriptor, checked to still be the file
 * linked at that path (link count > 0, same inode: a receiver that read it before us has already deleted it), read,
 * and deleted while the lock is still held. A receiver killed anywhere in between leaves a `.consumed` file whose
 * lock died with it: the next receiver claims it (once the claim is CLAIM_GRACE_MS old, see isStaleClaim). ClawTeam's own receivers unlock before they delete, so between a
 * ClawTeam receiver's unlock and its unlink anybody (ClawTeam or Lockstep) may read the message a second time; that
 * gap is ClawTeam's and cannot be closed from outside.
 */

const MAX_LIMIT = MAX_MESSAGE_LIMIT;

export class Mailbox {
  constructor(private readonly paths: StorePaths) {}

  private teamsDir(team: string): string {
    return this.paths.teamDir(team);
  }

  inboxesDir(team: string): string {
    return path.join(this.teamsDir(team), 'inboxes');
  }

  eventsDir(team: string): string {
    return path.join(this.teamsDir(team), 'events');
  }

  deadLettersDir(team: string, inbox?: string): string {
    const root = path.join(this.teamsDir(team), 'dead_letters');
    return inbox === undefined ? root : path.join(root, assertName(inbox, 'member'));
  }

  /**
   * The data folder is a boundary (safe-fs.ts): none of the folders a mailbox call reads or writes may be a
   * symbolic link (or a file where a folder belongs). UNSAFE_PATH otherwise, before anything is touched.
   */
  private guard(...dirs: string[]): void {
    for (const dir of dirs) assertNoLinks(this.paths.root, dir, 'dir');
  }

  private config(team: string): TeamConfig {
    const loaded = readTeamConfig(this.paths.root, this.paths.teamConfig(assertName(team, 'team')));
    if (!loaded) throw teamNotFound(team);
    return loaded.config;
  }

  /** ClawTeam's resolve_inbox: a member's inbox is `<user>_<name>` when it has a user; any other name is its own inbox. */
  inboxOf(team: string, name: string, config: TeamConfig = this.config(team)): string {
    assertName(name, 'member');
    const member = config.members.find((m) => m.name === name);
    return member ? inboxName(member) : name;
  }

  send(team: string, input: SendMessageInput): TeamMessage {
    const message = buildMessage(input);
    const config = this.config(team);
    const data = serializeMessage(message);
    const inboxDir = path.join(this.inboxesDir(team), this.inboxOf(team, message.to as string, config));
    this.guard(inboxDir, this.eventsDir(team));
    deliverMessageFile(inboxDir, data);
    logEventFile(this.eventsDir(team), data);
    return JSON.parse(data) as TeamMessage;
  }

  /** One message per inbox but the sender's, as ClawTeam's broadcast (which only sees existing inbox folders). */
  broadcast(team: string, input: BroadcastInput): { count: number; recipients: string[]; messages: TeamMessage[] } {
    const values = broadcastValues(input);
    const config = this.config(team);
    const own = new Set([values.from, this.inboxOf(team, values.from, config)]);
    // Every inbox folder (as ClawTeam) plus every member's inbox, even one whose folder was never created.
    const all = new Set([...this.recipients(team), ...config.members.map((m) => inboxName(m))]);
    const recipients = [...all].filter((r) => !own.has(r)).sort();
    this.guard(this.eventsDir(team), ...recipients.map((to) => path.join(this.inboxesDir(team), to)));
    const messages: TeamMessage[] = [];
    for (const to of recipients) {
      const message: TeamMessage = {
        type: values.type,
        from: values.from,
        to,
        content: values.content,
        timestamp: nowTimestamp(),
        key: values.key,
      };
      const data = serializeMessage(message);
      deliverMessageFile(path.join(this.inboxesDir(team), to), data);
      logEventFile(this.eventsDir(team), data);
      messages.push(JSON.parse(data) as TeamMessage);
    }
    return { count: messages.length, recipients, messages };
  }

  /** Inbox folders (ClawTeam's list_recipients), sorted. */
  recipients(team: string): string[] {
    const dir = this.inboxesDir(team);
    return listDir(dir)
      .filter((n) => {
        try {
          return assertName(n, 'member') && fs.statSync(path.join(dir, n)).isDirectory();
        } catch {
          return false;
        }
      })
      .sort();
  }

  /** Takes up to `limit` messages out of `agent`'s inbox, oldest first; each is delivered to exactly one receiver. */
  receive(team: string, agent: string, limit = 10): TeamMessage[] {
    return this.take(team, agent, limit).map((c) => c.message);
  }

  /**
   * At-least-once receiving: takes up to `limit` messages as receive does, but leases them for `leaseMs` instead of
   * deleting them; `ack` with their ids deletes them. A message not acked in time goes back to the inbox (a
   * receiver that died after taking it loses nothing; one that acks late may have it delivered twice).
   */
  receiveLeased(team: string, agent: string, limit: number, leaseMs: number): LeasedMessage[] {
    if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > MAX_LEASE_MS)
      throw new InvalidInputError(`A lease must last from 1 ms to a day (got ${leaseMs} ms).`);
    return this.take(team, agent, limit, leaseMs).map((c) => ({ ...c.message, leaseId: c.id }));
  }

  /** Deletes leased messages by id (what receiveLeased answered as leaseId). */
  ack(team: string, agent: string, ids: readonly string[]): { acked: string[]; notHeld: string[] } {
    for (const id of ids) {
      if (typeof id !== 'string' || !/^msg-[A-Za-z0-9._-]{1,120}$/.test(id) || id.includes('..'))
        throw new InvalidInputError(`"${String(id).slice(0, 80)}" is not a lease id; use the leaseId a receive with --lease answered.`);
    }
    const dir = path.join(this.inboxesDir(team), this.inboxOf(team, agent));
    this.guard(dir);
    return ackLeased(dir, ids);
  }

  private take(team: string, agent: string, limit: number, leaseMs?: number): Claimed[] {
    checkLimit(limit);
    const inbox = this.inboxOf(team, agent);
    const dir = path.join(this.inboxesDir(team), inbox);
    this.guard(dir, this.deadLettersDir(team, inbox));
    const out: Claimed[] = [];
    const names = listDir(dir)
      .filter((n) => MESSAGE_FILE_RE.test(n) || CLAIMED_FILE_RE.test(n) || LEASED_FILE_RE.test(n))
      .sort();
    for (const name of names) {
      if (out.length >= limit) break;
      try {
        const claimed = claimMessage(this.deadLettersDir(team, inbox), team, inbox, dir, name, leaseMs);
        if (claimed) out.push(claimed);
      } catch (err) {
        // One message that cannot be taken never takes the others with it: those taken are handed out; the rest
        // wait for the next receive.
        if (out.length === 0) throw err;
        break;
      }
    }
    return out;
  }

  /** What `agent` would receive, without taking it (ClawTeam's peek). */
  peek(team: string, agent: string, limit = MAX_LIMIT): TeamMessage[] {
    checkLimit(limit);
    const dir = path.join(this.inboxesDir(team), this.inboxOf(team, agent));
    this.guard(dir);
    const out: TeamMessage[] = [];
    for (const name of pendingNames(dir)) {
      if (out.length >= limit) break;
      try {
        const read = readBounded(path.join(dir, name), MAX_FILE_BYTES);
        const parsed = read.kind === 'ok' ? parseMessage(read.bytes) : null;
        if (parsed && 'message' in parsed) out.push(parsed.message);
      } catch {
        // taken meanwhile
      }
    }
    return out;
  }

  /** Waiting messages per inbox folder (the unread counts on member cards). */
  unreadCounts(team: string): Record<string, number> {
    this.config(team);
    const counts: Record<string, number> = {};
    for (const inbox of this.recipients(team)) counts[inbox] = pendingNames(path.join(this.inboxesDir(team), inbox)).length;
    return counts;
  }

  /** The team's history, oldest first; `limit` keeps the newest N; `from` keeps one sender's. */
  log(team: string, options: { limit?: number; from?: string } = {}): MessageRecord[] {
    this.config(team);
    if (options.from !== undefined) assertName(options.from, 'agent');
    if (options.limit !== undefined) checkLimit(options.limit);
    let records = this.readEvents(team).records;
    if (options.from !== undefined) records = records.filter((r) => r.message.from === options.from);
    return options.limit === undefined ? records : records.slice(-options.limit);
  }

  /**
   * The newest `limit` history entries (before the file `before`, for paging back), oldest first, and whether there
   * are older ones. A window shows the newest page at once and reads older pages on request.
   */
  readHistory(team: string, options: { before?: string; limit: number }): EventsRead & { more: boolean } {
    const dir = this.eventsDir(assertName(team, 'team'));
    const names = listDir(dir)
      .filter((n) => EVENT_FILE_RE.test(n))
      .sort();
    const { page, more } = historyPage(names, options.before, options.limit);
    return { ...this.readEvents(team, undefined, new Set(page)), names, more };
  }

  /**
   * Reads history files not in `known` (incremental: a live view reads only new files); with `only`, just those
   * files (names a watcher reported), without listing the folder.
   */
  readEvents(team: string, known: ReadonlySet<string> = new Set(), only?: ReadonlySet<string>): EventsRead {
    const dir = this.eventsDir(assertName(team, 'team'));
    const names = only
      ? [...only].filter((n) => EVENT_FILE_RE.test(n) && !n.includes('/') && !n.includes('\\')).sort()
      : listDir(dir)
          .filter((n) => EVENT_FILE_RE.test(n))
          .sort();
    const records: MessageRecord[] = [];
    const problems: EventsRead['problems'] = [];
    this.guard(dir);
    for (const name of names) {
      if (known.has(name)) continue;
      // Never through a link, never more than a task file's cap: a bad entry is a problem, not another file's bytes.
      const read = readBounded(path.join(dir, name), MAX_FILE_BYTES);
      if (read.kind === 'missing') continue;
      if (read.kind === 'problem') {
        problems.push({ path: path.join(dir, name), reason: read.reason });
        continue;
      }
      const parsed = parseMessage(read.bytes);
      if ('message' in parsed) records.push({ id: name, message: parsed.message });
      else problems.push({ path: path.join(dir, name), reason: parsed.error });
    }
    return { records, names, problems };
  }
}

export { CLAIM_GRACE_MS, isStaleClaim } from './inbox-claim';
export { historyPage };
