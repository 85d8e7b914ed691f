import * as fs from 'fs';
import { LockCompromisedError, teamNotFound } from '../../shared/errors';
import { flockUnavailableReason, isFlockSupported } from './flock';
import { delayBeforeSaveMs, delayInSaveMs, sleepSync } from '../core/failpoints';
import type { StorePaths } from './paths';
import { appendJournal, lastSeq, type JournalOptions } from './journal';
import { type JournalEntry, type JournalTaskChange } from '../core/journal-format';
import { commitChanges, hasPendingIntent, recoverIntent, type CommitContext } from './intent';
import { assertTeamBoundary, teamBoundary } from './boundary';
import { mkdirInside, newCheckedPaths } from './safe-fs';
import { privateKernelLock, type HeldTeamLock, type KernelLock, type TeamLockOptions } from './team-lock';
import type { TaskFolderScanner } from './task-files';
import {
  BatchState,
  keepDeletedFile,
  openTransaction,
  taskChange,
  type FolderTransaction,
  type SeenBefore,
  type Staged,
} from './team-batch';
import { journalEntry, type MutationInfo } from '../core/transaction';

// How a team's writer commits, inside its lock: the journal entries, the task folder and its boundary, the kernel
// locks, a direct mutation, and a batch of task mutations saved at once. TeamWriter (team-writer.ts) queues the calls.

export interface WriterOptions {
  lock: TeamLockOptions;
  /** Also hold ClawTeam's flock on tasks/<team>/.tasks.lock, so ClawTeam's Python writers are excluded too. */
  clawteamInterlock: boolean;
  journal: JournalOptions;
  host: string;
  /** Problems that must not fail a mutation that did succeed (the journal could not be appended). */
  onWarning: (message: string) => void;
}

export type TaskMutation<T> = (tx: FolderTransaction) => T;
/** A mutation that does its own I/O (team folders, config); it runs alone in its batch. */
export type DirectMutation<T> = (assertLockHeld: () => void) => T | Promise<T>;

export interface QueuedJob {
  kind: 'task' | 'direct';
  run: TaskMutation<unknown> | DirectMutation<unknown>;
  info: MutationInfo;
  createFolder: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** The commit half of a TeamWriter: everything that runs while the team lock is held. */
export class TeamCommitter {
  constructor(
    protected readonly team: string,
    protected readonly paths: StorePaths,
    protected readonly scanner: TaskFolderScanner,
    protected readonly options: WriterOptions,
  ) {}

  protected entry(info: MutationInfo, tasks: JournalTaskChange[]): JournalEntry {
    return journalEntry(this.team, this.options.host, info, tasks);
  }

  /** Numbers and appends entries inside the lock. The changes are saved already, so a failure here only warns. */
  protected writeJournal(dir: string, entries: JournalEntry[]): boolean {
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
  protected ensureTaskFolder(create: boolean): void {
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
  protected assertBoundary(): void {
    this.boundary ??= teamBoundary(this.paths, this.team, this.options.journal.keep);
    assertTeamBoundary(this.paths, this.team, this.options.journal.keep, this.boundary);
  }

  /** The team's boundary entries (paths only: they are the same for every batch of this writer). */
  private boundary: ReturnType<typeof teamBoundary> | undefined;

  /**
   * What a commit needs. One per locked batch: its boundary checks (`checked`) start empty here, inside the lock,
   * so every folder written into is looked at once in this batch, after the lock was taken.
   */
  protected commitContext(): CommitContext {
    const lockstepDir = this.paths.lockstepDir(this.team);
    const journalOn = this.options.journal.enabled;
    const checked = newCheckedPaths();
    return {
      root: this.paths.root,
      tasksDir: this.paths.tasksDir(this.team),
      lockstepDir,
      appendJournal: journalOn ? (entries) => appendJournal(this.paths.root, lockstepDir, entries, this.options.journal, checked) : null,
      lastSeq: () => lastSeq(lockstepDir, this.options.journal),
      onWarning: this.options.onWarning,
      host: this.options.host,
      checked,
    };
  }

  /** A change interrupted by a crash is completed before anything else runs (intent.ts). */
  protected recover(): void {
    if (hasPendingIntent(this.paths.lockstepDir(this.team))) recoverIntent(this.commitContext());
  }

  /**
   * The kernel locks every mutation holds, in this order: Lockstep's private flock (always, so that a stalled
   * holder is never taken over by another Lockstep writer whatever the interlock setting), then ClawTeam's
   * `.tasks.lock` when interlocked. ClawTeam's writers take only the latter, so no cycle is possible.
   */
  protected kernelLocks(): KernelLock[] {
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

  /**
   * A direct mutation runs alone: it does its own I/O; only its journal entry is written here. Returns how to tell
   * the caller: the batch tells it right before releasing the lock, in the same tick (as a caller may look at the
   * folders as soon as it hears, the release must start before its code runs).
   */
  protected async runDirect(job: QueuedJob, lock: HeldTeamLock): Promise<() => void> {
    try {
      const { info } = job;
      const value = await (job.run as DirectMutation<unknown>)(() => lock.assertHeld());
      // A rename moved the journal with the tasks folder (and our lock folder with it: the rename checked the
      // lock just before moving); a delete removed it.
      const journalTeam = info.journalTeam ?? (info.op === 'team.rename' ? String(info.details?.newName) : this.team);
      if (journalTeam === this.team) lock.assertHeld();
      if (info.op !== 'team.delete' && info.op !== 'store.recover') {
        const entry = this.entry(info, []);
        if (this.writeJournal(this.paths.lockstepDir(journalTeam), [entry])) info.onJournaled?.(entry, journalTeam);
      }
      return () => job.resolve(value);
    } catch (err) {
      return () => job.reject(err);
    }
  }

  /**
   * Runs queued task mutations on one batch state, then saves every changed file at once (intent.ts) and numbers
   * their journal entries. Returns how to tell the callers, and the folder fsync to run once the lock is released.
   */
  protected runTasks(jobs: QueuedJob[], lock: HeldTeamLock): { settle: () => void; syncAfterRelease: (() => void) | null } {
    let syncAfterRelease: (() => void) | null = null;
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
    const settle = () => {
      for (const { job, ok, value } of outcomes) {
        if (!ok) job.reject(value);
        else if (flushError) job.reject(flushError);
        else job.resolve(value);
      }
    };
    return { settle, syncAfterRelease };
  }
}

let flockWarned = false;
