import type { DeletedTeam } from '../shared/model';
import { LockstepStore, type StoreOptions } from './folder/store';
import { PostgresStore, type PostgresStoreOptions } from './postgres/pg-store';
import { isDatabaseUrl } from './postgres/connection';
import type { CostService, MessageService } from './core/message-service';
import type { Store } from './core/store-api';

/** The interface both backends implement: store-api.ts. */
export type { Store };

export type { DeletedTeam };

export type OpenStoreOptions =
  ({ dataDir: string } & Omit<StoreOptions, 'dataDir'>) | ({ url: string } & Omit<PostgresStoreOptions, 'url'>);

interface Opened {
  /** Where: the data folder, or the database URL. */
  location: string;
  /** Releases connections (database); nothing to do for a folder. */
  close(): Promise<void>;
}

/** An opened store, by backend: `store` is the Store both implement, as its own class for what only one has. */
export type OpenedStore = Opened & ({ backend: 'folder'; store: LockstepStore } | { backend: 'postgres'; store: PostgresStore });

/**
 * THE backend chooser, the one place a store is made: a data folder (the embedded default) or a PostgreSQL database
 * named by a URL. The CLI, the MCP server and the app's store process all open theirs here.
 */
export function openStore(
  options: { url: string } & Omit<PostgresStoreOptions, 'url'>,
): Opened & { backend: 'postgres'; store: PostgresStore };
export function openStore(
  options: { dataDir: string } & Omit<StoreOptions, 'dataDir'>,
): Opened & { backend: 'folder'; store: LockstepStore };
export function openStore(options: OpenStoreOptions): OpenedStore;
export function openStore(options: OpenStoreOptions): OpenedStore {
  if ('url' in options) {
    const store = new PostgresStore(options);
    return { store, backend: 'postgres', location: options.url, close: () => store.close() };
  }
  const store = new LockstepStore(options);
  return { store, backend: 'folder', location: store.paths.root, close: async () => undefined };
}

/** `--store` or LOCKSTEP_STORE: a postgres:// URL selects the database; anything else is a data folder. */
export function storeLocation(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): { url: string } | { dataDir: string } | null {
  const value = (flag ?? env.LOCKSTEP_STORE ?? '').trim();
  if (!value) return null;
  return isDatabaseUrl(value) ? { url: value } : { dataDir: value };
}

export { isDatabaseUrl };
export type { CostService, MessageService };
