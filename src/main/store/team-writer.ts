import * as fs from 'fs';
import type { FileProblem, Task } from '../../shared/domain';
import { CorruptFileError, NotFoundError } from '../../shared/errors';
import { nowTimestamp } from '../../shared/time';
import { delayBeforeSaveMs, sleepSync } from './failpoints';
import type { StorePaths } from './paths';
import { acquireTeamLock, type TeamLockOptions } from './team-lock';
import {
  readTaskFile,
  serializeTask,
  versionOf,
  writeFileDurably,
  type LoadedTask,
  type TaskFolderScanner,
} from './task-files';

/** What a mutation sees: the team's tasks as on disk (re-read inside the lock) plus this batch's staged changes. */
export interface TeamTransaction {
  readonly team: string;
  readonly paths: StorePaths;
  /** One timestamp per mutation, in ClawTeam's format. */
  readonly now: string;
  getTask(id: string): LoadedTask | undefined;
  /** Every readable task plus the files that could not be read. */
  allTasks(): { loaded: LoadedTask[]; problems: FileProblem[] };
  putTask(task: Task, extra: Record<string, unknown>): LoadedTask;
  removeTask(id: string): void;
}

type Staged = { kind: 'write'; loaded: LoadedTask; bytes: string } | { kind: 'delete'; id: string };

/** Changes staged by the mutations of one locked batch, written once at the end. */
class BatchState {
  readonly staged = new Map<string, Staged>();
  private readonly fromDisk = new Map<string, LoadedTask | null>();

  constructor(readonly team: string, readonly paths: StorePaths, private readonly scanner: TaskFolderScanner) {}

  /** The task as this batch sees it: staged, else read in full from disk (once per batch), else undefined. */
  read(id: string, overlay: Map<string, Staged>): LoadedTask | undefined {
    const filePath = this.paths.taskFile(this.team, id);
    const staged = overlay.get(filePath) ?? this.staged.get(filePath);
    if (staged) return staged.kind === 'write' ? staged.loaded : undefined;
    if (!this.fromDisk.has(filePath)) {
      const read = readTaskFile(filePath, id);
      if (read.kind === 'problem') throw new CorruptFileError(read.problem.path, read.problem.reason);
      this.fromDisk.set(filePath, read.kind === 'ok' ? read.loaded : null);
    }
    return this.fromDisk.get(filePath) ?? undefined;
  }

  scan(overlay: Map<string, Staged>): { loaded: LoadedTask[]; problems: FileProblem[] } {
    const { loaded, problems } = this.scanner.scan(this.paths.tasksDir(this.team));
    const byPath = new Map(loaded.map((l) => [l.path, l]));
    for (const layer of [this.staged, overlay]) {
      for (const [filePath, change] of layer) {
        if (change.kind === 'write') byPath.set(filePath, change.loaded);
        else byPath.delete(filePath);
      }
    }
    return { loaded: [...byPath.values()], problems: problems.filter((p) => !byPath.has(p.path)) };
  }

