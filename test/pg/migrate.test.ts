import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runNode } from '../race/harness';
import { postgresBackend as pg, sql } from '../race/backends';
import { lockstepAt } from '../features/cli-harness';
import { startCluster } from './cluster.mjs';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/postgres/migrations';

const VERSIONS = MIGRATIONS.map((m) => m.version);

/** `lockstep store migrate`: versioned, each step in one transaction, safe to run twice or from two machines at once. */

let cluster: Awaited<ReturnType<typeof startCluster>>;

describe.skipIf(pg.skipReason !== null)('schema migrations', () => {
  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('three processes migrating one new database at once apply each version exactly once', async () => {
    const url = cluster.createDatabase('racing');
    const runs = await Promise.all([0, 1, 2].map(() => runNode([CLI, 'store', 'migrate', url, '--json']).done));
    for (const r of runs) expect(r.code, r.stdout + r.stderr).toBe(0);
    const applied = runs.map((r) => JSON.parse(r.stdout).applied as number[]);
    // Each version was applied by exactly one of them (not necessarily the same one), the others found it done.
    expect(applied.flat().sort((a, b) => a - b)).toEqual(VERSIONS);
    expect(await sql(url, 'SELECT version FROM lockstep_schema_migrations ORDER BY version')).toEqual(
      VERSIONS.map((version) => ({ version })),
    );
    const again = lockstepAt([], ['store', 'migrate', url]);
    expect(again.json).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    // The tables work through the store right away.
    expect(lockstepAt(['--store', url], ['team', 'create', 'fresh', '--member', 'ann']).code).toBe(0);
  });

  it('a database upgraded by a newer Lockstep is refused in plain words, and nothing is written', async () => {
    const url = cluster.createDatabase('newer');
    expect(lockstepAt([], ['store', 'migrate', url]).code).toBe(0);
    await sql(url, "INSERT INTO lockstep_schema_migrations (version, name) VALUES (99, 'from the future')");
    const res = lockstepAt(['--store', url], ['team', 'create', 'x']);
    expect(res.json.error.code).toBe('STORE_UNAVAILABLE');
    expect(res.json.error.message).toContain('newer Lockstep');
    expect(await sql(url, 'SELECT count(*)::int AS n FROM lockstep_teams')).toEqual([{ n: 0 }]);
  });

  it('refuses a URL that is not a database URL', () => {
    const res = lockstepAt([], ['store', 'migrate', '/tmp/some-folder']);
    expect(res.code).toBe(2);
    expect(res.json.error.message).toContain('postgres://');
  });
});
