import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { openStore, type OpenedStore } from '../../src/store';
import { copyStore } from '../../src/store/copy/copy';
import { PostgresStore } from '../../src/store/postgres/pg-store';
import { afterAll } from 'vitest';
import { lockstepAt } from '../features/cli-harness';
import { postgresMissingReason, startCluster } from '../pg/cluster.mjs';

type Cluster = Awaited<ReturnType<typeof startCluster>>;
import { copyFixture, tempDir } from './harness';

/**
 * The two backends the process-level suites run against, behind one face: where a store lives (a data folder, or a
 * database URL on a throwaway cluster), how the CLI is pointed at it, and how a test reads what was saved there
 * without going through the store under test (the file on disk; the row's bytes in the database).
 */
export interface Backend {
  name: 'folder' | 'postgres';
  /** Why this backend cannot run here (printed, and its suites skipped), or null. */
  skipReason: string | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** A store holding ClawTeam's fixture (teams webapp and research). */
  fixture(): Promise<string>;
  /** A store holding what this data folder holds (the folder itself, or a database it was copied into). */
  fromFolder(dir: string): Promise<string>;
  /** An empty store. */
  empty(): Promise<string>;
  /** CLI arguments that select the store. */
  storeArgs(location: string): string[];
  /** `staleMs`: the folder's lock stale time (with a wait of five times that); the database has no such lock. */
  open(location: string, options?: { staleMs?: number }): OpenedStore;
  /** The task as saved (file or row bytes), parsed. */
  readTask(location: string, team: string, id: string): Promise<Record<string, unknown>>;
  /** The team journal as saved, one parsed entry per line, oldest first. */
  journal(location: string, team: string): Promise<Array<Record<string, any>>>;
  /** A folder for barrier files and such, removed with the store. */
  scratch(location: string): string;
  /** Removes every store made by this backend. */
  cleanup(): Promise<void>;
}

const made: string[] = [];

export const folderBackend: Backend = {
  name: 'folder',
  skipReason: null,
  async start() {},
  async stop() {},
  async fixture() {
    const dir = copyFixture();
    made.push(dir);
    return dir;
  },
  async fromFolder(dir) {
    return dir;
  },
  async empty() {
    const dir = tempDir();
    made.push(dir);
    return dir;
  },
  storeArgs: (dir) => ['--data-dir', dir],
  open: (dir, options = {}) =>
    openStore({ dataDir: dir, lock: options.staleMs ? { staleMs: options.staleMs, acquireTimeoutMs: options.staleMs * 5 } : undefined }),
  async readTask(dir, team, id) {
    return JSON.parse(fs.readFileSync(path.join(dir, 'tasks', team, `task-${id}.json`), 'utf8'));
  },
  async journal(dir, team) {
    const file = path.join(dir, 'tasks', team, '.lockstep', 'journal.jsonl');
    return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  },
  scratch: (dir) => dir,
  async cleanup() {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  },
};

let cluster: Cluster | null = null;
const scratchDirs = new Map<string, string>();

async function query<T = any>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url, application_name: 'lockstep-test' });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function newDatabase(): Promise<string> {
  if (!cluster) throw new Error('the PostgreSQL cluster is not started');
  const url = cluster.createDatabase();
  const store = new PostgresStore({ url });
  await store.migrate();
  await store.close();
  scratchDirs.set(url, tempDir('lockstep-pg-scratch-'));
  return url;
}

export const postgresBackend: Backend = {
  name: 'postgres',
  skipReason: postgresMissingReason(),
  async start() {
    cluster = await startCluster();
  },
  async stop() {
    cluster?.stop();
    cluster = null;
  },
  async fixture() {
    const url = await newDatabase();
    const dir = copyFixture();
    try {
      await copyStore(dir, url);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return url;
  },
  async fromFolder(dir) {
    const url = await newDatabase();
    await copyStore(dir, url);
    return url;
  },
  empty: () => newDatabase(),
  storeArgs: (url) => ['--store', url],
  open: (url) => openStore({ url }),
  async readTask(url, team, id) {
    const rows = await query(url, 'SELECT t.raw FROM lockstep_tasks t JOIN lockstep_teams g ON g.id = t.team_id WHERE g.name = $1 AND t.id = $2', [team, id]);
    if (!rows.length) throw new Error(`no row for task ${id}`);
    return JSON.parse(rows[0].raw);
  },
  async journal(url, team) {
    const rows = await query(url, 'SELECT j.line FROM lockstep_journal j JOIN lockstep_teams g ON g.id = j.team_id WHERE g.name = $1 ORDER BY j.seq', [team]);
    return rows.map((r) => JSON.parse(r.line));
  },
  scratch: (url) => scratchDirs.get(url) as string,
  async cleanup() {
    for (const dir of scratchDirs.values()) fs.rmSync(dir, { recursive: true, force: true });
    scratchDirs.clear();
  },
};

export const BACKENDS: Backend[] = [folderBackend, postgresBackend];

/** Backends that can run here; prints why any other is skipped. */
export function backendsHere(): Backend[] {
  for (const b of BACKENDS) if (b.skipReason) console.log(`skipping the ${b.name} backend: ${b.skipReason}`);
  return BACKENDS;
}

/**
 * For a suite run on `backend`: `open` opens the store at a location (closed after the suite), `cli` runs the real
 * `lockstep` binary pointed at it.
 */
export function storesOf(backend: Backend) {
  const opened: OpenedStore[] = [];
  afterAll(async () => {
    for (const o of opened.splice(0)) await o.close();
  });
  return {
    open(loc: string) {
      const o = backend.open(loc);
      opened.push(o);
      return o.store;
    },
    cli: (loc: string, args: string[]) => lockstepAt(backend.storeArgs(loc), args),
  };
}

export { query as sql };
