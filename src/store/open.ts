import type { DeletedTeam } from '../shared/model';
import { LockstepStore, type StoreOptions } from './store';
import { PostgresStore, type PostgresStoreOptions } from './postgres/pg-store';
import { isDatabaseUrl } from './postgres/connection';
import type { JournalEntry } from './journal';
import type { CostService, MessageService } from './message-service';

/**
 * The public methods both backends have, with the same results and errors: the honest common surface. (Issue 13
 * lifts this into an interface under src/store/; until then it is read off the folder store.) Both have the team
 * trash (`deleteTeam` returns its id, `restoreTeam` takes it back), `setBudget`, `track` (the window's undo stack),
 * team messages (`messages`: the folder's Mailbox as Promises, or the database's tables) and costs (`costs`).
 * Still folder-only: the synchronous `mailbox` (ClawTeam's files as they are) and dead letters.
 */
export type Store = Pick<
  LockstepStore,
  | 'actor'
  | 'history'
  | 'listTeams'
  | 'getTeam'
  | 'createTeam'
  | 'renameTeam'
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
  | 'track'
  | 'restoreTeam'
  | 'setBudget'
> & {
  /** Moves the team to the trash (a data folder's .lockstep/trash, or the database's); `trash` is what restoreTeam takes. */
  deleteTeam(team: string): Promise<DeletedTeam>;
  messages: MessageService;
  costs: CostService;
  /**
   * The journal's entries after `afterSeq`, oldest first. A data folder answers at once (an array: other code uses
   * it synchronously), a database with a Promise: `await` it either way.
   */
  journalSince(team: string, afterSeq: number): JournalEntry[] | Promise<JournalEntry[]>;
  /** The journal's most recent entries (its tail), oldest first; as journalSince, `await` it. */
  recentJournal(team: string): JournalEntry[] | Promise<JournalEntry[]>;
};

export type { DeletedTeam };

// Compile-time proof that both stores have every method of the common surface, with its signature.
const _sameApi: (s: PostgresStore) => Store = (s) => s;
const _folderApi: (s: LockstepStore) => Store = (s) => s;
void _sameApi;
void _folderApi;

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
export type { CostService, MessageService };
