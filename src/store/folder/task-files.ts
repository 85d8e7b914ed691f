import * as fs from 'fs';
import * as path from 'path';
import type { FileProblem } from '../../shared/domain';
import { taskIdFromFileName } from './paths';
import { readBounded, writeInside } from './safe-fs';

import { contentHash, MAX_FILE_BYTES, parseTaskBytes, type LoadedTask, type TaskFileRead } from '../core/task-format';

/** Reads a task file without following a link, within the size and depth caps; anything else is a problem. */
export function readTaskFile(filePath: string, expectedId: string): TaskFileRead {
  const read = readBounded(filePath, MAX_FILE_BYTES);
  if (read.kind === 'missing') return read;
  if (read.kind === 'problem') return { kind: 'problem', problem: { path: filePath, reason: read.reason }, unsafe: read.unsafe };
  return parseTaskBytes(read.bytes, filePath, expectedId);
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
