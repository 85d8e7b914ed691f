import type { PoolClient } from 'pg';
import type { FileProblem, Task } from '../../shared/domain';
import type { JournalEntry } from '../core/journal-format';
import { serializeTask, versionOf, type LoadedTask } from '../core/task-format';
import type { MutationInfo, TeamTransaction } from '../core/transaction';
import { taskPath } from './rows';

/** The in-memory transaction task-ops runs in on the database (mutate in pg-mutate.ts drives it). */

/** Thrown by the in-memory transaction when an operation needs rows it has not loaded: they are loaded and it re-runs. */
export class Need {
  constructor(readonly what: { ids?: string[]; all?: true; who?: { taskId: string; version: string } }) {}
}

export type Staged = { kind: 'write'; loaded: LoadedTask; raw: string } | { kind: 'delete' };

/**
 * What task-ops sees: rows loaded (and locked) in this database transaction, plus this mutation's staged changes.
 * The operations in task-ops are synchronous, so a read of a row not loaded yet throws `Need`; the driver loads it
 * (locking it) and runs the operation again from the start, on fresh copies. Operations are deterministic given
 * their rows, except new task ids, which the primary key keeps unique.
 */
export class PgTransaction implements TeamTransaction {
  readonly overlay = new Map<string, Staged>();
  readonly seen = new Map<string, LoadedTask | null>();
  readonly notes: Partial<MutationInfo> = {};

  constructor(
    readonly team: string,
    readonly now: string,
    private readonly rows: Map<string, LoadedTask | null>,
    private readonly all: boolean,
    /** Rows not loaded are taken as missing (creating a task: a clash of random ids fails the insert and retries). */
    private readonly assumeMissing: boolean,
    private readonly writers: Map<string, JournalEntry | null>,
  ) {}

  private base(id: string): LoadedTask | undefined {
    if (this.rows.has(id)) return this.rows.get(id) ?? undefined;
    if (this.all || this.assumeMissing) return undefined;
    throw new Need({ ids: [id] });
  }

  private read(id: string): LoadedTask | undefined {
    const staged = this.overlay.get(id);
    if (staged) return staged.kind === 'write' ? staged.loaded : undefined;
    return this.base(id);
  }

  private remember(id: string): void {
    if (!this.seen.has(id) && !this.overlay.has(id)) this.seen.set(id, this.base(id) ?? null);
  }

  getTask(id: string): LoadedTask | undefined {
    const loaded = this.read(id);
    this.remember(id);
    return loaded && structuredClone(loaded);
  }

  allTasks(): { loaded: LoadedTask[]; problems: FileProblem[] } {
    if (!this.all) throw new Need({ all: true });
    const byId = new Map<string, LoadedTask>();
    for (const [id, l] of this.rows) if (l) byId.set(id, l);
    for (const [id, s] of this.overlay) {
      if (s.kind === 'write') byId.set(id, s.loaded);
      else byId.delete(id);
    }
    return { loaded: [...byId.values()].map((l) => structuredClone(l)), problems: [] };
  }

  putTask(task: Task, extra: Record<string, unknown>): LoadedTask {
    this.remember(task.id);
    const raw = serializeTask(task, extra);
    const loaded: LoadedTask = { task, extra, version: versionOf(raw), path: taskPath(this.team, task.id) };
    this.overlay.set(task.id, { kind: 'write', loaded, raw });
    return structuredClone(loaded);
  }

  removeTask(id: string): void {
    this.remember(id);
    this.overlay.set(id, { kind: 'delete' });
  }

  whoWrote(taskId: string, version: string): JournalEntry | undefined {
    const key = `${taskId}@${version}`;
    if (!this.writers.has(key)) throw new Need({ who: { taskId, version } });
    return this.writers.get(key) ?? undefined;
  }

  annotate(extra: Pick<MutationInfo, 'details' | 'taskId' | 'reason'>): void {
    Object.assign(this.notes, extra);
  }
}

export type Mode = 'share' | 'exclusive';

export interface TaskMutationOptions {
  mode?: Mode;
  preload?: string[];
  assumeMissing?: boolean;
  /** Reads what the operation needs besides rows (undo: the journal), inside the transaction, after the locks. */
  beforeRun?: (client: PoolClient, teamId: string) => Promise<void>;
}
