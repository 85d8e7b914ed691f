import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { TASK_FIELDS, type FileProblem, type Task, type VersionedTask } from '../shared/domain';
import { decodeUtf8, JsonProblem, parseJson, stringifyJson } from '../shared/json';
import { describeSchemaProblem, parseTaskFileFast, taskFileSchema } from './clawteam-format';
import { taskIdFromFileName } from './paths';
import { readBounded, writeInside } from './safe-fs';

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

/** Reads a task file without following a link, within the size and depth caps; anything else is a problem. */
export function readTaskFile(filePath: string, expectedId: string): TaskFileRead {
  const read = readBounded(filePath, MAX_FILE_BYTES);
  if (read.kind === 'missing') return read;
  if (read.kind === 'problem') return { kind: 'problem', problem: { path: filePath, reason: read.reason }, unsafe: read.unsafe };
  return parseTaskBytes(read.bytes, filePath, expectedId);
}

/** ClawTeam's layout: its fields in its order, pretty-printed with indent 2, no trailing newline; unknown fields after. */
export function serializeTask(task: Task, extra: Record<string, unknown>): string {
  const ordered: Record<string, unknown> = {};
  for (const key of TASK_FIELDS) ordered[key] = task[key];
  for (const [key, value] of Object.entries(extra)) if (!(key in ordered)) ordered[key] = value;
  return stringifyJson(ordered, 2);
}

/**
 * Unique temp file in the same folder + fsync + rename (write-file-atomic), after checking that nothing below the
 * data folder `root` on the way is a link (safe-fs.ts): a reader sees the old or the new file, never a torn one.
 * Sync on purpose: it runs inside the team lock, where thread-pool hops only add latency.
 */
export function writeFileDurably(root: string, filePath: string, data: string, options: { syncDir?: boolean } = {}): void {
  writeInside(root, filePath, data, options);
}

/**
 * Task files this store parsed or wrote, by the SHA-1 of their bytes: reading bytes seen before (the task this
 * process wrote last, unchanged since) costs their hash, not a parse, whatever the task's size. Keyed by content,
 * so it can never answer for other bytes; what it hands out is shared and read-only, like the scanner's cache
 * (mutations work on copies: team-batch.ts cloneLoaded). Not frozen: V8 copies a frozen object by spreading ~50x
 * slower, and a metadata object is replaced by spreading on every update.
 */
export class ParsedTasks {
  private readonly byHash = new Map<string, { loaded: LoadedTask; bytes: number }>();
  private size = 0;

  constructor(private readonly maxBytes = 16 * 1024 * 1024) {}

  remember(hash: string, bytes: number, loaded: LoadedTask): void {
    if (bytes > this.maxBytes / 4 || this.byHash.has(hash)) return;
    this.byHash.set(hash, { loaded, bytes });
    this.size += bytes;
    for (const [key, old] of this.byHash) {
      if (this.size <= this.maxBytes) break;
      this.byHash.delete(key); // the oldest first
      this.size -= old.bytes;
    }
  }

  /** readTaskFile, through this cache. */
  read(filePath: string, expectedId: string): TaskFileRead {
    const read = readBounded(filePath, MAX_FILE_BYTES);
    if (read.kind === 'missing') return read;
    if (read.kind === 'problem') return { kind: 'problem', problem: { path: filePath, reason: read.reason }, unsafe: read.unsafe };
    const hash = contentHash(read.bytes);
    const known = this.byHash.get(hash)?.loaded;
    if (known && known.task.id === expectedId) return { kind: 'ok', loaded: { ...known, path: filePath } };
    const parsed = parseTaskBytes(read.bytes, filePath, expectedId, hash.slice(0, 16));
    if (parsed.kind === 'ok') this.remember(hash, read.bytes.length, parsed.loaded);
    return parsed;
  }
}

interface CacheEntry {
  key: string;
  read: TaskFileRead;
}

/**
 * Reads every task file of a folder. Files whose inode, size and mtime are unchanged since the last scan are not
 * parsed again: every writer (ours, ClawTeam's) replaces a file with a new inode, so the stat proves it is the same.
 */
/** How long a sliced scan works before it gives the event loop back. */
const SLICE_MS = 8;

export class TaskFolderScanner {
  private readonly cache = new Map<string, CacheEntry>();
  /** Parsed task files by content, for reads inside the team lock (team-batch.ts). */
  readonly parsed = new ParsedTasks();

  scan(dir: string): { loaded: LoadedTask[]; problems: FileProblem[] } {
    const listed = this.list(dir);
    if (!Array.isArray(listed)) return listed;
    const scan = this.begin(dir);
    for (const name of listed) scan.add(name);
    return scan.end();
  }

  /**
   * The same scan for readers on a thread others wait on (the app's main process): it gives the event loop back
   * whenever it has worked for SLICE_MS, so loading a 10,000-task team never holds the window's input and IPC for
   * the whole read. Nothing changes in what it returns.
   */
  async scanInSlices(dir: string): Promise<{ loaded: LoadedTask[]; problems: FileProblem[] }> {
    const listed = this.list(dir);
    if (!Array.isArray(listed)) return listed;
    const scan = this.begin(dir);
    let sliceStart = performance.now();
    for (const name of listed) {
      scan.add(name);
      if (performance.now() - sliceStart > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return scan.end();
  }

  /** The folder's entries, or what is wrong with the folder itself (an empty result when it does not exist). */
  private list(dir: string): string[] | { loaded: LoadedTask[]; problems: FileProblem[] } {
    try {
      const dirStat = fs.lstatSync(dir);
      if (!dirStat.isDirectory()) {
        const reason = dirStat.isSymbolicLink()
          ? "the team's task folder is a symbolic link; Lockstep does not follow links inside the data folder and left it alone"
          : "the team's task folder is not a folder";
        return { loaded: [], problems: [{ path: dir, reason }] };
      }
      return fs.readdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { loaded: [], problems: [] };
      throw err;
    }
  }

  private begin(dir: string) {
    const loaded: LoadedTask[] = [];
    const problems: FileProblem[] = [];
    const seen = new Set<string>();
    return {
      add: (name: string): void => {
        const id = taskIdFromFileName(name);
        if (id === null) return;
        const filePath = path.join(dir, name);
        seen.add(filePath);
        const read = this.readCached(filePath, id);
        if (read.kind === 'ok') loaded.push(read.loaded);
        else if (read.kind === 'problem') problems.push(read.problem);
      },
      end: (): { loaded: LoadedTask[]; problems: FileProblem[] } => {
        for (const key of this.cache.keys()) if (key.startsWith(dir + path.sep) && !seen.has(key)) this.cache.delete(key);
        return { loaded, problems };
      },
    };
  }

  private readCached(filePath: string, id: string): TaskFileRead {
    let stat: fs.BigIntStats;
    try {
      stat = fs.lstatSync(filePath, { bigint: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
      throw err;
    }
    const key = `${stat.ino}:${stat.size}:${stat.mtimeNs}`;
    const cached = this.cache.get(filePath);
    if (cached && cached.key === key) return cached.read;
    const read = readTaskFile(filePath, id);
    if (read.kind !== 'missing') this.cache.set(filePath, { key, read });
    return read;
  }
}
