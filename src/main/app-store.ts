import { InvalidInputError } from '../shared/errors';
import { LockstepStore, type JournalEntry, type Store } from '../store';
import type { TrackedEntry } from '../store/store';

/**
 * The store the app works on: a data folder (LockstepStore) or a PostgreSQL database (PostgresStore), through the
 * surface both have (`Store`, store/open.ts), plus the journal reads the window needs (synchronous on a folder,
 * asynchronous on a database). Plain Node.
 *
 * Messages, costs, budgets, the team trash, `track`, `undoChange` (the window's undo stack) and `journalSince` are on
 * both backends. What only a data folder has is reached through `folderOnly`, which refuses it on a database in
 * plain words.
 */
export type AppStore = Store & {
  recentJournal(team: string): JournalEntry[] | Promise<JournalEntry[]>;
};

interface MaybeTracking {
  journalSince?(team: string, afterSeq: number): JournalEntry[] | Promise<JournalEntry[]>;
}

export function isFolderStore(store: AppStore): store is LockstepStore {
  return store instanceof LockstepStore;
}

/** What keys the window's own changes: the data folder, or the database. */
export function storeKey(store: AppStore): string {
  return isFolderStore(store) ? store.paths.root : `db:${(store as unknown as { url?: string }).url ?? ''}`;
}

/**
 * The folder store for a feature only a data folder has; on a database, a refusal in words: `cannot` says what
 * cannot be done ("Dead letters cannot be read").
 */
export function folderOnly(store: AppStore, cannot: string): LockstepStore {
  if (isFolderStore(store)) return store;
  throw new InvalidInputError(
    `${cannot} on a database yet; that works on a data folder for now (File › Open Data Folder… goes back to one).`,
    {
      feature: cannot,
    },
  );
}

/**
 * Runs one call, collecting the journal entries it wrote (the window's undo stack): both backends can tell, and
 * both undo any of them by number (`undoChange`).
 */
export async function trackWork<T>(store: AppStore, work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }> {
  return store.track(work);
}

/** The team's journal entries after `afterSeq`, oldest first (NOT_FOUND for a team that does not exist). */
export async function journalAfter(store: AppStore, team: string, afterSeq: number): Promise<JournalEntry[]> {
  const tracking = store as AppStore & MaybeTracking;
  if (typeof tracking.journalSince === 'function') return tracking.journalSince(team, afterSeq);
  // A database without journalSince: the recent journal answers the usual case (a few new entries) in one query;
  // a longer gap reads the whole history.
  const recent = await store.recentJournal(team);
  if (recent.length === 0) await store.getTeam(team); // NOT_FOUND for a team that is gone
  if (recent.length > 0 && recent[0].seq > afterSeq + 1) {
    return (await store.history(team)).filter((e) => e.seq > afterSeq);
  }
  return recent.filter((e) => e.seq > afterSeq);
}
