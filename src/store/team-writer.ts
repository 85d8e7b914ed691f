import * as fs from 'fs';
import type { FileProblem, Task } from '../shared/domain';
import { CorruptFileError, LockCompromisedError, teamNotFound, UnsafePathError } from '../shared/errors';
import { flockUnavailableReason, isFlockSupported } from './flock';
import { cloneJson } from '../shared/json';
import { nowTimestamp } from '../shared/time';
import { delayBeforeSaveMs, delayInSaveMs, sleepSync } from './failpoints';
import type { StorePaths } from './paths';
import { appendJournal, lastSeq, readRecent, type JournalEntry, type JournalOptions, type JournalTaskChange } from './journal';
import { commitChanges, hasPendingIntent, recoverIntent, type CommitContext, type FileChange } from './intent';
import { assertTeamBoundary } from './boundary';
import { ReadyIndex, readyByOwnFields } from './ready-index';
import { mkdirInside, readBounded } from './safe-fs';
import { acquireTeamLock, privateKernelLock, type HeldTeamLock, type KernelLock, type TeamLockOptions } from './team-lock';
import { MAX_FILE_BYTES, readTaskFile, serializeTask, versionOf, type LoadedTask, type TaskFolderScanner } from './task-files';

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
  /** The ready-set index for claim --next if it matches the folder as it is (a hint: re-read every candidate). */
  readyIndex(): ReadyIndex | null;
  /** Replaces the ready-set index with one built from a full read of the team (`isReady`: blockers done). */
  rebuildReadyIndex(tasks: Task[], isReady: (task: Task) => boolean): void;
}

type Staged = { kind: 'write'; loaded: LoadedTask; bytes: string } | { kind: 'delete'; id: string };

/** Changes staged by the mutations of one locked batch, written once at the end. */
class BatchState {
  readonly staged = new Map<string, Staged>();
  /** Journal entries of this batch's successful mutations, numbered when written. */
  readonly entries: JournalEntry[] = [];
  private readonly fromDisk = new Map<string, LoadedTask | null>();
  private index: ReadyIndex | null | undefined;

  constructor(readonly team: string, readonly paths: StorePaths, private readonly scanner: TaskFolderScanner) {}

  /** The ready-set index, loaded once per batch, before anything is saved (its stamp is checked against the folder). */
  readyIndex(): ReadyIndex | null {
    if (this.index === undefined) this.index = ReadyIndex.load(this.paths.tasksDir(this.team), this.paths.lockstepDir(this.team));
    return this.index;
  }

  rebuildReadyIndex(index: ReadyIndex): void {
    this.index = index;
  }

  /** After saving: records what this batch changed in the index and stamps the folder. */
  saveReadyIndex(): void {
    const index = this.index;
    if (!index) return;
    for (const change of this.staged.values()) {
      if (change.kind === 'delete') {
        index.remove(change.id);
        continue;
      }
      const { task } = change.loaded;
      const ready =
        readyByOwnFields(task) &&
        task.blockedBy.every((id) => {
          let blocker: LoadedTask | undefined;
          try {
            blocker = this.read(id, new Map());
          } catch {
            return false; // an unreadable blocker: not ready until it is fixed
          }
          return !blocker || blocker.task.status === 'completed';
        });
      index.update(task, ready);
    }
    index.save(this.paths.tasksDir(this.team), this.paths.lockstepDir(this.team));
  }

