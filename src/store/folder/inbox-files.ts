import * as fs from 'fs';
import * as path from 'path';
import { CLAIMED_FILE_RE, hex8, MESSAGE_FILE_RE, nameMs } from '../core/message-format';
import { tryLockFd, unlockFd } from './flock';
import { UnsafePathError } from '../../shared/errors';
import { openRegular, writeNewInside } from './safe-fs';
import { makeDirs, moveEntry, writeViaTemp } from './safe-move';

/**
 * ClawTeam 0.3's mailbox files, one job each: name, write, list, probe and parse message files. The protocol that
 * strings them together (claim, check, read, delete) is in inbox.ts and inbox-claim.ts.
 *
 *   teams/<team>/inboxes/<inbox>/msg-<epoch ms>-<8 hex>.json   written as .tmp-<8 hex>.json + rename
 *   teams/<team>/inboxes/<inbox>/msg-…​.consumed               claimed by a receiver (held under flock)
 *   teams/<team>/events/evt-<epoch ms>-<8 hex>.json            history, written as evt-….tmp + rename
 *   teams/<team>/dead_letters/<inbox>/<name> + <name>.meta.json  messages that do not parse
 */

/** Writes `data` to a fresh temp file, fsyncs it and renames it over `target` (ClawTeam's temp-then-rename). */
export const writeDurably = writeViaTemp;

/** Drops a message into an inbox the way ClawTeam's FileTransport.deliver does. Returns the file name. */
export function deliverMessageFile(inboxDir: string, data: string): string {
  makeDirs(inboxDir);
  const uid = hex8();
  const name = `msg-${nameMs()}-${uid}.json`;
  writeDurably(path.join(inboxDir, `.tmp-${uid}.json`), path.join(inboxDir, name), data);
  return name;
}

/** Adds a message to the team's history, as ClawTeam's MailboxManager._log_event does. Returns the file name. */
export function logEventFile(eventsDir: string, data: string): string {
  makeDirs(eventsDir);
  const base = `evt-${nameMs()}-${hex8()}`;
  writeDurably(path.join(eventsDir, `${base}.tmp`), path.join(eventsDir, `${base}.json`), data);
  return `${base}.json`;
}

export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** `msg-*.json` and `msg-*.consumed` in name order (oldest first: the names start with the epoch ms), as ClawTeam lists them. */
export function claimableNames(inboxDir: string): string[] {
  return listDir(inboxDir)
    .filter((n) => MESSAGE_FILE_RE.test(n) || CLAIMED_FILE_RE.test(n))
    .sort();
}

/**
 * Whether a claimed (`.consumed`) file is held by a live receiver right now: its flock is taken. A file nobody
 * holds belongs to a receiver that died after claiming it. 'gone' when the file no longer exists.
 */
export function claimState(filePath: string): 'held' | 'free' | 'gone' {
  let fd: number;
  try {
    // Never a link, never a FIFO (opening one would wait for a writer): such an entry is nobody's claim.
    const opened = openRegular(filePath);
    if (!opened) return 'gone';
    fd = opened.fd;
  } catch (err) {
    if (err instanceof UnsafePathError) return 'gone';
    throw err;
  }
  try {
    if (!tryLockFd(fd)) return 'held';
    unlockFd(fd);
    return 'free';
  } finally {
    fs.closeSync(fd);
  }
}

/** Messages waiting in an inbox: `msg-*.json` plus `.consumed` files nobody holds (ClawTeam's `count`). */
export function pendingNames(inboxDir: string): string[] {
  return claimableNames(inboxDir).filter((n) => MESSAGE_FILE_RE.test(n) || claimState(path.join(inboxDir, n)) === 'free');
}

/**
 * Moves a message that does not parse to dead_letters/<inbox>/ with a .meta.json beside it, as ClawTeam does. The
 * name is one where neither the message nor its side file exists (lstat: a planted link counts); the side file is
 * created with O_EXCL | O_NOFOLLOW, so nothing already there (a link to an outside file) is ever written through.
 */
export function quarantineMessage(
  deadDir: string,
  fromPath: string,
  sourceName: string,
  meta: { team: string; agent: string; error: string },
): string {
  makeDirs(deadDir);
  const taken = (p: string) => fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
  const ext = path.extname(sourceName);
  let target = path.join(deadDir, sourceName);
  while (taken(target) || taken(`${target}.meta.json`)) target = path.join(deadDir, `${path.basename(sourceName, ext)}-${hex8()}${ext}`);
  moveEntry(fromPath, target);
  const record = JSON.stringify(
    { team: meta.team, agent: meta.agent, sourceName, error: meta.error, quarantinedAtMs: Date.now() },
    null,
    2,
  );
  try {
    writeNewInside(deadDir, `${target}.meta.json`, record);
  } catch {
    // Something appeared at that name meanwhile: the message is kept without its note rather than written through it.
  }
  return target;
}
