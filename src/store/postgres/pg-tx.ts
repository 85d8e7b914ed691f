import type { ClientBase } from 'pg';
import { sendTogether } from './connection';

/** A snapshot to read from: every statement of the transaction sees the database as at its first one. */
export const READ_SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/** Thrown by a transaction's work to roll back and run again from BEGIN (pg-mutate.ts: to lock the whole team). */
export class RestartTransaction extends Error {
  constructor() {
    super('restart the transaction');
  }
}

export interface TransactionOptions {
  /** The BEGIN statement (default `BEGIN`; READ_SNAPSHOT for a consistent read). */
  begin?: string;
  /**
   * Sends BEGIN without waiting for its answer, in one write with the work's first statements (sendTogether in
   * connection.ts): one round trip less. The work awaits `begun` with its first answer, before anything else.
   */
  together?: boolean;
  /** Ends the transaction instead of a plain COMMIT (PgContext.commit: COMMIT behind the journal's queued statements). */
  commit?: () => Promise<void>;
  /** Runs once the COMMIT went through (the lost-reply test failpoint of messages and costs). */
  afterCommit?: () => void;
}

/**
 * The one place the database store begins and ends a transaction: BEGIN, `work`, COMMIT. When the work throws, the
 * transaction is rolled back (a failed ROLLBACK, on a lost connection, is left to the caller's retry) and the error
 * goes on; when it throws RestartTransaction, BEGIN and the work run again (`restarts` counts how often).
 */
export async function inTransaction<T>(
  client: ClientBase,
  work: (restarts: number, begun: Promise<unknown>) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  for (let restarts = 0; ; restarts++) {
    let value: T;
    try {
      if (options.together) sendTogether(client);
      const begun = client.query(options.begin ?? 'BEGIN');
      begun.catch(() => undefined); // awaited below, or by the work first (together)
      if (!options.together) await begun;
      value = await work(restarts, begun);
      await begun;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (err instanceof RestartTransaction) continue;
      throw err;
    }
    if (options.commit) await options.commit();
    else await client.query('COMMIT');
    options.afterCommit?.();
    return value;
  }
}
