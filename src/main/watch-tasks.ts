import * as fs from 'fs';
import type { EventName, EventPayload } from '../shared/api';
import { emptyCounts, type TaskStatus, type VersionedTask } from '../shared/domain';
import { LockstepError } from '../shared/errors';
import type { LockstepStore } from '../store';
import { liveActivity } from './activity';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** What a path looks like now (an atomic rename changes the inode; an in-place write the time or size). */
export function fingerprint(p: string): string {
  try {
    const st = fs.statSync(p, { bigint: true });
    return `${st.ino}:${st.mtimeNs}:${st.ctimeNs}:${st.size}`;
  } catch {
    return 'gone';
  }
}

/**
 * What the data-folder watcher (watcher.ts) knows of the tasks of each team: what the window last saw (the "before" of
 * activity lines) and each task's status (the team list's counts, kept up to date change by change). Plain Node.
 */
export class TaskChanges {
  /** What the window last saw of each team it opened: the "before" of activity lines. */
  private known = new Map<string, Map<string, VersionedTask>>();
  /** Each task's status per team, as last read: the team list's counts, kept up to date change by change. */
  private statuses = new Map<string, Map<string, TaskStatus>>();

  constructor(
    private readonly store: LockstepStore,
    private readonly emit: Emit,
  ) {}

  /** What the window just read of a team: every one of its tasks. */
  prime(team: string, tasks: VersionedTask[]): void {
    this.known.set(team, new Map(tasks.map((t) => [t.id, t])));
    this.statuses.set(team, new Map(tasks.map((t) => [t.id, t.status])));
  }

  /** A team's task folder came or went: its counts are built again from one read. */
  forgetCounts(team: string): void {
    this.statuses.delete(team);
  }

  /**
   * The team's counts by status after these tasks changed: null when they stayed the same, 'unknown' when the team
   * has no index yet (the index is built now, from one read of the team; the window re-reads the list this time) or
   * a task could not be read as a task (the list reports it). `read` holds tasks describe() already read.
   */
  async recount(
    team: string,
    ids: string[],
    read: Map<string, VersionedTask | null>,
  ): Promise<Record<TaskStatus, number> | null | 'unknown'> {
    const index = this.statuses.get(team);
    if (!index) {
      if (fs.existsSync(this.store.paths.tasksDir(team))) {
        const { tasks } = await this.store.listTasks(team);
        this.statuses.set(team, new Map(tasks.map((t) => [t.id, t.status])));
      }
      return 'unknown';
    }
    let changed = false;
    let unreadable = false;
    for (const id of ids) {
      let after = read.get(id);
      if (after === undefined) {
        try {
          after = await this.store.getTask(team, id);
        } catch (err) {
          if (!(err instanceof LockstepError && err.code === 'NOT_FOUND')) unreadable = true;
          after = null;
        }
      }
      const before = index.get(id);
      if (after) index.set(id, after.status);
      else index.delete(id);
      if (before !== after?.status) changed = true;
    }
    if (unreadable) return 'unknown';
    if (!changed) return null;
    const counts = emptyCounts();
    for (const status of index.values()) counts[status]++;
    return counts;
  }

  /**
   * Activity lines: what changed in each task since the window last saw it, and who did it (from the journal).
   * Returns the tasks it read (null: gone), so the counts need not read them again.
   */
  async describe(team: string, ids: string[], at: number): Promise<Map<string, VersionedTask | null>> {
    const read = new Map<string, VersionedTask | null>();
    const known = this.known.get(team);
    if (!known) return read;
    // A team deleted (or renamed) as a whole: its tasks did not go one by one; the window learns it from teamsChanged.
    if (!fs.existsSync(this.store.paths.tasksDir(team))) {
      this.known.delete(team);
      this.statuses.delete(team);
      return read;
    }
    let journal: Awaited<ReturnType<LockstepStore['recentJournal']>> = [];
    try {
      journal = await this.store.recentJournal(team);
    } catch {
      // No journal (a folder only ClawTeam wrote to): fall back on the claim holder or owner.
    }
    const unreadableIds = new Set<string>();
    for (const id of ids) {
      const before = known.get(id);
      let after: VersionedTask | undefined;
      try {
        after = await this.store.getTask(team, id);
      } catch (err) {
        if (!(err instanceof LockstepError && ['NOT_FOUND', 'CORRUPT_FILE', 'UNSAFE_PATH'].includes(err.code))) throw err;
        // A task that cannot be read as one is left out of `read`: the counts look at it again and say so.
        if (err.code !== 'NOT_FOUND') unreadableIds.add(id);
      }
      if (!unreadableIds.has(id)) read.set(id, after ?? null);
      if (after && before && after.version === before.version) continue;
      const entry = after ? journal.filter((e) => e.tasks.some((t) => t.id === id && t.versionAfter === after?.version)).pop() : undefined;
      if (after) known.set(id, after);
      else known.delete(id);
      this.emit('activity', liveActivity(team, id, before, after, entry, at));
    }
    return read;
  }
}
