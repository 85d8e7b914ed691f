import type { ClientBase, Pool, PoolClient } from 'pg';
import { pgLib } from './pg-lib';
import { InvalidInputError, LockstepError, StoreBusyError, StoreUnavailableError } from '../../shared/errors';

/**
 * The NOTIFY channel every committed change signals on. Payload: {"team": ..., "seq": ...} for a journaled task or
 * team change; {"team", "seq", "kind": "messages" | "costs"} for a message sent or received, a cost reported.
 */
export const CHANGES_CHANNEL = 'lockstep_changes';

/** A postgres:// or postgresql:// URL (the store chooser's test). */
export function isDatabaseUrl(location: string | undefined): boolean {
  return typeof location === 'string' && /^postgres(ql)?:\/\//i.test(location);
}

/** The URL without its password, for messages (passwords come from PGPASSWORD or ~/.pgpass, never from us). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the database URL';
  }
}

export interface RetryOptions {
  /** Attempts for serialization failures, deadlocks and lock timeouts before STORE_BUSY. */
  busyAttempts: number;
  /** Attempts after a dropped or refused connection before STORE_UNAVAILABLE. */
  connectionAttempts: number;
}

export const DEFAULT_RETRY: RetryOptions = { busyAttempts: 12, connectionAttempts: 6 };

export function openPool(url: string, max = 4, lockTimeoutMs = 20_000): Pool {
  try {
    new URL(url);
  } catch {
    throw new InvalidInputError(`"${url}" is not a database URL; use postgres://user@host:5432/database.`);
  }
  const pool = new (pgLib().Pool)({
    connectionString: url,
    // Statements are sent without waiting for the answer to the one before: a mutation's writes, journal entry and
    // COMMIT go out together (pg-context.ts queue/commit). Each keeps its own answer and its own error.
    pipeline: true,
    max,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 5_000,
    // A row lock waited on longer than this is reported as busy (after retries), never waited on forever.
    lock_timeout: lockTimeoutMs,
    // A writer that stops mid-transaction (killed, suspended) releases its locks after this.
    idle_in_transaction_session_timeout: 60_000,
    application_name: 'lockstep',
    // A network that goes silent (no reset) must not hang a call: keepalives notice a dead peer, and a reply that
    // takes longer than this counts as a lost connection (retried, then STORE_UNAVAILABLE).
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    query_timeout: 60_000,
  });
  // A connection cut while idle (or while checked out) must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Statements issued on `client` from now until the end of this tick leave in one write (Node's cork, then uncork on
 * the next tick): pipelined statements then reach the server together, one wake-up instead of one per statement.
 */
export function sendTogether(client: ClientBase): void {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  if (!stream?.cork || !stream.uncork) return;
  stream.cork();
  process.nextTick(() => stream.uncork?.());
}

type Kind = 'busy' | 'connection' | 'other';

/** Classifies a driver error: worth retrying as busy (serialization, deadlock, lock timeout), as a lost connection, or not. */
export function classify(err: unknown): Kind {
  if (err instanceof LockstepError) return 'other';
  const e = err as { code?: string; message?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (code === '40001' || code === '40P01' || code === '55P03') return 'busy';
  if (/^08/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return 'connection';
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code))
    return 'connection';
  const msg = String(e?.message ?? '');
  if (
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|timeout exceeded when trying to connect|Query read timeout/i.test(
      msg,
    )
  ) {
    return 'connection';
  }
  return 'other';
}

/**
 * A driver error met while connecting (authentication, a missing role or database, a URL the driver cannot read)
 * as a sentence naming the server, never the password; any other error as it is.
 */
export function explainDriverError(err: unknown, url: string): unknown {
  if (err instanceof LockstepError) return err;
  const e = err as { code?: string; message?: string };
  const code = typeof e?.code === 'string' ? e.code : '';
  const msg = String(e?.message ?? '');
  let at = 'the database server';
  let user = 'this user';
  try {
    const u = new URL(url);
    at = `${u.hostname || 'localhost'}:${u.port || '5432'}`;
    user = decodeURIComponent(u.username) || user;
  } catch {
    // Named generally.
  }
  const unavailable = (m: string) => new StoreUnavailableError(m, { url: redactUrl(url) });
  if (code === '28P01' || /password authentication failed/i.test(msg)) return unavailable(`Wrong password for user ${user} on ${at}.`);
  if (/password must be a string|no password (was )?supplied|SASL|SCRAM/i.test(msg))
    return unavailable(`The server at ${at} wants a password for user ${user}: set PGPASSWORD, use ~/.pgpass or put it in the URL.`);
  if (code === '28000' || /role ".*" does not exist|pg_hba\.conf/i.test(msg))
    return unavailable(`The server at ${at} does not let user ${user} in (no such user, or its pg_hba.conf refuses this connection).`);
  if (code === '3D000') return unavailable(`The database named in the URL does not exist on ${at}. Create it or check the name.`);
  if (/\bSSL\b/.test(msg))
    return unavailable(`The server at ${at} does not accept the SSL settings of the URL (${msg.replace(/\.$/, '')}); check its sslmode.`);
  if (err instanceof URIError) return new InvalidInputError('The database URL has a broken %-escape (write a % as %25).');
  return err;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` on a pooled connection, retrying a bounded number of times: serialization failures and deadlocks
 * (with jittered back-off) and dropped connections (on a fresh connection). `settle` is asked, after a connection
 * dropped, whether the attempt committed anyway (its COMMIT may have reached the server): then its value stands.
 */
export async function withRetry<T>(
  pool: Pool,
  url: string,
  retry: RetryOptions,
  attempt: (client: PoolClient, attemptNo: number) => Promise<T>,
  settle?: (client: PoolClient) => Promise<{ committed: true; value: T } | null>,
): Promise<T> {
  let busy = 0;
  let dropped = 0;
  let lastError: unknown = null;
  for (let n = 0; ; n++) {
    let client: PoolClient | null = null;
    try {
      client = await pool.connect();
      if (lastError && classify(lastError) === 'connection' && settle) {
        const settled = await settle(client);
        if (settled) {
          client.release();
          return settled.value;
        }
      }
      const value = await attempt(client, n);
      client.release();
      return value;
    } catch (err) {
      const kind = classify(err);
      if (client) {
        if (kind !== 'connection') await client.query('ROLLBACK').catch(() => undefined);
        client.release(kind === 'connection' ? (err as Error) : undefined);
      }
      if (kind === 'other') throw explainDriverError(err, url);
      lastError = err;
      if (kind === 'busy') {
        if (++busy >= retry.busyAttempts) {
          throw new StoreBusyError(
            `The database is busy: the change could not be applied after ${busy} attempts (others kept changing the same tasks). Try again in a moment.`,
            { reason: (err as { code?: string }).code ?? 'busy' },
          );
        }
        await sleep(Math.min(200, 2 ** busy) * (0.5 + Math.random()));
      } else {
        if (++dropped >= retry.connectionAttempts) {
          throw new StoreUnavailableError(
            `Cannot reach the database at ${redactUrl(url)}: ${(err as Error).message}. The change was not confirmed; check that the server runs and the network is up, then try again.`,
            { url: redactUrl(url) },
          );
        }
        await sleep(Math.min(2000, 100 * 2 ** dropped) * (0.5 + Math.random()));
      }
    }
  }
}
