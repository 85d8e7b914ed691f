import * as fs from 'fs';
import type { FileProblem, Task } from '../../shared/domain';
import { CorruptFileError, NotFoundError, StoreBusyError } from '../../shared/errors';
import { flockUnavailableReason, isFlockSupported, tryFlockExclusive, type FlockHandle } from './flock';
import { nowTimestamp } from '../../shared/time';
import { delayBeforeSaveMs, sleepSync } from './failpoints';
import type { StorePaths } from './paths';
import { appendJournal, lastSeq, readRecent, type JournalEntry, type JournalOptions, type JournalTaskChange } from './journal';
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
  /** The journal's latest entry that left this task at `version` (who made it so), if any. */
  whoWrote(taskId: string, version: string): JournalEntry | undefined;
  /** Adds to this mutation's journal entry what is only known while it runs. */
  annotate(extra: Pick<MutationInfo, 'details' | 'taskId' | 'reason'>): void;
}

type Staged = { kind: 'write'; loaded: LoadedTask; bytes: string } | { kind: 'delete'; id: string };

/** Changes staged by the mutations of one locked batch, written once at the end. */
class BatchState {
  readonly staged = new Map<string, Staged>();
  /** Journal entries of this batch's successful mutations, numbered when written. */
  readonly entries: JournalEntry[] = [];
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

/** The state of each task a mutation touched, as it first saw it: the "before" of its journal entry. */
type SeenBefore = Map<string, LoadedTask | null>;

function openTransaction(
  batch: BatchState,
  overlay: Map<string, Staged>,
  seen: SeenBefore,
  journalDir: string,
  notes: Partial<MutationInfo>,
): TeamTransaction {
  const remember = (filePath: string, id: string) => {
    if (!seen.has(filePath) && !overlay.has(filePath)) seen.set(filePath, batch.read(id, overlay) ?? null);
  };
  return {
    team: batch.team,
    paths: batch.paths,
    now: nowTimestamp(),
    getTask(id) {
      const filePath = batch.paths.taskFile(batch.team, id);
      const loaded = batch.read(id, overlay);
      if (!seen.has(filePath) && !overlay.has(filePath)) seen.set(filePath, loaded ?? null);
      return loaded && cloneLoaded(loaded);
    },
    allTasks() {
      const { loaded, problems } = batch.scan(overlay);
      return { loaded: loaded.map(cloneLoaded), problems };
    },
    putTask(task, extra) {
      const filePath = batch.paths.taskFile(batch.team, task.id);
      remember(filePath, task.id);
      const bytes = serializeTask(task, extra);
      const loaded: LoadedTask = { task, extra, version: versionOf(bytes), path: filePath };
      overlay.set(filePath, { kind: 'write', loaded, bytes });
      return cloneLoaded(loaded);
    },
    removeTask(id) {
      const filePath = batch.paths.taskFile(batch.team, id);
      remember(filePath, id);
      overlay.set(filePath, { kind: 'delete', id });
    },
    annotate(extra) {
      Object.assign(notes, extra);
    },
    whoWrote(taskId, version) {
      const staged = batch.entries.filter((e) => e.tasks.some((t) => t.id === taskId && t.versionAfter === version));
      const recent = staged.length ? staged : readRecent(journalDir).filter((e) => e.tasks.some((t) => t.id === taskId && t.versionAfter === version));
      return recent[recent.length - 1];
    },
  };
}

/** The fields a mutation changed on one task (metadata compared key by key), for the journal. */
export function taskChange(id: string, before: LoadedTask | null, after: LoadedTask | null): JournalTaskChange | null {
  const flat = (l: LoadedTask | null): Record<string, unknown> => {
    if (!l) return {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(l.task)) {
      if (k === 'metadata') for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) out[`metadata.${mk}`] = mv;
      else out[k] = v;
    }
    return out;
  };
  const b = flat(before);
  const a = flat(after);
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) === JSON.stringify(a[key])) continue;
    if (key in b) changedBefore[key] = b[key];
    if (key in a) changedAfter[key] = a[key];
  }
  if (before && after && Object.keys(changedBefore).length + Object.keys(changedAfter).length === 0) return null;
  return {
    id,
    before: before ? changedBefore : null,
    after: after ? changedAfter : null,
    versionBefore: before?.version ?? null,
    versionAfter: after?.version ?? null,
  };
}

/** Who does what, for the journal. */
export interface MutationInfo {
  op: string;
  actor: string;
  via: string;
  taskId?: string;
  reason?: string;
  /** For team operations, which have no task changes: what changed. */
  details?: Record<string, unknown>;
  /** Run in a batch of its own (it reads the journal, which holds earlier batches only). */
  solo?: boolean;
}

export interface WriterOptions {
  lock: TeamLockOptions;
  /** Also hold ClawTeam's flock on tasks/<team>/.tasks.lock, so ClawTeam's Python writers are excluded too. */
  clawteamInterlock: boolean;
  journal: JournalOptions;
  host: string;
  /** Problems that must not fail a mutation that did succeed (the journal could not be appended). */
  onWarning: (message: string) => void;
}

export type TaskMutation<T> = (tx: TeamTransaction) => T;
/** A mutation that does its own I/O (team folders, config); it runs alone in its batch. */
export type DirectMutation<T> = () => T | Promise<T>;