  flush(): void {
    for (const [filePath, change] of this.staged) {
      if (change.kind === 'write') writeFileDurably(filePath, change.bytes);
      else {
        try {
          fs.unlinkSync(filePath);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    }
  }
}

/** Copies so a mutation never edits a cached or staged object another mutation may still see. */
function cloneLoaded(loaded: LoadedTask): LoadedTask {
  return structuredClone(loaded);
}

function openTransaction(batch: BatchState, overlay: Map<string, Staged>): TeamTransaction {
  return {
    team: batch.team,
    paths: batch.paths,
    now: nowTimestamp(),
    getTask(id) {
      const loaded = batch.read(id, overlay);
      return loaded && cloneLoaded(loaded);
    },
    allTasks() {
      const { loaded, problems } = batch.scan(overlay);
      return { loaded: loaded.map(cloneLoaded), problems };
    },
    putTask(task, extra) {
      const filePath = batch.paths.taskFile(batch.team, task.id);
      const bytes = serializeTask(task, extra);
      const loaded: LoadedTask = { task, extra, version: versionOf(bytes), path: filePath };
      overlay.set(filePath, { kind: 'write', loaded, bytes });
      return cloneLoaded(loaded);
    },
    removeTask(id) {
      overlay.set(batch.paths.taskFile(batch.team, id), { kind: 'delete', id });
    },
  };
}

export type TaskMutation<T> = (tx: TeamTransaction) => T;
/** A mutation that does its own I/O (team folders, config); it runs alone in its batch. */
export type DirectMutation<T> = () => T | Promise<T>;

interface QueuedJob {
  kind: 'task' | 'direct';
  run: TaskMutation<unknown> | DirectMutation<unknown>;
  createFolder: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 64;

/**
 * Serializes one team's mutations: same-process callers queue here before the file lock (proper-lockfile is not
 * reentrant), and the mutations queued while the lock was busy run together in one locked batch: one lock, one
 * read of each file, one write of each changed file. Each mutation still sees the effects of those before it and
 * fails alone: a throwing mutation's staged changes are discarded.
 */
export class TeamWriter {
  private readonly queue: QueuedJob[] = [];
  private draining = false;

  constructor(
    private readonly team: string,
    private readonly paths: StorePaths,
    private readonly scanner: TaskFolderScanner,
    private readonly lockOptions: TeamLockOptions,
  ) {}

  mutate<T>(mutation: TaskMutation<T>): Promise<T> {
    return this.enqueue('task', mutation);
  }

  /** `createFolder`: make the team's task folder first (creating a team); otherwise a missing team is NOT_FOUND. */
  mutateDirect<T>(mutation: DirectMutation<T>, createFolder = false): Promise<T> {
    return this.enqueue('direct', mutation, createFolder);
  }

  private enqueue<T>(kind: QueuedJob['kind'], run: QueuedJob['run'], createFolder = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, run, createFolder, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        await this.runBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private takeBatch(): QueuedJob[] {
    if (this.queue[0].kind === 'direct') return this.queue.splice(0, 1);
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH && this.queue[n].kind === 'task') n++;
    return this.queue.splice(0, n);
  }

  /**
   * The lock lives in the task folder. A team with a config but no tasks yet gets its folder; a team that does not
   * exist (or was deleted or renamed while we queued) is NOT_FOUND rather than silently re-created.
   */
  private ensureTaskFolder(create: boolean): void {
    const dir = this.paths.lockstepDir(this.team);
    if (fs.existsSync(dir)) return;
    if (!create && !fs.existsSync(this.paths.tasksDir(this.team)) && !fs.existsSync(this.paths.teamConfig(this.team))) {
      throw new NotFoundError(`Team ${this.team} does not exist.`, { team: this.team });
    }
    fs.mkdirSync(dir, { recursive: true });
  }

  private async runBatch(jobs: QueuedJob[]): Promise<void> {
    let lock;
    try {
      this.ensureTaskFolder(jobs[0].createFolder);
      lock = await acquireTeamLock(this.team, this.paths.writeLock(this.team), this.lockOptions);
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    try {
      if (jobs[0].kind === 'direct') {
        try {
          const value = await (jobs[0].run as DirectMutation<unknown>)();
          lock.assertHeld();
          jobs[0].resolve(value);
        } catch (err) {
          jobs[0].reject(err);
        }
        return;
      }
      const batch = new BatchState(this.team, this.paths, this.scanner);
      const outcomes: Array<{ job: QueuedJob; ok: boolean; value: unknown }> = [];
      for (const job of jobs) {
        const overlay = new Map<string, Staged>();
        try {
          const value = (job.run as TaskMutation<unknown>)(openTransaction(batch, overlay));
          for (const [k, v] of overlay) {
            batch.staged.delete(k); // keep write order = order of the latest change
            batch.staged.set(k, v);
          }
          outcomes.push({ job, ok: true, value });
        } catch (err) {
          outcomes.push({ job, ok: false, value: err });
        }
      }
      let flushError: unknown = null;
      try {
        const delay = delayBeforeSaveMs();
        if (delay) sleepSync(delay);
        lock.assertHeld();
        batch.flush();
      } catch (err) {
        flushError = err;
      }
      for (const { job, ok, value } of outcomes) {
        if (!ok) job.reject(value);
        else if (flushError) job.reject(flushError);
        else job.resolve(value);
      }
    } finally {
      await lock.release();
    }
  }
}
