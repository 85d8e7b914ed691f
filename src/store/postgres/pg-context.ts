import { AsyncLocalStorage } from 'async_hooks';
import { randomUUID } from 'crypto';
import * as os from 'os';
import type { Pool, PoolClient } from 'pg';
import { StoreUnavailableError } from '../../shared/errors';
import { delayBeforeSaveMs } from '../core/failpoints';
import type { JournalEntry, JournalTaskChange } from '../core/journal-format';
import { defaultActor, type Actor, type TrackedEntry } from '../core/store-api';
import { journalEntry, type MutationInfo } from '../core/transaction';
import { CHANGES_CHANNEL, DEFAULT_RETRY, openPool, redactUrl, sendTogether, sleep, withRetry, type RetryOptions } from './connection';
import { SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import { inTransaction, type TransactionOptions } from './pg-tx';

export interface PostgresStoreOptions {
  url: string;
  host?: string;
  actor?: Actor;
  /** Journal off only to measure what it costs. */
  journal?: { enabled?: boolean };
  retry?: Partial<RetryOptions>;
  /** Connections this process may hold (the app a few, a CLI call one or two). */
  poolSize?: number;
  /** How long one statement waits for a row lock before the attempt counts as busy (default 20 s). */
  lockTimeoutMs?: number;
}

/** After a dropped connection: did the attempt commit (and with what result)? */
export type Settle<T> = (client: PoolClient) => Promise<{ committed: true; value: T } | null>;

/** Inside track(): the journal entries committed by the work's mutations. */
const journalTracker = new AsyncLocalStorage<TrackedEntry[]>();

/**
 * What every part of the database store shares (PostgresStore is the facade over pg-teams, pg-tasks, pg-claims,
 * pg-doctor, pg-undo, driven by pg-mutate): the connections, the schema check, bounded retries (`run`), the journal
 * info of a call, numbering and committing journal entries, and finding out after a lost connection whether an
 * attempt committed (`settle`).
 */
export class PgContext {
  readonly url: string;
  readonly actor: Actor;
  readonly pool: Pool;
  readonly host: string;
  private readonly journalEnabled: boolean;
  private readonly retry: RetryOptions;
  private schemaChecked = false;

  constructor(options: PostgresStoreOptions) {
    this.url = options.url;
    this.pool = openPool(options.url, options.poolSize ?? 4, options.lockTimeoutMs);
    this.host = options.host ?? os.hostname();
    this.actor = options.actor ?? defaultActor(this.host);
    this.journalEnabled = options.journal?.enabled ?? true;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** Runs `work` and reports every journal entry its mutations committed, with the team whose journal holds it. */
  async track<T>(work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }> {
    const journaled: TrackedEntry[] = [];
    const value = await journalTracker.run(journaled, work);
    return { value, journaled };
  }

  /** Creates or upgrades the schema (lockstep store migrate). */
  async migrate(): Promise<{ from: number; to: number; applied: number[] }> {
    const result = await withRetry(this.pool, this.url, this.retry, (client) => migrate(client));
    this.schemaChecked = true;
    return result;
  }

  async run<T>(attempt: (client: PoolClient) => Promise<T>, settle?: Settle<T>): Promise<T> {
    if (!this.schemaChecked) {
      const version = await withRetry(this.pool, this.url, this.retry, (client) => schemaVersion(client));
      if (version < SCHEMA_VERSION) {
        throw new StoreUnavailableError(
          version === 0
            ? `The database at ${redactUrl(this.url)} has no Lockstep tables yet; create them with: lockstep store migrate ${redactUrl(this.url)}`
            : `The database at ${redactUrl(this.url)} has Lockstep's schema version ${version}; this Lockstep needs ${SCHEMA_VERSION}: run lockstep store migrate ${redactUrl(this.url)}`,
          { url: redactUrl(this.url), schemaVersion: version },
        );
      }
      if (version > SCHEMA_VERSION) {
        throw new StoreUnavailableError(
          `The database at ${redactUrl(this.url)} was upgraded by a newer Lockstep (schema ${version}, this one knows ${SCHEMA_VERSION}); update Lockstep.`,
          { url: redactUrl(this.url), schemaVersion: version },
        );
      }
      this.schemaChecked = true;
    }
    return withRetry(this.pool, this.url, this.retry, attempt, settle);
  }

  info(op: string, agent?: string, extra: Partial<MutationInfo> = {}): MutationInfo {
    return { op, actor: agent ?? this.actor.name, via: this.actor.via, ...extra };
  }

  entry(team: string, info: MutationInfo, tasks: JournalTaskChange[]): JournalEntry {
    return journalEntry(team, this.host, info, tasks);
  }

  /** Tells every listening window (LISTEN lockstep_changes) which team changed; delivered only if this commits. */
  private async notify(client: PoolClient, team: string, seq: number): Promise<void> {
    await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify({ team, seq })]);
  }

  /**
   * Numbers the entry (the next value of the team's journal sequence, taken last in the transaction, under a lock
   * held for that statement only: lockstep_journal_append, migration 5) and stores it with the xid readers order by,
   * in one statement. The entry's line is written with its number in place of the 0. Listeners are told right after
   * the COMMIT (`commit`, `announce`). Two changes of one team no longer wait for each other here: only their row
   * locks order them.
   */
  async appendJournal(client: PoolClient, teamId: string, entry: JournalEntry, opId: string): Promise<void> {
    await this.queueJournal(client, teamId, entry, opId);
  }

  /**
   * appendJournal's statement, sent without waiting for its answer: `commit` sends COMMIT right behind it and waits
   * for both (see `queue`). The returned promise is also the queued one.
   */
  queueJournal(client: PoolClient, teamId: string, entry: JournalEntry, opId: string): Promise<void> {
    this.uncommitted.delete(client);
    if (!this.journalEnabled) return this.queue(client, this.notify(client, entry.team, 0));
    const line = JSON.stringify(entry);
    if (!line.startsWith('{"seq":0,')) throw new Error('a journal entry must start with its number');
    const taskIds = [...new Set([...(entry.taskId ? [entry.taskId] : []), ...entry.tasks.map((t) => t.id)])];
    this.toAnnounce.set(client, { opId, team: entry.team });
    this.teamOf.set(opId, entry.team);
    const appended = client
      .query({
        name: 'lockstep_append_journal',
        text: 'SELECT lockstep_journal_append($1, $2, $3, $4, $5, $6, $7, $8) AS seq',
        values: [teamId, entry.at, entry.actor, entry.via, entry.op, taskIds, line, opId],
      })
      .then((r) => {
        if (r.rowCount !== 1) throw new Error(`team ${entry.team} has no journal sequence`);
        entry.seq = Number(r.rows[0].seq);
        this.uncommitted.set(client, { team: entry.team, entry });
      });
    return this.queue(client, appended);
  }

  /** The entry each connection's open transaction journaled: reported to track() once its COMMIT went through. */
  private readonly uncommitted = new WeakMap<PoolClient, TrackedEntry>();

  /**
   * Statements of the open transaction sent without waiting for their answers (the pool's connections pipeline:
   * connection.ts). `commit` sends COMMIT behind them, so a mutation's writes, its journal entry and its COMMIT reach
   * the server in one round trip, and the row locks are held for that one trip instead of one trip per statement.
   * A statement that fails aborts the transaction, so the COMMIT behind it rolls back; `commit` then reports the
   * first failure in sending order.
   */
  private readonly queued = new WeakMap<PoolClient, Array<Promise<unknown>>>();

  /** Adds a statement to the open transaction's queue (its failure is reported by `commit`, never unhandled). */
  queue<T>(client: PoolClient, statement: Promise<T>): Promise<T> {
    statement.catch(() => undefined);
    const list = this.queued.get(client) ?? [];
    list.push(statement);
    this.queued.set(client, list);
    return statement;
  }

  /** Waits for every queued statement; throws the first failure in sending order. */
  private async drainQueue(client: PoolClient, more: Array<Promise<unknown>> = []): Promise<void> {
    const list = [...(this.queued.get(client) ?? []), ...more];
    this.queued.delete(client);
    let first: { error: unknown } | undefined;
    for (const statement of list) {
      try {
        await statement;
      } catch (error) {
        first ??= { error };
      }
    }
    if (first) throw first.error;
  }

  /** COMMIT, after the test failpoint's pause (locks held), so a race or a cut connection can be widened on purpose. */
  async commit(client: PoolClient): Promise<void> {
    const delay = delayBeforeSaveMs();
    if (delay) {
      await this.drainQueue(client);
      await sleep(delay);
    }
    sendTogether(client);
    const commit = client.query('COMMIT');
    commit.catch(() => undefined);
    const journaled = this.toAnnounce.get(client);
    this.toAnnounce.delete(client);
    const announced = journaled ? this.announce(client, journaled.opId, journaled.team) : Promise.resolve();
    try {
      await this.drainQueue(client, [commit]);
    } finally {
      await announced;
    }
    // Test failpoint: the COMMIT went through but its reply is "lost" (the connection is dropped as if cut), once
    // per mutation, so the caller must find out from the database that its change is in, and not apply it twice.
    if (process.env.LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY === '1' && !this.replyLost.has(client)) {
      this.replyLost.add(client);
      throw Object.assign(new Error('Connection terminated unexpectedly (failpoint: COMMIT reply lost)'), { code: '08006' });
    }
    const tracked = this.uncommitted.get(client);
    this.uncommitted.delete(client);
    if (tracked) journalTracker.getStore()?.push(tracked);
  }

  /** The journaled change of each connection's open transaction, announced after its COMMIT. */
  private readonly toAnnounce = new WeakMap<PoolClient, { opId: string; team: string }>();
  /** The team each operation id journaled in (for `settle`, which announces a change found committed). */
  private readonly teamOf = new Map<string, string>();

  /**
   * NOTIFY lockstep_changes for the change with this operation id, if it committed: its own statement, sent in the
   * same write as the COMMIT (so no extra round trip) and run after it, outside the change's transaction. A NOTIFY
   * inside a transaction takes a lock on the database's notification queue held until the transaction ends, WAL
   * flush included, so every notifying commit in the database would wait for the one before (8 connections writing
   * different rows: 541 to 751 commits/s with it, 2,222 to 3,025 without, same run). Never fails the change.
   */
  private announce(client: PoolClient, opId: string, team: string): Promise<void> {
    const sent = client.query({
      name: 'lockstep_announce',
      text: `SELECT pg_notify($2, json_build_object('team', $3::text, 'seq', seq)::text) FROM lockstep_journal WHERE op_id = $1`,
      values: [opId, CHANGES_CHANNEL, team],
    });
    return sent.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Connections whose COMMIT reply the failpoint "lost" (each is dropped after, so each mutation loses one). */
  private readonly replyLost = new WeakSet<PoolClient>();

  /**
   * One journaled change, retried as a whole by `run`: one transaction (inTransaction, pg-tx.ts) in which `work`
   * journals the change with the attempt's operation id; its COMMIT is `commit`. When the connection is lost around the COMMIT, the journal tells
   * whether that attempt went in, and then its value is the result (never applied twice).
   */
  transact<T>(
    work: (client: PoolClient, opId: string, restarts: number, begun: Promise<unknown>) => Promise<T>,
    options: Pick<TransactionOptions, 'together'> = {},
  ): Promise<T> {
    let result: { value: T } | undefined;
    let opId = randomUUID();
    return this.run(
      async (client) => {
        this.teamOf.delete(opId);
        opId = randomUUID();
        result = undefined;
        this.queued.delete(client);
        this.toAnnounce.delete(client);
        return inTransaction(
          client,
          async (restarts, begun) => {
            const value = await work(client, opId, restarts, begun);
            result = { value };
            return value;
          },
          { ...options, commit: () => this.commit(client) },
        );
      },
      this.settle(
        () => opId,
        () => result?.value,
      ),
    ).finally(() => this.teamOf.delete(opId));
  }

  /** After a dropped connection: did the attempt with this id commit? */
  private settle<T>(opId: () => string, value: () => T | undefined): Settle<T> {
    return async (client: PoolClient): Promise<{ committed: true; value: T } | null> => {
      if (!this.journalEnabled) return null;
      const r = await client.query('SELECT 1 FROM lockstep_journal WHERE op_id = $1', [opId()]);
      const v = value();
      if (!r.rowCount || v === undefined) return null;
      // Its announcement may have been lost with the connection: announce it (twice is harmless).
      const team = this.teamOf.get(opId());
      if (team !== undefined) await this.announce(client, opId(), team);
      return { committed: true, value: v };
    };
  }
}
