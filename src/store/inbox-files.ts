import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { MESSAGE_FIELDS, type TeamMessage } from '../shared/messages';
import { describeSchemaProblem, messageFileSchema } from './clawteam-format';
import { tryLockFd, unlockFd } from './flock';
import { UnsafePathError } from '../shared/errors';
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

export const MESSAGE_FILE_RE = /^msg-.+\.json$/;
export const CLAIMED_FILE_RE = /^msg-.+\.consumed$/;
export const EVENT_FILE_RE = /^evt-.+\.json$/;

export function hex8(): string {
  return randomBytes(4).toString('hex');
}

/** Pretty JSON in ClawTeam's field order, null and absent fields left out, unknown fields after the known ones. */
export function serializeMessage(message: TeamMessage): string {
  const out: Record<string, unknown> = {};
  for (const field of MESSAGE_FIELDS) {
    const v = message[field];
    if (v !== undefined && v !== null) out[field] = v;
  }
  for (const [k, v] of Object.entries(message)) {
    if (!(k in out) && v !== undefined && v !== null && !(MESSAGE_FIELDS as readonly string[]).includes(k)) out[k] = v;
  }
  return JSON.stringify(out, null, 2);
}

/** How deep a message's JSON may nest: deeper ones go to dead letters (writing them out would overflow the stack). */
export const MAX_MESSAGE_DEPTH = 64;

/** Whether JSON text nests arrays and objects deeper than `max` (one pass, no recursion, strings skipped). */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // A string: skip to its closing quote (a backslash escapes the next character).
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** Reads a message file's bytes: the message (nulls dropped, every other field kept) or why it is not one. */
export function parseMessage(bytes: Buffer): { message: TeamMessage } | { error: string } {
  let json: unknown;
  const text = bytes.toString('utf8');
  if (nestedDeeperThan(text, MAX_MESSAGE_DEPTH)) return { error: `nested deeper than ${MAX_MESSAGE_DEPTH} levels` };
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { error: bytes.length === 0 ? 'the file is empty' : `not valid JSON (${(err as Error).message})` };
  }
  const parsed = messageFileSchema.safeParse(json);
  if (!parsed.success) return { error: `not a message (${describeSchemaProblem(parsed.error)})` };
  const message: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(parsed.data)) if (v !== null && v !== undefined) message[k] = v;
  return { message: message as TeamMessage };
}

/** Writes `data` to a fresh temp file, fsyncs it and renames it over `target` (ClawTeam's temp-then-rename). */
export const writeDurably = writeViaTemp;

let lastNameMs = 0;
/**
 * The epoch ms that starts a message or history file name. Names sort oldest first, so two files one process writes
 * within the same millisecond get successive numbers: a sender's messages keep the order it sent them in.
 */
function nameMs(): number {
  lastNameMs = Math.max(Date.now(), lastNameMs + 1);
  return lastNameMs;
}

/** A message file name and a history file name as a folder would give them (a database keeps them as row keys). */
export function newMessageName(): string {
  return `msg-${nameMs()}-${hex8()}.json`;
}

export function newEventName(): string {
  return `evt-${nameMs()}-${hex8()}.json`;
}

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
