import type { VersionedTask } from '../shared/domain';
import { LockstepError, toSerializedError } from '../shared/errors';
import { liveActivity } from './activity';
import type { JournalEntry, PostgresStore } from '../store';
import type { Emit } from './watch-tasks';

/**
 * Live updates on a database: the same events the data-folder watcher emits (watcher.ts), from PostgreSQL's
 * LISTEN/NOTIFY (`PostgresStore.watch`). Each committed change names its team and journal number; the journal entries
 * after the last one seen say which tasks changed (the window re-reads only those) and who changed them (activity
 * lines). After the listening connection was lost and came back, changes made meanwhile were not heard: every team
 * the window shows is re-read in full. Plain Node.
 */

const COALESCE_MS = 10;
/** How many of the newest history entries a message notice looks at (a burst larger than this between two looks
 * shows in full when the team is opened again). */
const MESSAGE_PAGE = 500;
/** Entries announced but not final yet (see notFinalYet): looked for again after this, up to RECHECKS times. */
const RECHECK_MS = 250;
const RECHECKS = 40;

export type ConnectionState = 'connected' | 'unavailable';

interface Pending {
  /** The lowest journal number announced since the last flush. */
  minSeq: number;
  maxSeq: number;
  /** A journaled change (kind absent), messages, costs. */
  kinds: Set<string>;
}

export class DatabaseWatcher {
  private stopListening: (() => Promise<void>) | null = null;
  private pending = new Map<string, Pending>();
  private fullReread = false;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private stopped = false;
  /** The newest message history entry announced per team. */
  private lastMessage = new Map<string, string>();
  /** The last journal number read per team. */
  private lastSeq = new Map<string, number>();
  /** What the window last saw of each team it opened: the "before" of activity lines, and what a full re-read covers. */
  private known = new Map<string, Map<string, VersionedTask>>();

  constructor(
    private readonly store: PostgresStore,
    private readonly emit: Emit,
    private readonly onStatus: (state: ConnectionState, reason?: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.stopListening = await this.store.watch(
      (change) => this.onChange(change as { team: string; seq: number; kind?: string }),
      (status, reason) => this.onStatus(status, reason),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.stopListening?.();
    this.stopListening = null;
  }

  prime(team: string, tasks: VersionedTask[]): void {
    this.known.set(team, new Map(tasks.map((t) => [t.id, t])));
  }

  private onChange(change: { team: string; seq: number; kind?: string }): void {
    if (this.stopped) return;
    if (change.team === '*') this.fullReread = true;
    else {
      const p = this.pending.get(change.team) ?? { minSeq: change.seq, maxSeq: change.seq, kinds: new Set<string>() };
      p.minSeq = Math.min(p.minSeq, change.seq);
      p.maxSeq = Math.max(p.maxSeq, change.seq);
      p.kinds.add(change.kind ?? 'journal');
      this.pending.set(change.team, p);
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        // One flush at a time: journal numbers are read in order.
        this.flushing = this.flushing.then(() => this.flush()).catch((err) => this.report(err));
      }, COALESCE_MS);
    }
  }

  private async flush(): Promise<void> {
    if (this.stopped) return;
    const batch = this.pending;
    this.pending = new Map();
    const full = this.fullReread;
    this.fullReread = false;
    let teamsDirty = full;
    if (full) await this.rereadAll();
    for (const [team, p] of batch) {
      if (p.kinds.has('journal')) {
        teamsDirty = true;
        if (!full) await this.journaled(team, p);
      }
      if (p.kinds.has('messages')) {
        this.emit('inboxesChanged', { team, at: Date.now() });
        await this.newMessages(team);
      }
      if (p.kinds.has('costs')) this.emit('costsChanged', { team, at: Date.now() });
    }
    if (teamsDirty) this.emit('teamsChanged', { at: Date.now() });
  }

  /**
   * A message was sent or received: the history entries newer than the newest one announced before (the window
   * reads only those, as it does for the folder's new history files).
   */
  private async newMessages(team: string): Promise<void> {
    const names = await this.store.messages.newestNames(team, this.lastMessage.get(team), MESSAGE_PAGE);
    if (names.length === 0) return;
    this.lastMessage.set(team, names[0]);
    this.emit('messagesChanged', { team, ids: names.reverse(), at: Date.now() });
  }

