import type { FileProblem } from '../../shared/domain';
import { CorruptFileError, UnsafePathError } from '../../shared/errors';
import { nowTimestamp } from '../../shared/time';
import type { StorePaths } from './paths';
import { readRecent } from './journal';
import { type JournalEntry, type JournalTaskChange } from '../core/journal-format';
import type { FileChange } from './intent';
import { ReadyIndex, readyByOwnFields } from './ready-index';
import { readBounded } from './safe-fs';
import type { ReadyShortcut } from '../core/task-claims';
import { type TaskFolderScanner } from './task-files';
import { contentHash, MAX_FILE_BYTES, serializeTask, versionOf, type LoadedTask } from '../core/task-format';
import type { MutationInfo, TeamTransaction } from '../core/transaction';

// One locked batch of task mutations: what each mutation sees (FolderTransaction), the changes staged, and what
// each changed on a task for the journal.

/**
 * The data folder's transaction: the port every backend gives the task rules (TeamTransaction, core/transaction.ts)
 * plus the folder's ready-set index, claim --next's shortcut (ready-index.ts).
 */
export interface FolderTransaction extends TeamTransaction {
  readonly ready: ReadyShortcut;
}

export type Staged = { kind: 'write'; loaded: LoadedTask; bytes: string } | { kind: 'delete'; id: string };

/** Changes staged by the mutations of one locked batch, written once at the end. */
export class BatchState {
  readonly staged = new Map<string, Staged>();
  /** Journal entries of this batch's successful mutations, numbered when written. */
  readonly entries: JournalEntry[] = [];
  private readonly fromDisk = new Map<string, LoadedTask | null>();
  private index: ReadyIndex | null | undefined;

  constructor(
    readonly team: string,
    readonly paths: StorePaths,
    private readonly scanner: TaskFolderScanner,
  ) {}

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
        index.forget(change.id);
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

  /** Written bytes, parsed already: kept for reading back (the staged object is never handed out, only copies). */
  rememberWritten(hash: string, bytes: string, loaded: LoadedTask): void {
    this.scanner.parsed.remember(hash, bytes.length, loaded);
  }

  /** The task as this batch sees it: staged, else read in full from disk (once per batch), else undefined. */
  read(id: string, overlay: Map<string, Staged>): LoadedTask | undefined {
    const filePath = this.paths.taskFile(this.team, id);
    const staged = overlay.get(filePath) ?? this.staged.get(filePath);
    if (staged) return staged.kind === 'write' ? staged.loaded : undefined;
    if (!this.fromDisk.has(filePath)) {
      const read = this.scanner.parsed.read(filePath, id);
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

/**
 * Copies so a mutation never edits a cached or staged object another mutation may still see: the task, its link
 * lists and the unknown fields. The metadata object is shared, not copied (copying a 50 KB task's costs more than
 * the rest of its update): store code never changes one in place, it replaces `task.metadata` with a new object
 * (task-status.ts mergeMetadata, claims.ts setLockstepMeta; undo takes a copy of its own).
 */
function cloneLoaded(loaded: LoadedTask): LoadedTask {
  const { task } = loaded;
  return { ...loaded, task: { ...task, blocks: [...task.blocks], blockedBy: [...task.blockedBy] }, extra: { ...loaded.extra } };
}

/** The state of each task a mutation touched, as it first saw it: the "before" of its journal entry. */
export type SeenBefore = Map<string, LoadedTask | null>;

export function openTransaction(
  batch: BatchState,
  overlay: Map<string, Staged>,
  seen: SeenBefore,
  journalDir: string,
  notes: Partial<MutationInfo>,
): FolderTransaction {
  const remember = (filePath: string, id: string) => {
    if (!seen.has(filePath) && !overlay.has(filePath)) seen.set(filePath, batch.read(id, overlay) ?? null);
  };
  return {
    team: batch.team,
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
      const hash = contentHash(bytes);
      const loaded: LoadedTask = { task, extra, version: hash.slice(0, 16), path: filePath };
      overlay.set(filePath, { kind: 'write', loaded, bytes });
      // The next batch of this process reading these bytes back (nobody wrote since) needs no parse.
      batch.rememberWritten(hash, bytes, loaded);
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
    ready: {
      index: () => batch.readyIndex(),
      rebuild: (tasks, isReady) => batch.rebuildReadyIndex(ReadyIndex.build(tasks, isReady)),
    },
    whoWrote(taskId, version) {
      const staged = batch.entries.filter((e) => e.tasks.some((t) => t.id === taskId && t.versionAfter === version));
      const recent = staged.length
        ? staged
        : readRecent(journalDir).filter((e) => e.tasks.some((t) => t.id === taskId && t.versionAfter === version));
      return recent[recent.length - 1];
    },
  };
}

export { taskChange } from '../core/task-change';
/** A deleted task's whole file goes into its journal entry, so undo brings it back exactly (unknown fields too). */
export function keepDeletedFile(change: JournalTaskChange, filePath: string): void {
  try {
    const read = readBounded(filePath, MAX_FILE_BYTES);
    if (read.kind === 'ok' && versionOf(read.bytes) === change.versionBefore) change.file = read.bytes.toString('utf8');
  } catch {
    // Undo then restores the known fields only.
  }
}
