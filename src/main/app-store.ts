import { LockstepStore, type PostgresStore, type Store } from '../store';

/**
 * The store the app works on: a data folder (LockstepStore) or a PostgreSQL database (PostgresStore), through the
 * interface both implement (store-api.ts): messages, costs, budgets, the team trash, `track` and `undoChange` (the
 * window's undo stack) and the journal reads (`journalSince`, `recentJournal`). Plain Node.
 */
export type AppStore = Store;

export function isFolderStore(store: AppStore): store is LockstepStore {
  return store instanceof LockstepStore;
}

/** What keys the window's own changes: the data folder, or the database. */
export function storeKey(store: AppStore): string {
  return isFolderStore(store) ? store.paths.root : `db:${(store as PostgresStore).url}`;
}