  /** Journaled changes of one team: which tasks, and an activity line each. */
  private async journaled(team: string, p: Pending): Promise<void> {
    // From the first entry announced, or earlier if one was missed; a journal number not above the last one read
    // means a team of that name started its journal again (deleted and made anew): read from the announced one.
    const after = Math.min(this.lastSeq.get(team) ?? Number.POSITIVE_INFINITY, p.minSeq - 1);
    let entries: JournalEntry[];
    try {
      entries = await this.store.journalSince(team, after);
    } catch (err) {
      // A team deleted or renamed as a whole: the window learns it from teamsChanged.
      if (err instanceof LockstepError && err.code === 'NOT_FOUND') {
        this.known.delete(team);
        this.lastSeq.delete(team);
        return;
      }
      throw err;
    }
    const last = entries.length ? entries[entries.length - 1].seq : after;
    this.lastSeq.set(team, Math.max(last, p.maxSeq));
    if (last < p.maxSeq) this.notFinalYet(team, last, p.maxSeq);
    else this.rechecks.delete(team);
    const ids = [...new Set(entries.flatMap((e) => e.tasks.map((t) => t.id)))];
    if (ids.length === 0) return;
    const at = Date.now();
    this.emit('tasksChanged', { team, ids, at });
    try {
      await this.describe(team, ids, entries, at);
    } catch (err) {
      this.report(err);
    }
  }

  /** Announced journal numbers not read yet, per team: how many times they were looked for again. */
  private rechecks = new Map<string, number>();

  /**
   * Entries announced (so committed) but not returned yet: the database returns an entry only once every
   * transaction that could still commit a smaller number has ended (pg-journal.ts), and waited for that in vain (a
   * long transaction is open). Read from the last one returned again shortly, a bounded number of times.
   */
  private notFinalYet(team: string, last: number, announced: number): void {
    this.lastSeq.set(team, last);
    const n = (this.rechecks.get(team) ?? 0) + 1;
    if (n > RECHECKS) {
      this.rechecks.delete(team);
      return;
    }
    this.rechecks.set(team, n);
    setTimeout(() => this.onChange({ team, seq: announced }), RECHECK_MS).unref?.();
  }

  /** A lost connection is the banner's news (and the reconnect re-reads everything), not an error line. */
  private report(err: unknown): void {
    if (err instanceof LockstepError && err.code === 'STORE_UNAVAILABLE') return;
    this.emit('storeError', toSerializedError(err));
  }

  /** After a reconnect: every task of every team the window shows is read again (and the teams list). */
  private async rereadAll(): Promise<void> {
    this.lastSeq.clear();
    for (const [team, known] of [...this.known]) {
      let current: VersionedTask[];
      try {
        current = (await this.store.listTasks(team)).tasks;
      } catch (err) {
        if (err instanceof LockstepError && err.code === 'NOT_FOUND') {
          this.known.delete(team);
          continue;
        }
        throw err;
      }
      const ids = [...new Set([...known.keys(), ...current.map((t) => t.id)])];
      this.known.set(team, new Map(current.map((t) => [t.id, t])));
      if (ids.length) this.emit('tasksChanged', { team, ids, at: Date.now() });
    }
  }

  /** Activity lines: what changed in each task since the window last saw it, and who did it (from the journal). */
  private async describe(team: string, ids: string[], entries: JournalEntry[], at: number): Promise<void> {
    const known = this.known.get(team);
    if (!known) return;
    for (const id of ids) {
      const before = known.get(id);
      let after: VersionedTask | undefined;
      try {
        after = await this.store.getTask(team, id);
      } catch (err) {
        if (!(err instanceof LockstepError && err.code === 'NOT_FOUND')) throw err;
      }
      if (after && before && after.version === before.version) continue;
      const entry = entries.filter((e) => e.tasks.some((t) => t.id === id)).pop();
      if (after) known.set(id, after);
      else known.delete(id);
      this.emit('activity', liveActivity(team, id, before, after, entry, at));
    }
  }
}
