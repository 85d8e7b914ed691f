import { randomBytes } from 'crypto';
import { MESSAGE_FIELDS, type TeamMessage } from '../../shared/messages';
import { describeSchemaProblem, messageFileSchema } from './clawteam-format';

// ClawTeam 0.3's message files with no I/O: their names, their bytes written (serializeMessage) and read
// (parseMessage). The data folder keeps them as files (folder/inbox-files.ts); the database keeps the same names
// and bytes in rows.

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

let lastNameMs = 0;
/**
 * The epoch ms that starts a message or history file name. Names sort oldest first, so two files one process writes
 * within the same millisecond get successive numbers: a sender's messages keep the order it sent them in.
 */
export function nameMs(): number {
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
