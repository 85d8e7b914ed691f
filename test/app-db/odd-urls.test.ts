import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../src/main/db-connect';
import type { PostgresStore } from '../../src/store';
import { postgresMissingReason, startCluster } from '../pg/cluster.mjs';
import { lockstepAt } from '../features/cli-harness';

/**
 * Issue 28, item 8: a password is never kept from any part of a URL (the query's `password=` too), and every odd
 * URL is answered with a sentence (never "Unexpected error"), in the app's connect and in the CLI.
 */

const skip = postgresMissingReason();
if (skip) console.log(`skipping the odd-URL database tests: ${skip}`);

let cluster: Awaited<ReturnType<typeof startCluster>>;
const opened: PostgresStore[] = [];
let dbName = '';
const actor = { name: 'ana', via: 'app' };

describe.skipIf(skip !== null)('database URLs: no password kept, every refusal a sentence', () => {
  beforeAll(async () => {
    cluster = await startCluster();
    const db = cluster.createDatabase();
    dbName = new URL(db).pathname.slice(1);
    cluster.psql(
      `CREATE ROLE pwuser LOGIN PASSWORD 'right-one'; GRANT ALL ON DATABASE ${dbName} TO pwuser; ALTER DATABASE ${dbName} OWNER TO pwuser`,
    );
    const hba = path.join(cluster.dir, 'data', 'pg_hba.conf');
    fs.writeFileSync(hba, `host all pwuser 127.0.0.1/32 scram-sha-256\n${fs.readFileSync(hba, 'utf8')}`);
    cluster.psql('SELECT pg_reload_conf()');
  }, 60_000);
  afterAll(async () => {
    for (const s of opened) await s.close().catch(() => undefined);
    cluster?.stop();
  });

  it('a password in the query string connects, and the URL kept has no password anywhere', async () => {
    const url = `postgres://pwuser@127.0.0.1:${cluster.port}/${dbName}?password=right-one&application_name=x`;
    const ok = await connectDatabase({ url }, { actor });
    opened.push(ok.store);
    expect(ok.url).not.toContain('right-one');
    expect(ok.url).toBe(`postgres://pwuser@127.0.0.1:${cluster.port}/${dbName}?application_name=x`);
    expect(ok.password).toBe('right-one');
  });

  it('odd URLs are refused in sentences, in the app and in the CLI', async () => {
    const env = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    const at = `127.0.0.1:${cluster.port}`;
    const odd = [
      `postgres://pwuser@${at}/${dbName}`, // the server wants a password, none given
      `postgres://o'brien@${at}/${dbName}`, // a quote in the user name
      `postgres://pwuser@${at}/db'x`, // a quote in the database name
      `postgres://pwuser:@${at}/${dbName}`, // an empty password
      `postgres://pwuser@${at}/${dbName}?password=`, // an empty password in the query
      `postgres://pwuser@${at}/${dbName}?sslmode=nonsense`,
      `postgres://%zz@${at}/${dbName}`, // a broken escape
    ];
    try {
      for (const url of odd) {
        let message = '';
        try {
          const s = await connectDatabase({ url }, { actor });
          opened.push(s.store);
          message = 'connected';
        } catch (err) {
          message = (err as Error).message;
          expect((err as { code?: string }).code, url).not.toBe('INTERNAL');
        }
        expect(message, url).toMatch(/[.!?]$/);
        expect(message, url).not.toMatch(/Unexpected error|SASL|TypeError|URIError/);
        const cli = lockstepAt(['--store', url], ['team', 'list'], { PGPASSWORD: '' });
        const error = cli.json.error;
        if (error) {
          expect(error.code, `${url}: ${error.message}`).not.toBe('INTERNAL');
          expect(error.message, url).toMatch(/[.!?]$/);
          expect(error.message, url).not.toMatch(/Unexpected error|SASL/);
          expect(error.message, url).not.toContain('right-one');
        }
      }
    } finally {
      if (env !== undefined) process.env.PGPASSWORD = env;
    }
  }, 120_000);
});