  /** The task as this batch sees it: staged, else read in full from disk (once per batch), else undefined. */
  read(id: string, overlay: Map<string, Staged>): LoadedTask | undefined {
    const filePath = this.paths.taskFile(this.team, id);
    const staged = overlay.get(filePath) ?? this.staged.get(filePath);
    if (staged) return staged.kind === 'write' ? staged.loaded : undefined;
    if (!this.fromDisk.has(filePath)) {
      const read = readTaskFile(filePath, id);
      if (read.kind === 'problem' && read.unsafe) throw new UnsafePathError(read.problem.path, read.problem.reason);
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

  /** The staged changes as file changes, each with the version it replaces (for crash roll-forward, intent.ts). */
  changes(): FileChange[] {
    return [...this.staged].map(([filePath, change]) => ({
      path: filePath,
      bytes: change.kind === 'write' ? change.bytes : null,
      before: this.fromDisk.get(filePath)?.version ?? null,
    }));
  }
}

/** Copies so a mutation never edits a cached or staged object another mutation may still see. */
function cloneLoaded(loaded: LoadedTask): LoadedTask {
  return cloneJson(loaded); // keeps numbers exactly as written (LosslessNumber), unlike structuredClone
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
    readyIndex() {
      return batch.readyIndex();
    },
    rebuildReadyIndex(tasks, isReady) {
      batch.rebuildReadyIndex(ReadyIndex.build(tasks, isReady));
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
  /** The team whose journal gets the entry, when not this writer's (a rename, or undoing one). */
  journalTeam?: string;
  /** Told the entry once it is numbered and written (the app's undo stack keeps the window's own changes). */
  onJournaled?: (entry: JournalEntry, journalTeam: string) => void;
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
export type DirectMutation<T> = (assertLockHeld: () => void) => T | Promise<T>;

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
  private writeJournal(dir: string, entries: JournalEntry[]): boolean {
    if (entries.length === 0 || !this.options.journal.enabled) return false;
    try {
      let seq = lastSeq(dir, this.options.journal);
      for (const e of entries) e.seq = ++seq;
      appendJournal(this.paths.root, dir, entries, this.options.journal);
      return true;
    } catch (err) {
      this.options.onWarning(`The change was saved, but the team journal could not be written: ${(err as Error).message}`);
      return false;
    }
  }

  /**
   * The lock lives in the task folder. A team with a config but no tasks yet gets its folder; a team that does not
   * exist (or was deleted or renamed while we queued) is NOT_FOUND rather than silently re-created.
   */
  private ensureTaskFolder(create: boolean): void {
    this.assertBoundary();
    const dir = this.paths.lockstepDir(this.team);
    if (fs.existsSync(dir)) return;
    if (!create && !fs.existsSync(this.paths.tasksDir(this.team)) && !fs.existsSync(this.paths.teamConfig(this.team))) {
      throw teamNotFound(this.team);
    }
    mkdirInside(this.paths.root, dir);
  }

  /**
   * The data folder is a boundary (safe-fs.ts): before a batch touches anything, none of the team's folders and
   * none of the files Lockstep writes, appends to or locks may be a symbolic link (or the wrong kind of entry), and
   * the task folder must resolve inside the data folder. Otherwise UNSAFE_PATH, and nothing is changed.
   */
  private assertBoundary(): void {
    assertTeamBoundary(this.paths, this.team, this.options.journal.keep);
  }

  private commitContext(): CommitContext {
    const lockstepDir = this.paths.lockstepDir(this.team);
    const journalOn = this.options.journal.enabled;
    return {
      root: this.paths.root,
      tasksDir: this.paths.tasksDir(this.team),
      lockstepDir,
      appendJournal: journalOn ? (entries) => appendJournal(this.paths.root, lockstepDir, entries, this.options.journal) : null,
      lastSeq: () => lastSeq(lockstepDir, this.options.journal),
      onWarning: this.options.onWarning,
      host: this.options.host,
    };
  }

  /** A change interrupted by a crash is completed before anything else runs (intent.ts). */
  private recover(): void {
    if (hasPendingIntent(this.paths.lockstepDir(this.team))) recoverIntent(this.commitContext());
  }

  /** For readers: completes an interrupted change now, under the lock, so they see the whole of it. */
  async recoverPending(): Promise<void> {
    if (!hasPendingIntent(this.paths.lockstepDir(this.team))) return;
    await this.mutateDirect({ op: 'store.recover', actor: 'lockstep', via: 'api' }, () => undefined);
  }

  /**
   * The kernel locks every mutation holds, in this order: Lockstep's private flock (always, so that a stalled
   * holder is never taken over by another Lockstep writer whatever the interlock setting), then ClawTeam's
   * `.tasks.lock` when interlocked. ClawTeam's writers take only the latter, so no cycle is possible.
   */
  private kernelLocks(): KernelLock[] {
    const locks = [privateKernelLock(this.paths.writeLock(this.team))];
    if (this.options.clawteamInterlock) locks.push({ path: this.paths.clawteamLock(this.team) });
    if (!isFlockSupported() && !flockWarned) {
      flockWarned = true;
      this.options.onWarning(
        `cannot take kernel file locks here (${flockUnavailableReason()}); ClawTeam writers are not excluded and waits are polled.`,
      );
    }
    return locks;
  }

  private async runBatch(jobs: QueuedJob[]): Promise<void> {
    let lock: HeldTeamLock;
    try {
      this.ensureTaskFolder(jobs[0].createFolder);
      lock = await acquireTeamLock(this.team, this.paths.writeLock(this.team), this.options.lock, this.kernelLocks());
    } catch (err) {
      // The team was deleted or renamed while we waited for its lock: its lock files went with it.
      const gone = (err as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(this.paths.lockstepDir(this.team));
      const reported = gone ? teamNotFound(this.team) : err;
      for (const job of jobs) job.reject(reported);
      return;
    }
    let settle: (() => void) | null = null;
    let syncAfterRelease: (() => void) | null = null;
    try {
      try {
        this.recover();
      } catch (err) {
        for (const job of jobs) job.reject(err);
        return;
      }
      if (jobs[0].kind === 'direct') {
        try {
          const { info } = jobs[0];
          const value = await (jobs[0].run as DirectMutation<unknown>)(() => lock.assertHeld());
          // A rename moved the journal with the tasks folder (and our lock folder with it: the rename checked the
          // lock just before moving); a delete removed it.
          const journalTeam = info.journalTeam ?? (info.op === 'team.rename' ? String(info.details?.newName) : this.team);
          if (journalTeam === this.team) lock.assertHeld();
          if (info.op !== 'team.delete' && info.op !== 'store.recover') {
            const entry = this.entry(info, []);
            if (this.writeJournal(this.paths.lockstepDir(journalTeam), [entry])) info.onJournaled?.(entry, journalTeam);
          }
          jobs[0].resolve(value);
        } catch (err) {
          jobs[0].reject(err);
        }
        return;
      }
      const batch = new BatchState(this.team, this.paths, this.scanner);
      const outcomes: Array<{ job: QueuedJob; ok: boolean; value: unknown }> = [];
      const journalDir = this.paths.lockstepDir(this.team);
      const journaled: Array<() => void> = [];
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
            if (change && v.kind === 'delete') keepDeletedFile(change, k);
            if (change) changes.push(change);
          }
          const { solo: _solo, onJournaled, ...info } = { ...job.info, ...notes };
          const entry = this.entry(info, changes);
          batch.entries.push(entry);
          if (onJournaled) journaled.push(() => onJournaled(entry, this.team));
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
        // Loaded before saving, while its stamp can still match the folder, so this batch can keep it up to date.
        if (batch.staged.size > 0) batch.readyIndex();
        const stall = delayInSaveMs();
        if (stall) sleepSync(stall);
        const journalOn = this.options.journal.enabled;
        if (journalOn && batch.entries.length) {
          let seq = lastSeq(journalDir, this.options.journal);
          for (const e of batch.entries) e.seq = ++seq;
        }
        // Several files: an fsynced intent record first, rolled forward by the next writer after a crash.
        syncAfterRelease = commitChanges(this.commitContext(), batch.changes(), journalOn ? batch.entries : []);
      } catch (err) {
        flushError = err;
      }
      if (!flushError) {
        // Only a writer outside the kernel queue could have taken the folder while we wrote; then our files may
        // have been overwritten and nobody may report success.
        try {
          lock.assertStillOurs();
        } catch {
          flushError = new LockCompromisedError(
            `Lost the write lock of team ${this.team} while saving: another writer may have overwritten this change. Check the task and try again.`,
            { team: this.team },
          );
        }
      }
      if (!flushError) {
        batch.saveReadyIndex();
        if (this.options.journal.enabled && batch.entries.length) journaled.forEach((tell) => tell());
      }
      settle = () => {
        for (const { job, ok, value } of outcomes) {
          if (!ok) job.reject(value);
          else if (flushError) job.reject(flushError);
          else job.resolve(value);
        }
      };
    } finally {
      await lock.release();
    }
    // The folder fsync that makes a single rename durable runs after the lock is released (others need not wait for
    // it), but before the callers hear it was saved. Every task file is in this one folder, so a later writer's
    // fsync of it, needed for its own success, covers this rename too.
    syncAfterRelease?.();
    settle?.();
  }
}

let flockWarned = false;

/** A deleted task's whole file goes into its journal entry, so undo brings it back exactly (unknown fields too). */
function keepDeletedFile(change: JournalTaskChange, filePath: string): void {
  try {
    const read = readBounded(filePath, MAX_FILE_BYTES);
    if (read.kind === 'ok' && versionOf(read.bytes) === change.versionBefore) change.file = read.bytes.toString('utf8');
  } catch {
    // Undo then restores the known fields only.
  }
}