interface QueuedJob {
  kind: 'task' | 'direct';
  run: TaskMutation<unknown> | DirectMutation<unknown>;
  info: MutationInfo;
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
    private readonly options: WriterOptions,
  ) {}

  mutate<T>(info: MutationInfo, mutation: TaskMutation<T>): Promise<T> {
    return this.enqueue('task', info, mutation);
  }

  /** `createFolder`: make the team's task folder first (creating a team); otherwise a missing team is NOT_FOUND. */
  mutateDirect<T>(info: MutationInfo, mutation: DirectMutation<T>, createFolder = false): Promise<T> {
    return this.enqueue('direct', info, mutation, createFolder);
  }

  private enqueue<T>(kind: QueuedJob['kind'], info: MutationInfo, run: QueuedJob['run'], createFolder = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ kind, info, run, createFolder, resolve: resolve as (v: unknown) => void, reject });
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
    const alone = (job: QueuedJob) => job.kind === 'direct' || job.info.solo === true;
    if (alone(this.queue[0])) return this.queue.splice(0, 1);
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH && !alone(this.queue[n])) n++;
    return this.queue.splice(0, n);
  }

  private entry(info: MutationInfo, tasks: JournalTaskChange[]): JournalEntry {
    const entry: JournalEntry = {
      seq: 0,
      at: nowTimestamp(),
      actor: info.actor,
      via: info.via,
      pid: process.pid,
      host: this.options.host,
      op: info.op,
      team: this.team,
      tasks,
    };
    if (info.taskId) entry.taskId = info.taskId;
    if (info.reason) entry.reason = info.reason;
    if (info.details) Object.assign(entry, { details: info.details });
    return entry;
  }

  /** Numbers and appends entries inside the lock. The changes are saved already, so a failure here only warns. */
  private writeJournal(dir: string, entries: JournalEntry[]): void {
    if (entries.length === 0 || !this.options.journal.enabled) return;
    try {
      let seq = lastSeq(dir, this.options.journal);
      for (const e of entries) e.seq = ++seq;
      appendJournal(dir, entries, this.options.journal);
    } catch (err) {
      this.options.onWarning(`The change was saved, but the team journal could not be written: ${(err as Error).message}`);
    }
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
      lock = await acquireTeamLock(this.team, this.paths.writeLock(this.team), this.options.lock);
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    // Always in this order (ours, then ClawTeam's), released in reverse: two Lockstep processes can never hold one
    // each and wait for the other.
    let flock: FlockHandle | null = null;
    if (this.options.clawteamInterlock) {
      try {
        flock = await this.acquireClawteamLock();
      } catch (err) {
        await lock.release();
        for (const job of jobs) job.reject(err);
        return;
      }
    }
    try {
      if (jobs[0].kind === 'direct') {
        try {
          const value = await (jobs[0].run as DirectMutation<unknown>)();
          lock.assertHeld();
          const { info } = jobs[0];
          // A rename moved the journal with the tasks folder; a delete removed it.
          const dir = info.op === 'team.rename' ? this.paths.lockstepDir(String(info.details?.newName)) : this.paths.lockstepDir(this.team);
          if (info.op !== 'team.delete') this.writeJournal(dir, [this.entry(info, [])]);
          jobs[0].resolve(value);
        } catch (err) {
          jobs[0].reject(err);
        }
        return;
      }
      const batch = new BatchState(this.team, this.paths, this.scanner);
      const outcomes: Array<{ job: QueuedJob; ok: boolean; value: unknown }> = [];
      const journalDir = this.paths.lockstepDir(this.team);
      for (const job of jobs) {
        const overlay = new Map<string, Staged>();
        const seen: SeenBefore = new Map();
        const notes: Partial<MutationInfo> = {};
        try {
          const value = (job.run as TaskMutation<unknown>)(openTransaction(batch, overlay, seen, journalDir, notes));
          const changes: JournalTaskChange[] = [];
          for (const [k, v] of overlay) {
            batch.staged.delete(k); // keep write order = order of the latest change
            batch.staged.set(k, v);
            const change = taskChange(
              v.kind === 'write' ? v.loaded.task.id : v.id,
              seen.get(k) ?? null,
              v.kind === 'write' ? v.loaded : null,
            );
            if (change) changes.push(change);
          }
          const { solo: _solo, ...info } = { ...job.info, ...notes };
          batch.entries.push(this.entry(info, changes));
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
      if (!flushError) this.writeJournal(journalDir, batch.entries);
      for (const { job, ok, value } of outcomes) {
        if (!ok) job.reject(value);
        else if (flushError) job.reject(flushError);
        else job.resolve(value);
      }
    } finally {
      flock?.release();
      await lock.release();
    }
  }

  /**
   * ClawTeam's lock, polled without blocking (a blocking flock would freeze this thread) with a short jittered
   * back-off, bounded like ours, then STORE_BUSY. Null when flock cannot be loaded here (warned once).
   */
  private async acquireClawteamLock(): Promise<FlockHandle | null> {
    if (!isFlockSupported()) {
      if (!flockWarned) {
        flockWarned = true;
        this.options.onWarning(`cannot take ClawTeam's file lock here (${flockUnavailableReason()}); ClawTeam writers are not excluded.`);
      }
      return null;
    }
    const lockPath = this.paths.clawteamLock(this.team);
    const deadline = Date.now() + this.options.lock.acquireTimeoutMs;
    let delay = 0.5;
    for (;;) {
      const handle = tryFlockExclusive(lockPath);
      if (handle) return handle;
      if (Date.now() >= deadline) {
        throw new StoreBusyError(
          `Team ${this.team} is busy: a ClawTeam writer has held ${lockPath} for more than ${Math.round(this.options.lock.acquireTimeoutMs / 1000)} s. Try again in a moment.`,
          { team: this.team, lockPath },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, 20);
    }
  }
}

let flockWarned = false;
