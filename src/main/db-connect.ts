import { Client } from 'pg';
import { InvalidInputError, LockstepError, StoreUnavailableError } from '../shared/errors';
import { isDatabaseUrl, openStore, SCHEMA_VERSION, schemaVersion, type PostgresStore } from '../store';
import { databaseLabel, withoutPassword } from './settings';

/**
 * Connecting the app to a PostgreSQL database (File › Connect to Database…): the URL checked, one test connection
 * whose failure is explained in plain words naming the field at fault (`details.field`: "url" or "password"),
 * Lockstep's tables created or upgraded (the migrations of `lockstep store migrate`), and the store opened. Plain
 * Node: no Electron (the password's safe keeping is main's, index.ts).
 */

export interface ConnectRequest {
  url: string;
  /** Optional: without it, PGPASSWORD or ~/.pgpass (which `pg` reads) or a password in the URL. */
  password?: string;
}

export interface ConnectedDatabase {
  store: PostgresStore;
  /** The URL without a password (what settings keep). */
  url: string;
  /** The password used, if one was given (in the URL or the field). */
  password?: string;
  label: string;
  migrated: { from: number; to: number; applied: number[] };
}

const problem = (field: 'url' | 'password', message: string) => new InvalidInputError(message, { field });

/** Checks the URL's form and splits off its password; throws a sentence about the URL field. */
export function parseDatabaseUrl(
  raw: string,
  password?: string,
): { url: string; connectUrl: string; password?: string; host: string; port: string; database: string; user: string } {
  const text = raw.trim();
  if (!isDatabaseUrl(text)) throw problem('url', 'A database URL starts with postgres://, like postgres://user@host:5432/dbname.');
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw problem('url', 'That is not a database URL; write it like postgres://user@host:5432/dbname.');
  }
  if (!u.hostname) throw problem('url', 'Name the server in the URL: postgres://user@HOST:5432/dbname.');
  const decode = (part: string, what: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      throw problem('url', `The ${what} in the URL has a broken %-escape (write a % as %25).`);
    }
  };
  const database = decode(u.pathname.replace(/^\//, ''), 'database name');
  if (!database) throw problem('url', 'Name the database at the end of the URL: postgres://user@host:5432/DBNAME.');
  if (database.includes('/')) throw problem('url', `"${database}" is not a database name (no "/" in it).`);
  if (u.port && !(Number(u.port) > 0 && Number(u.port) < 65536)) throw problem('url', `${u.port} is not a port number.`);
  // A password in the field wins, then one in the user:password@ part, then one in the query (?password=).
  const given = password || (u.password ? decode(u.password, 'password') : undefined) || u.searchParams.get('password') || undefined;
  const url = withoutPassword(text);
  const connect = new URL(url);
  if (given) connect.password = given;
  return {
    url,
    connectUrl: connect.toString(),
    ...(given ? { password: given } : {}),
    host: u.hostname,
    port: u.port || '5432',
    database,
    user: decode(u.username, 'user name') || process.env.PGUSER || process.env.USER || 'the current user',
  };
}

/** A driver's connection error in plain words, naming the field at fault. */
export function explainConnectError(
  err: unknown,
  where: { host: string; port: string; database: string; user: string; passwordGiven: boolean },
): LockstepError {
  if (err instanceof LockstepError) return err;
  const e = err as { code?: string; message?: string; errors?: Array<{ code?: string }> };
  const code = e?.code ?? e?.errors?.[0]?.code ?? '';
  const msg = String(e?.message ?? '');
  const at = `${where.host}:${where.port}`;
  if (code === '28P01' || /password authentication failed/i.test(msg)) {
    return where.passwordGiven
      ? problem('password', `Wrong password for user ${where.user} on ${at}.`)
      : problem('password', `The server at ${at} wants a password for user ${where.user}: enter it (or set PGPASSWORD or ~/.pgpass).`);
  }
  if (/password must be a string|no password (was )?supplied|SASL/i.test(msg)) {
    return problem('password', `The server at ${at} wants a password for user ${where.user}: enter it (or set PGPASSWORD or ~/.pgpass).`);
  }
  if (code === '3D000' || /database ".*" does not exist/i.test(msg)) {
    return problem(
      'url',
      `There is no database named ${where.database} on ${at}. Create it (createdb ${where.database}) or check the name.`,
    );
  }
  if (/role ".*" does not exist/i.test(msg)) return problem('url', `There is no user named ${where.user} on the server at ${at}.`);
  if (/pg_hba\.conf/i.test(msg))
    return problem(
      'url',
      `The server at ${at} does not let user ${where.user} connect from this computer to ${where.database} (its pg_hba.conf).`,
    );
  if (code === 'ECONNREFUSED')
    return problem('url', `No PostgreSQL server answers at ${at}. Check the host and port, and that the server runs.`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return problem('url', `The server name ${where.host} is unknown (no such host).`);
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout/i.test(msg)) {
    return problem('url', `No answer from ${at} in time. Check the host and port, and the network between here and there.`);
  }
  if (code === '42501' || /permission denied/i.test(msg)) {
    return problem(
      'url',
      `User ${where.user} may not create Lockstep's tables in ${where.database} (it needs CREATE on the database, or ask its owner to run lockstep store migrate once).`,
    );
  }
  if (/^53/.test(code))
    return new StoreUnavailableError(
      `The server at ${at} cannot take another connection now (too many connections). Try again in a moment.`,
      { field: 'url' },
    );
  if (code === '57P03')
    return new StoreUnavailableError(`The server at ${at} is starting up or shutting down. Try again in a moment.`, { field: 'url' });
  return new StoreUnavailableError(
    `Could not connect to the database at ${at}/${where.database}: ${msg.split('\n')[0] || 'unknown reason'}.`,
    { field: 'url' },
  );
}

/** Validates, test-connects, migrates and opens the database; refused in plain words otherwise. */
export async function connectDatabase(
  request: ConnectRequest,
  options: { actor: { name: string; via: string }; timeoutMs?: number },
): Promise<ConnectedDatabase> {
  const parsed = parseDatabaseUrl(request.url, request.password);
  const where = {
    host: parsed.host,
    port: parsed.port,
    database: parsed.database,
    user: parsed.user,
    passwordGiven: Boolean(parsed.password),
  };
  const probe = new Client({
    connectionString: parsed.connectUrl,
    connectionTimeoutMillis: options.timeoutMs ?? 8_000,
    application_name: 'lockstep-app',
  });
  probe.on('error', () => undefined);
  let version: number;
  try {
    await probe.connect();
    version = await schemaVersion(probe);
  } catch (err) {
    throw explainConnectError(err, where);
  } finally {
    await probe.end().catch(() => undefined);
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreUnavailableError(
      `The database ${where.database} on ${where.host}:${where.port} was upgraded by a newer Lockstep (schema ${version}; this one knows ${SCHEMA_VERSION}). Update Lockstep to use it.`,
      { field: 'url' },
    );
  }
  const { store } = openStore({ url: parsed.connectUrl, actor: options.actor, poolSize: 4, retry: { connectionAttempts: 3 } });
  try {
    // Tables created or upgraded only when needed: a user with everyday rights (no CREATE) connects to an
    // up-to-date database.
    const migrated = version < SCHEMA_VERSION ? await store.migrate() : { from: version, to: version, applied: [] };
    if (version === SCHEMA_VERSION) await store.listTeams(); // the store's own first read: rights and schema check
    return {
      store,
      url: parsed.url,
      ...(parsed.password ? { password: parsed.password } : {}),
      label: databaseLabel(parsed.url),
      migrated,
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw explainConnectError(err, where);
  }
}
