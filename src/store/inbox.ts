import * as fs from 'fs';
import * as path from 'path';
import { inboxName, type TeamConfig } from '../shared/domain';
import { teamNotFound } from '../shared/errors';
import {
  type BroadcastInput,
  type MessageRecord,
  type SendMessageInput,
  type TeamMessage,
} from '../shared/messages';
import { assertName } from '../shared/names';
import { nowTimestamp } from '../shared/time';
import { tryLockFd, unlockFd } from './flock';
import { broadcastValues, buildMessage, checkLimit, historyPage, MAX_MESSAGE_LIMIT } from './message-service';
import { sleepSync } from './failpoints';
import {
  claimableNames,
  deliverMessageFile,
  EVENT_FILE_RE,
  listDir,
  logEventFile,
  MESSAGE_FILE_RE,
  parseMessage,
  pendingNames,
  quarantineMessage,
  serializeMessage,
} from './inbox-files';
import type { StorePaths } from './paths';
import { assertNoLinks, readBounded } from './safe-fs';
import { MAX_FILE_BYTES } from './task-files';
import { readTeamConfig } from './team-config';

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

export interface EventsRead {
  /** New history entries (not in `known`), oldest first. */
  records: MessageRecord[];
  /** Every history file name present now (to pass back as `known` next time). */
  names: string[];
  problems: Array<{ path: string; reason: string }>;
}

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
      const message: TeamMessage = { type: values.type, from: values.from, to, content: values.content, timestamp: nowTimestamp(), key: values.key };
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
    checkLimit(limit);
    const inbox = this.inboxOf(team, agent);
    const dir = path.join(this.inboxesDir(team), inbox);
    this.guard(dir, this.deadLettersDir(team, inbox));
    const out: TeamMessage[] = [];
    for (const name of claimableNames(dir)) {
      if (out.length >= limit) break;
      const message = this.claimOne(team, inbox, dir, name);
      if (message) out.push(message);
    }
    return out;
  }

  private claimOne(team: string, inbox: string, dir: string, name: string): TeamMessage | null {
    let consumed = path.join(dir, name);
    if (!MESSAGE_FILE_RE.test(name) && !isStaleClaim(consumed)) return null; // another receiver is at work on it
    if (MESSAGE_FILE_RE.test(name)) {
      const target = path.join(dir, `${name.slice(0, -'.json'.length)}.consumed`);
      try {
        fs.renameSync(consumed, target); // one renamer wins
      } catch {
        return null;
      }
      consumed = target;
    }
    let fd: number;
    try {
      // Never through a link: a message file that is a link is left alone, not delivered with another file's bytes.
      fd = fs.openSync(consumed, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    } catch {
      return null; // another receiver took and deleted it (or it is a link)
    }
    try {
      beforeLockFailpoint(path.basename(consumed));
      if (!tryLockFd(fd)) return null; // a live receiver holds it
      // Still the file at that path? A receiver that read it before us unlinked it (link count 0).
      const held = fs.fstatSync(fd);
      if (held.nlink === 0) return null;
      let atPath: fs.Stats;
      try {
        atPath = fs.lstatSync(consumed);
      } catch {
        return null;
      }
      if (atPath.ino !== held.ino || atPath.dev !== held.dev) return null;
      const bytes = readAll(fd, held.size);
      const parsed = parseMessage(bytes);
      if ('error' in parsed) {
        quarantineMessage(this.deadLettersDir(team, inbox), consumed, `${path.basename(consumed, '.consumed')}.json`, {
          team,
          agent: inbox,
          error: parsed.error,
        });
        return null;
      }
      afterClaimFailpoint(path.basename(consumed));
      try {
        fs.unlinkSync(consumed); // deleted while the lock is still ours
      } catch (err) {
        // Gone meanwhile: only a ClawTeam receiver deletes without the lock (its ack unlocks, then deletes), and it
        // deletes only what it has read. It delivered this message, so delivering it here too would be a duplicate.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      return parsed.message;
    } finally {
      try {
        unlockFd(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
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
    const names = listDir(dir).filter((n) => EVENT_FILE_RE.test(n)).sort();
    const { page, more } = historyPage(names, options.before, options.limit);
    return { ...this.readEvents(team, undefined, new Set(page)), names, more };
  }

  /**
   * Reads history files not in `known` (incremental: a live view reads only new files); with `only`, just those
   * files (names a watcher reported), without listing the folder.
   */
  readEvents(team: string, known: ReadonlySet<string> = new Set(), only?: ReadonlySet<string>): EventsRead {
    const dir = this.eventsDir(assertName(team, 'team'));
    const names = only ? [...only].filter((n) => EVENT_FILE_RE.test(n) && !n.includes('/') && !n.includes('\\')).sort() : listDir(dir).filter((n) => EVENT_FILE_RE.test(n)).sort();
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

/**
 * A `.consumed` file another receiver made is taken over only once its claim is CLAIM_GRACE_MS old (the rename sets
 * its change time). A live ClawTeam receiver renames, then locks, and acks by unlocking before it deletes: a fresh
 * claim may be between its rename and its lock, or between its unlock and its delete, and taking it then would
 * hand the message out twice. A receiver that died leaves its claim for good; it is delivered a moment later.
 */
export const CLAIM_GRACE_MS = 2000;

/** LOCKSTEP_FAILPOINT_CLAIM_GRACE_MS shortens the grace in process-level tests that race on a fresh claim. */
function claimGraceMs(): number {
  const v = Number(process.env.LOCKSTEP_FAILPOINT_CLAIM_GRACE_MS);
  return process.env.LOCKSTEP_FAILPOINT_CLAIM_GRACE_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : CLAIM_GRACE_MS;
}

export function isStaleClaim(filePath: string, now = Date.now()): boolean {
  try {
    return now - fs.lstatSync(filePath).ctimeMs >= claimGraceMs();
  } catch {
    return false;
  }
}

function readAll(fd: number, sizeHint: number): Buffer {
  const chunks: Buffer[] = [];
  let position = 0;
  for (;;) {
    const buf = Buffer.alloc(Math.max(4096, sizeHint - position));
    const n = fs.readSync(fd, buf, 0, buf.length, position);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    position += n;
  }
  return Buffer.concat(chunks);
}

/**
 * Process-level tests, to make the races deterministic:
 * - LOCKSTEP_FAILPOINT_AFTER_CLAIM=FILE: a receiver that holds a claim (locked, read, not yet deleted) writes
 *   `FILE.claimed.<pid>` (the file name) and waits until `FILE.go` exists (or it is killed).
 * - LOCKSTEP_FAILPOINT_BEFORE_LOCK=FILE: a receiver that has opened a claimed file writes `FILE.opened.<pid>` and
 *   waits until `FILE.go` exists before it tries the lock.
 */
function pauseAt(variable: string, what: string, name: string): void {
  const marker = process.env[variable];
  if (!marker) return;
  // Written whole, then renamed: the test reads the name as soon as the file appears.
  fs.writeFileSync(`${marker}.${what}.${process.pid}.part`, name);
  fs.renameSync(`${marker}.${what}.${process.pid}.part`, `${marker}.${what}.${process.pid}`);
  const giveUpAt = Date.now() + 120_000;
  while (!fs.existsSync(`${marker}.go`) && Date.now() < giveUpAt) sleepSync(5);
}

function afterClaimFailpoint(name: string): void {
  pauseAt('LOCKSTEP_FAILPOINT_AFTER_CLAIM', 'claimed', name);
}

function beforeLockFailpoint(name: string): void {
  pauseAt('LOCKSTEP_FAILPOINT_BEFORE_LOCK', 'opened', name);
}

export { historyPage };
