import { createHash } from 'crypto';
import { TASK_FIELDS, type FileProblem, type Task, type VersionedTask } from '../../shared/domain';
import { decodeUtf8, JsonProblem, parseJson, stringifyJson } from '../../shared/json';
import { describeSchemaProblem, parseTaskFileFast, taskFileSchema } from './clawteam-format';

// ClawTeam's task file format, with no I/O: its bytes parsed (parseTaskBytes) and written (serializeTask), and a
// version (the first 16 hex digits of the SHA-1 of the bytes). Both backends keep tasks in these bytes.

/** What Lockstep reads of one file at most: a bigger file (a sparse 2 GB one, a 200 MB task) is a problem entry. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;
/** Deepest nesting read; deeper is a problem entry, never a stack overflow. */
export const MAX_JSON_DEPTH = 64;

/** A task file as read: the known fields, the unknown ones (kept on rewrite), and the version of its bytes. */
export interface LoadedTask {
  task: Task;
  extra: Record<string, unknown>;
  version: string;
  path: string;
}

export type TaskFileRead =
  | { kind: 'ok'; loaded: LoadedTask }
  | { kind: 'missing' }
  /** `unsafe`: a link or special file (UNSAFE_PATH when a write needs it), not merely unreadable. */
  | { kind: 'problem'; problem: FileProblem; unsafe?: boolean };

/** The SHA-1 of a file's bytes (of a string: of its UTF-8 bytes, as written); a version is its first 16 digits. */
export function contentHash(bytes: Buffer | string): string {
  return createHash('sha1').update(bytes).digest('hex');
}

export function versionOf(bytes: Buffer | string): string {
  return contentHash(bytes).slice(0, 16);
}

export function withVersion(loaded: LoadedTask): VersionedTask {
  return { ...loaded.task, version: loaded.version };
}

/** Parses one task file's bytes. `expectedId` comes from the file name; a file claiming another id is a problem. */
export function parseTaskBytes(bytes: Buffer, filePath: string, expectedId: string, version = versionOf(bytes)): TaskFileRead {
  let json: unknown;
  try {
    json = parseJson(decodeUtf8(bytes), MAX_JSON_DEPTH);
  } catch (err) {
    if (!(err instanceof JsonProblem)) throw err;
    const reason = bytes.length === 0 ? 'the file is empty' : err.message;
    return { kind: 'problem', problem: { path: filePath, reason } };
  }
  let all = parseTaskFileFast(json);
  if (!all) {
    const parsed = taskFileSchema.safeParse(json);
    if (!parsed.success) {
      return { kind: 'problem', problem: { path: filePath, reason: `not a task (${describeSchemaProblem(parsed.error)})` } };
    }
    all = parsed.data as Record<string, unknown>;
  }
  if (all.id !== expectedId) {
    return {
      kind: 'problem',
      problem: { path: filePath, reason: `its id "${String(all.id)}" does not match its file name (task-${expectedId}.json)` },
    };
  }
  const task = {} as Record<string, unknown>;
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if ((TASK_FIELDS as readonly string[]).includes(key)) task[key] = value;
    else extra[key] = value;
  }
  return { kind: 'ok', loaded: { task: task as unknown as Task, extra, version, path: filePath } };
}

/** ClawTeam's layout: its fields in its order, pretty-printed with indent 2, no trailing newline; unknown fields after. */
export function serializeTask(task: Task, extra: Record<string, unknown>): string {
  const ordered: Record<string, unknown> = {};
  for (const key of TASK_FIELDS) ordered[key] = task[key];
  for (const [key, value] of Object.entries(extra)) if (!(key in ordered)) ordered[key] = value;
  return stringifyJson(ordered, 2);
}
