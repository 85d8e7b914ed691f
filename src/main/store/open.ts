import { LockstepStore, type StoreOptions } from './store';
import { PostgresStore, type PostgresStoreOptions } from './postgres/pg-store';
import { isDatabaseUrl } from './postgres/connection';

/**
 * The public methods both backends have, with the same results and errors. (Issue 13 lifts this into an interface
 * under src/store/; until then it is read off the folder store. `recentJournal` is left out: the folder's is
 * synchronous, the database's cannot be.)
 */
export type Store = Pick<
  LockstepStore,
  | 'actor'
  | 'history'
  | 'listTeams'
  | 'getTeam'
  | 'createTeam'
  | 'renameTeam'
  | 'deleteTeam'
  | 'addMember'
  | 'removeMember'
  | 'setMemberProfile'
  | 'listTasks'
  | 'getTask'
  | 'createTask'
  | 'updateTask'
  | 'claimTask'
  | 'claimNextTask'
  | 'releaseTask'
  | 'completeTask'
  | 'deleteTask'
  | 'heartbeatTask'
  | 'sweepTeam'
  | 'undoLast'
  | 'doctor'
  | 'fixFinding'
>;

// Compile-time proof that the database store has every method with the folder store's signature.
const _sameApi: (s: PostgresStore) => Store = (s) => s;
void _sameApi;

export type OpenStoreOptions =
  | ({ dataDir: string } & Omit<StoreOptions, 'dataDir'>)
  | ({ url: string } & Omit<PostgresStoreOptions, 'url'>);

export interface OpenedStore {
  store: Store;
  backend: 'folder' | 'postgres';
  /** Where: the data folder, or the database URL. */
  location: string;
  /** Releases connections (database); nothing to do for a folder. */
  close(): Promise<void>;
}

/** The backend chooser: a data folder (the embedded default) or a PostgreSQL database named by a URL. */
export function openStore(options: OpenStoreOptions): OpenedStore {
  if ('url' in options) {
    const store = new PostgresStore(options);
    return { store, backend: 'postgres', location: options.url, close: () => store.close() };
  }
  const store = new LockstepStore(options);
  return { store, backend: 'folder', location: store.paths.root, close: async () => undefined };
}

/** `--store` or LOCKSTEP_STORE: a postgres:// URL selects the database; anything else is a data folder. */
export function storeLocation(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { url: string } | { dataDir: string } | null {
  const value = (flag ?? env.LOCKSTEP_STORE ?? '').trim();
  if (!value) return null;
  return isDatabaseUrl(value) ? { url: value } : { dataDir: value };
}

export { isDatabaseUrl };
