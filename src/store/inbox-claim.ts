import * as fs from 'fs';
import * as path from 'path';
import type { TeamMessage } from '../shared/messages';
import { tryLockFd, unlockFd } from './flock';
import { sleepSync } from './failpoints';
import { MESSAGE_FILE_RE, parseMessage, quarantineMessage } from './inbox-files';

/**
 * Claiming one message for exactly-once delivery (the protocol is described in inbox.ts): rename to `.consumed`,
 * open without following links, flock, check it is still the file at that path, read, delete under the lock.
 */
export function claimMessage(deadLetters: string, team: string, inbox: string, dir: string, name: string): TeamMessage | null {
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
      quarantineMessage(deadLetters, consumed, `${path.basename(consumed, '.consumed')}.json`, {
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
