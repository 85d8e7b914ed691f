import * as fs from 'fs';
import * as path from 'path';
import type { TeamMessage } from '../../shared/messages';
import { tryLockFd, unlockFd } from './flock';
import { sleepSync } from '../core/failpoints';
import { quarantineMessage } from './inbox-files';
import { CLAIMED_FILE_RE, parseMessage } from '../core/message-format';
import { formatBytes, kindOf, openNoFollow, readFd } from './safe-read';
import { moveEntry, removeEntry, setTimesFd } from './safe-move';
import { MAX_FILE_BYTES } from '../core/task-format';

/** A message taken with a lease: `id` (its file name without extension) is what `ack` takes. */
export interface Claimed {
  message: TeamMessage;
  id: string;
}

/** A message's size cap: a bigger file goes to dead letters unread (a sparse 2 GB file costs nothing). */
export const MAX_MESSAGE_BYTES = MAX_FILE_BYTES;

export const LEASED_FILE_RE = /^msg-.+\.leased$/;

/**
 * Claiming one message (the protocol is described in inbox.ts): rename to `.consumed` (a `.json`, a stale
 * `.consumed` or an expired `.leased`), open without following links and without blocking, flock, check it is still
 * the file at that path, check it is a regular file under the cap, read, parse and check it can be written out,
 * then delete under the lock, or with `leaseMs` rename it to `.leased` (mtime = when the lease ends) for ack.
 * A message that fails any check goes to dead letters on its own; it never takes another message with it.
 */
export function claimMessage(
  deadLetters: string,
  team: string,
  inbox: string,
  dir: string,
  name: string,
  leaseMs?: number,
): Claimed | null {
  let consumed = path.join(dir, name);
  const base = name.replace(/\.(json|consumed|leased)$/, '');
  if (CLAIMED_FILE_RE.test(name) && !isStaleClaim(consumed)) return null; // another receiver is at work on it
  if (LEASED_FILE_RE.test(name) && !leaseEnded(consumed)) return null; // leased to a receiver that may still ack
  if (!CLAIMED_FILE_RE.test(name)) {
    const target = path.join(dir, `${base}.consumed`);
    try {
      moveEntry(consumed, target); // one renamer wins
    } catch {
      return null;
    }
    consumed = target;
  }
  let fd: number;
  try {
    // Never through a link (a message file that is a link is left alone, not delivered with another file's bytes),
    // never waiting on a FIFO.
    const opened = openNoFollow(consumed);
    if (opened === null) return null; // another receiver took and deleted it
    fd = opened;
  } catch {
    return null; // a link
  }
  const deadLetter = (error: string): null => {
    quarantineMessage(deadLetters, consumed, `${base}.json`, { team, agent: inbox, error });
    return null;
  };
  try {
    const held = fs.fstatSync(fd);
    if (!held.isFile()) return deadLetter(`it is ${kindOf(held)}, not a regular file`);
    beforeLockFailpoint(path.basename(consumed));
    if (!tryLockFd(fd)) return null; // a live receiver holds it
    // Still the file at that path? A receiver that read it before us unlinked it (link count 0).
    if (fs.fstatSync(fd).nlink === 0) return null;
    let atPath: fs.Stats;
    try {
      atPath = fs.lstatSync(consumed);
    } catch {
      return null;
    }
    if (atPath.ino !== held.ino || atPath.dev !== held.dev) return null;
    if (held.size > MAX_MESSAGE_BYTES)
      return deadLetter(`it is ${formatBytes(held.size)}, more than the ${formatBytes(MAX_MESSAGE_BYTES)} a message may be`);
    const parsed = parseMessage(readFd(fd, held.size));
    if ('error' in parsed) return deadLetter(parsed.error);
    try {
      JSON.stringify(parsed.message); // what the receiver will write out: proven now, before the message is taken
    } catch (err) {
      return deadLetter(`it cannot be written out (${(err as Error).message})`);
    }
    afterClaimFailpoint(path.basename(consumed));
    if (leaseMs !== undefined) {
      // Leased, not deleted: `ack` deletes it; a receiver that never acks leaves it to come back when the lease ends.
      const until = (Date.now() + leaseMs) / 1000;
      setTimesFd(fd, until, until);
      moveEntry(consumed, path.join(dir, `${base}.leased`));
      return { message: parsed.message, id: base };
    }
    // Deleted while the lock is still ours. Gone meanwhile: only a ClawTeam receiver deletes without the lock (its
    // ack unlocks, then deletes), and it deletes only what it has read. It delivered this message, so delivering it
    // here too would be a duplicate.
    if (!removeEntry(consumed)) return null;
    return { message: parsed.message, id: base };
  } finally {
    try {
      unlockFd(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Whether a `.leased` file's lease has ended (its mtime is the end); a lease cannot be set further than a day. */
export function leaseEnded(filePath: string, now = Date.now()): boolean {
  try {
    const st = fs.lstatSync(filePath);
    return st.isFile() && (st.mtimeMs <= now || st.mtimeMs > now + MAX_LEASE_MS);
  } catch {
    return false;
  }
}

export const MAX_LEASE_MS = 24 * 3600 * 1000;

/**
 * Acks leased messages: deletes `<id>.leased` (a regular file only, never through a link). Answers which ids were
 * acked and which were not held any more (the lease ended and the message went back to the inbox, or acked before).
 */
export function ackLeased(dir: string, ids: readonly string[]): { acked: string[]; notHeld: string[] } {
  const acked: string[] = [];
  const notHeld: string[] = [];
  for (const id of ids) {
    const file = path.join(dir, `${id}.leased`);
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (!st || !st.isFile()) {
      notHeld.push(id);
      continue;
    }
    try {
      if (removeEntry(file)) acked.push(id);
      else notHeld.push(id);
    } catch {
      notHeld.push(id);
    }
  }
  return { acked, notHeld };
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
  // Written whole, then renamed: the test reads the name as soon as the file appears. Test hooks, outside the data
  // folder (the test names the marker path).
  // eslint-disable-next-line no-restricted-syntax -- a test's marker file, never in the data folder
  fs.writeFileSync(`${marker}.${what}.${process.pid}.part`, name);
  // eslint-disable-next-line no-restricted-syntax -- a test's marker file, never in the data folder
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
