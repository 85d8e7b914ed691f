import { AsyncLocalStorage } from 'async_hooks';
import { randomBytes, randomUUID } from 'crypto';
import * as os from 'os';
import type { Pool, PoolClient } from 'pg';
import {
  PRIORITY_RANK,
  emptyCounts,
  leaderOf,
  type FileProblem,
  type Member,
  type TaskList,
  type TeamConfig,
  type TeamSummary,
  type VersionedTask,
} from '../../shared/domain';
import { AlreadyExistsError, InvalidInputError, NotFoundError, StoreUnavailableError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import {
  createTaskInputSchema,
  createTeamInputSchema,
  memberProfilePatchSchema,
  newMemberSchema,
  parseInput,
  taskFilterSchema,
  updateTaskPatchSchema,
  type CreateTaskInput,
  type CreateTeamInput,
  type NewMember,
  type TaskFilter,
  type UpdateTaskPatch,
} from '../../shared/schemas';
import type { MemberProfile } from '../../shared/members';
import { nowMicros, nowTimestamp, parseTimestamp } from '../../shared/time';
import { diagnose, type DiagnoseOptions, type Finding } from '../doctor';
import { delayBeforeSaveMs } from '../failpoints';
import type { JournalEntry, JournalTaskChange } from '../journal';
import type { DoctorRequest, SweepRequest, TrackedEntry } from '../store';
import { withVersion, type LoadedTask } from '../task-files';
import { applyProfiles, memberRecord, serializeTeamConfig, type LoadedTeamConfig } from '../team-config';
import type { TeamChange } from '../team-undo';
import { taskChange, type MutationInfo } from '../team-writer';
import * as ops from '../task-ops';
import { CHANGES_CHANNEL, DEFAULT_RETRY, openPool, redactUrl, sleep, withRetry, type RetryOptions } from './connection';
import { watchChanges, type ChangeNotice } from './watch';
import { PgCosts } from './pg-costs';
import { PgMessages } from './pg-messages';
import { journalOf, journalTail } from './pg-journal';
import { checkTrashId, notTrashed, trashTeam, untrashTeam } from './pg-trash';
import { undoChange, undoLast, type UndoAccess, type UndoOptions, type UndoneChange } from './pg-undo';
import { SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import { Need, PgTransaction, type Mode, type TaskMutationOptions } from './pg-transaction';
import { insertTask, loadTaskRow, parseTeamConfigText, readProfiles, taskParams, updateTask, writeMembers } from './rows';

export interface PostgresStoreOptions {
  url: string;
  host?: string;
  actor?: { name: string; via: string };
  /** Journal off only to measure what it costs. */
  journal?: { enabled?: boolean };
  retry?: Partial<RetryOptions>;
  /** Connections this process may hold (the app a few, a CLI call one or two). */
  poolSize?: number;
  /** How long one statement waits for a row lock before the attempt counts as busy (default 20 s). */
  lockTimeoutMs?: number;
}

export { CHANGES_CHANNEL };

/** Inside track(): the journal entries committed by the work's mutations. */
const journalTracker = new AsyncLocalStorage<TrackedEntry[]>();

/**
 * The task store on PostgreSQL: the same public methods, results and errors as LockstepStore (the data folder).
 *
 * Locking: every task mutation takes the team's row FOR SHARE and the rows of the tasks it touches FOR UPDATE, so
 * mutations of different tasks run in parallel and those of one task one after the other. Mutations that need the
 * whole team (dependency resolution on complete, delete, cycle checks, sweep, radar fixes, undo) take the team row
 * FOR UPDATE instead, which excludes every other writer of the team. Team changes (members, rename) do too.
 * `claim --next` takes candidate rows with FOR UPDATE SKIP LOCKED, so claimers never wait on each other. The journal
 * head row is taken last, just before COMMIT: journal order is commit order. Each mutation is one transaction.
 */
export class PostgresStore {
  readonly url: string;
  readonly actor: { name: string; via: string };
  private readonly pool: Pool;
  private readonly host: string;
  private readonly journalEnabled: boolean;
  private readonly retry: RetryOptions;
  private schemaChecked = false;
  /** Team messages (pg-messages.ts) and costs (pg-costs.ts), in the same database, with the same retries. */
  readonly messages: PgMessages;
  readonly costs: PgCosts;

  constructor(options: PostgresStoreOptions) {
    this.url = options.url;
    this.pool = openPool(options.url, options.poolSize ?? 4, options.lockTimeoutMs);
    this.host = options.host ?? os.hostname();
    this.actor = options.actor ?? { name: `${safeUserName()}@${this.host}`, via: 'api' };
    this.journalEnabled = options.journal?.enabled ?? true;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const runner = <T>(attempt: (client: PoolClient) => Promise<T>, settle?: (client: PoolClient) => Promise<{ committed: true; value: T } | null>) =>
      this.run(attempt, settle);
    this.messages = new PgMessages(runner);
    this.costs = new PgCosts(runner);
  }

  /** Runs `work` and reports every journal entry its mutations committed, with the team whose journal holds it. */
  async track<T>(work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }> {
    const journaled: TrackedEntry[] = [];
    const value = await journalTracker.run(journaled, work);
    return { value, journaled };
  }

  /** Closes the connections (a CLI call must, or its process waits for idle connections to time out). */
  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Creates or upgrades the schema (lockstep store migrate). */
  async migrate(): Promise<{ from: number; to: number; applied: number[] }> {
    const result = await withRetry(this.pool, this.url, this.retry, (client) => migrate(client));
    this.schemaChecked = true;
    return result;
  }

  private async run<T>(attempt: (client: PoolClient) => Promise<T>, settle?: (client: PoolClient) => Promise<{ committed: true; value: T } | null>): Promise<T> {
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

  private info(op: string, agent?: string, extra: Partial<MutationInfo> = {}): MutationInfo {
    return { op, actor: agent ?? this.actor.name, via: this.actor.via, ...extra };
  }

  // ---------------------------------------------------------------- low-level helpers

  private async teamId(client: PoolClient, team: string, lock: 'share' | 'exclusive' | null): Promise<string> {
    const suffix = lock === 'share' ? ' FOR SHARE' : lock === 'exclusive' ? ' FOR UPDATE' : '';
    const r = await client.query(`SELECT id FROM lockstep_teams WHERE name = $1${suffix}`, [team]);
    if (r.rowCount === 0) throw new NotFoundError(`Team ${team} does not exist.`, { team });
    return String(r.rows[0].id);
  }

  private async loadRows(client: PoolClient, team: string, teamId: string, ids: string[], rows: Map<string, LoadedTask | null>, lock: boolean): Promise<void> {
    const wanted = [...new Set(ids)].filter((id) => !rows.has(id)).sort(); // sorted: row locks always taken in one order
    if (wanted.length === 0) return;
    const r = await client.query(
      `SELECT id, raw FROM lockstep_tasks WHERE team_id = $1 AND id = ANY($2::text[]) ORDER BY id${lock ? ' FOR UPDATE' : ''}`,
      [teamId, wanted],
    );
    for (const id of wanted) rows.set(id, null);
    for (const row of r.rows) rows.set(row.id, loadTaskRow(team, row));
  }

  /** The team row FOR SHARE, then the rows of `ids` FOR UPDATE (in id order), in one round trip. */
  private async lockTeamAndRows(client: PoolClient, team: string, ids: string[]): Promise<{ teamId: string; rows: Map<string, LoadedTask | null> }> {
    const wanted = [...new Set(ids)].sort();
    const r = await client.query(
      `SELECT g.id AS team_id, t.id, t.raw
         FROM (SELECT id FROM lockstep_teams WHERE name = $1 FOR SHARE) g
         LEFT JOIN LATERAL (SELECT id, raw FROM lockstep_tasks WHERE team_id = g.id AND id = ANY($2::text[]) ORDER BY id FOR UPDATE) t ON true`,
      [team, wanted],
    );
    if (r.rowCount === 0) throw new NotFoundError(`Team ${team} does not exist.`, { team });
    const rows = new Map<string, LoadedTask | null>(wanted.map((id) => [id, null]));
    for (const row of r.rows) if (row.id !== null) rows.set(row.id, loadTaskRow(team, row));
    return { teamId: String(r.rows[0].team_id), rows };
  }

  private async loadAll(client: PoolClient, team: string, teamId: string): Promise<Map<string, LoadedTask | null>> {
    const r = await client.query('SELECT id, raw FROM lockstep_tasks WHERE team_id = $1', [teamId]);
    return new Map(r.rows.map((row) => [row.id as string, loadTaskRow(team, row)]));
  }

  private async findWriter(client: PoolClient, teamId: string, taskId: string, version: string): Promise<JournalEntry | null> {
    const r = await client.query('SELECT line FROM lockstep_journal WHERE team_id = $1 AND task_ids @> ARRAY[$2::text] ORDER BY seq DESC LIMIT 200', [
      teamId,
      taskId,
    ]);
    for (const row of r.rows) {
      const entry = JSON.parse(row.line) as JournalEntry;
      if (entry.tasks.some((t) => t.id === taskId && t.versionAfter === version)) return entry;
    }
    return null;
  }

  private entry(team: string, info: MutationInfo, tasks: JournalTaskChange[]): JournalEntry {
    const entry: JournalEntry = {
      seq: 0,
      at: nowTimestamp(),
      actor: info.actor,
      via: info.via,
      pid: process.pid,
      host: this.host,
      op: info.op,
      team,
      tasks,
    };
    if (info.taskId) entry.taskId = info.taskId;
    if (info.reason) entry.reason = info.reason;
    if (info.details) Object.assign(entry, { details: info.details });
    return entry;
  }

  /** Tells every listening window (LISTEN lockstep_changes) which team changed; delivered only if this commits. */
  private async notify(client: PoolClient, team: string, seq: number): Promise<void> {
    await client.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify({ team, seq })]);
  }

  /**
   * Numbers the entry (the team's journal head row, taken last in the transaction), stores it and notifies
   * listeners, in one statement: one round trip. The entry's line is written with its number in place of the 0.
   */
  private async appendJournal(client: PoolClient, teamId: string, entry: JournalEntry, opId: string): Promise<void> {
    this.uncommitted.delete(client);
    if (!this.journalEnabled) return this.notify(client, entry.team, 0);
    const line = JSON.stringify(entry);
    if (!line.startsWith('{"seq":0,')) throw new Error('a journal entry must start with its number');
    const taskIds = [...new Set([...(entry.taskId ? [entry.taskId] : []), ...entry.tasks.map((t) => t.id)])];
    const r = await client.query(
      `WITH h AS (UPDATE lockstep_journal_heads SET seq = seq + 1 WHERE team_id = $1 RETURNING seq),
            j AS (INSERT INTO lockstep_journal (team_id, seq, at, actor, via, op, task_ids, line, op_id)
                  SELECT $1, h.seq, $2, $3, $4, $5, $6, '{"seq":' || h.seq || substr($7, 9), $8 FROM h RETURNING seq)
       SELECT j.seq, pg_notify($9, json_build_object('team', $10::text, 'seq', j.seq)::text) FROM j`,
      [teamId, entry.at, entry.actor, entry.via, entry.op, taskIds, line, opId, CHANGES_CHANNEL, entry.team],
    );
    if (r.rowCount !== 1) throw new Error(`team ${entry.team} has no journal head`);
    entry.seq = Number(r.rows[0].seq);
    this.uncommitted.set(client, { team: entry.team, entry });
  }

  /** The entry each connection's open transaction journaled: reported to track() once its COMMIT went through. */
  private readonly uncommitted = new WeakMap<PoolClient, TrackedEntry>();

  /** COMMIT, after the test failpoint's pause (locks held), so a race or a cut connection can be widened on purpose. */
  private async commit(client: PoolClient): Promise<void> {
    const delay = delayBeforeSaveMs();
    if (delay) await sleep(delay);
    await client.query('COMMIT');
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

  /** Connections whose COMMIT reply the failpoint "lost" (each is dropped after, so each mutation loses one). */
  private readonly replyLost = new WeakSet<PoolClient>();

  /** After a dropped connection: did the attempt with this id commit? */
  private settle<T>(opId: () => string, value: () => T | undefined) {
    return async (client: PoolClient): Promise<{ committed: true; value: T } | null> => {
      if (!this.journalEnabled) return null;
      const r = await client.query('SELECT 1 FROM lockstep_journal WHERE op_id = $1', [opId()]);
      const v = value();
      return r.rowCount && v !== undefined ? { committed: true, value: v } : null;
    };
  }

  /** One task mutation: one transaction, run through task-ops exactly as the folder store runs it. */
  private async mutate<T>(team: string, info: MutationInfo, run: (tx: PgTransaction) => T, options: TaskMutationOptions = {}): Promise<T> {
    assertName(team, 'team');
    let result: { value: T } | undefined;
    let opId = randomUUID();
    return this.run(
      async (client) => {
        opId = randomUUID();
        result = undefined;
        let mode: Mode = options.mode ?? 'share';
        for (;;) {
          await client.query('BEGIN');
          let teamId: string;
          let rows: Map<string, LoadedTask | null>;
          if (mode === 'share' && options.preload?.length) {
            ({ teamId, rows } = await this.lockTeamAndRows(client, team, options.preload));
          } else {
            teamId = await this.teamId(client, team, mode);
            rows = mode === 'exclusive' ? await this.loadAll(client, team, teamId) : new Map<string, LoadedTask | null>();
          }
          if (options.beforeRun) await options.beforeRun(client, teamId);
          const writers = new Map<string, JournalEntry | null>();
          let tx: PgTransaction;
          let value: T;
          let upgrade = false;
          for (;;) {
            tx = new PgTransaction(team, nowTimestamp(), rows, mode === 'exclusive', options.assumeMissing === true, writers);
            try {
              value = run(tx);
              break;
            } catch (err) {
              if (!(err instanceof Need)) throw err;
              const { ids, all, who } = err.what;
              if (all) {
                upgrade = true;
                break;
              }
              if (ids) await this.loadRows(client, team, teamId, ids, rows, true);
              if (who) writers.set(`${who.taskId}@${who.version}`, await this.findWriter(client, teamId, who.taskId, who.version));
            }
          }
          if (upgrade) {
            // Needs the whole team: start again holding the team row exclusively.
            await client.query('ROLLBACK');
            mode = 'exclusive';
            continue;
          }
          await this.save(client, team, teamId, tx!, info, opId);
          result = { value: value! };
          await this.commit(client);
          return value!;
        }
      },
      this.settle(() => opId, () => result?.value),
    );
  }

  private async save(client: PoolClient, team: string, teamId: string, tx: PgTransaction, info: MutationInfo, opId: string): Promise<void> {
    const changes: JournalTaskChange[] = [];
    for (const [id, staged] of tx.overlay) {
      const before = tx.seen.get(id) ?? null;
      if (staged.kind === 'write') {
        const params = taskParams(teamId, staged.loaded.task, staged.loaded.extra, staged.raw, staged.loaded.version);
        if (before) {
          if (!(await updateTask(client, params, before.version))) throw busyRace(team, id);
        } else {
          await insertTask(client, params);
        }
      } else if (before) {
        const r = await client.query('DELETE FROM lockstep_tasks WHERE team_id = $1 AND id = $2 AND version = $3', [teamId, id, before.version]);
        if (r.rowCount !== 1) throw busyRace(team, id);
      }
      const change = taskChange(id, before, staged.kind === 'write' ? staged.loaded : null);
      if (change) changes.push(change);
    }
    const { solo: _solo, ...merged } = { ...info, ...tx.notes };
    await this.appendJournal(client, teamId, this.entry(team, merged, changes), opId);
  }

  /** A team-level change (config, members): the team row FOR UPDATE, journaled without task changes. */
  private async mutateTeam<T>(team: string, info: MutationInfo, run: (client: PoolClient, teamId: string, loaded: LoadedTeamConfig) => Promise<T>): Promise<T> {
    assertName(team, 'team');
    let result: { value: T } | undefined;
    let opId = randomUUID();
    return this.run(
      async (client) => {
        opId = randomUUID();
        result = undefined;
        await client.query('BEGIN');
        const r = await client.query('SELECT id, config_raw FROM lockstep_teams WHERE name = $1 FOR UPDATE', [team]);
        if (r.rowCount === 0) throw new NotFoundError(`Team ${team} does not exist.`, { team });
        const teamId = String(r.rows[0].id);
        const loaded = parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`);
        applyProfiles(loaded.config, await readProfiles(client, teamId));
        const value = await run(client, teamId, loaded);
        const journalTeam = info.journalTeam ?? (info.op === 'team.rename' ? String(info.details?.newName) : team);
        await this.appendJournal(client, teamId, this.entry(journalTeam, info, []), opId);
        result = { value };
        await this.commit(client);
        return value;
      },
      this.settle(() => opId, () => result?.value),
    );
  }

  private async writeConfig(client: PoolClient, teamId: string, loaded: LoadedTeamConfig): Promise<void> {
    await client.query('UPDATE lockstep_teams SET config_raw = $2 WHERE id = $1', [teamId, serializeTeamConfig(loaded)]);
    await writeMembers(client, teamId, loaded.config);
  }

  // ---------------------------------------------------------------- live updates

  /**
   * Calls `onChange` with the team (and journal number) of every change committed by anybody, on any machine, through
   * LISTEN/NOTIFY (see watch.ts); `kind` says a message or cost changed (absent: a journaled task or team change).
   */
  async watch(onChange: (change: ChangeNotice) => void, onStatus: (status: 'connected' | 'unavailable', reason?: string) => void = () => undefined): Promise<() => Promise<void>> {
    return watchChanges(this.url, onChange, onStatus);
  }

  // ---------------------------------------------------------------- journal

  async recentJournal(team: string, limit = 200): Promise<JournalEntry[]> {
    assertName(team, 'team');
    return this.run((client) => journalTail(client, team, 0, limit));
  }

  /** The journal's entries after `afterSeq` (at most the newest 5000 of them), oldest first. */
  async journalSince(team: string, afterSeq: number): Promise<JournalEntry[]> {
    assertName(team, 'team');
    if (!Number.isFinite(afterSeq)) throw new InvalidInputError('Give the journal number to read after.');
    return this.run((client) => journalTail(client, team, Math.floor(afterSeq), 5000));
  }

  async history(team: string, taskId?: string): Promise<JournalEntry[]> {
    assertName(team, 'team');
    if (taskId !== undefined) assertName(taskId, 'task id');
    return this.run((client) => journalOf(client, team, taskId));
  }

  // ---------------------------------------------------------------- teams

  async listTeams(): Promise<{ teams: TeamSummary[]; problems: FileProblem[] }> {
    return this.run(async (client) => {
      const teams = await client.query(`SELECT id, name, config_raw FROM lockstep_teams t WHERE ${notTrashed('t')} ORDER BY name`);
      const counts = await client.query('SELECT team_id, status, count(*)::int AS n FROM lockstep_tasks GROUP BY team_id, status');
      const problems: FileProblem[] = [];
      const out: TeamSummary[] = [];
      for (const row of teams.rows) {
        let loaded: LoadedTeamConfig;
        try {
          loaded = parseTeamConfigText(row.config_raw, `postgres:${row.name}/config.json`);
        } catch (err) {
          const e = err as { details?: { path?: string; reason?: string } };
          problems.push({ path: String(e.details?.path), reason: String(e.details?.reason) });
          continue;
        }
        const c = emptyCounts();
        for (const n of counts.rows) if (String(n.team_id) === String(row.id)) c[n.status as keyof typeof c] = n.n;
        out.push({
          name: row.name,
          description: loaded.config.description,
          memberCount: loaded.config.members.length,
          leader: leaderOf(loaded.config)?.name ?? '',
          counts: c,
        });
      }
      return { teams: out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), problems };
    });
  }

  async getTeam(team: string): Promise<TeamConfig> {
    assertName(team, 'team');
    return this.run(async (client) => {
      const r = await client.query('SELECT id, config_raw FROM lockstep_teams WHERE name = $1', [team]);
      if (r.rowCount === 0) throw new NotFoundError(`Team ${team} does not exist.`, { team });
      const { config } = parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`);
      return applyProfiles(config, await readProfiles(client, String(r.rows[0].id)));
    });
  }

  async createTeam(input: CreateTeamInput): Promise<TeamConfig> {
    const values = parseInput(createTeamInputSchema, input, 'team');
    const names = values.members.map((m) => m.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new InvalidInputError(`Member ${dup} is listed twice.`, { member: dup });
    const info = this.info('team.create', undefined, { details: { name: values.name } });
    let result: { value: TeamConfig } | undefined;
    let opId = randomUUID();
    return this.run(
      async (client) => {
        opId = randomUUID();
        result = undefined;
        await client.query('BEGIN');
        const now = nowTimestamp();
        const members = values.members.map((m) => newMember(m, now));
        const config: TeamConfig = {
          name: values.name,
          description: values.description,
          leadAgentId: members[0]?.agentId ?? '',
          createdAt: now,
          members,
          budgetCents: 0,
        };
        const inserted = await client.query(
          'INSERT INTO lockstep_teams (name, config_raw) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id',
          [values.name, serializeTeamConfig({ config, extra: {}, memberExtras: [] })],
        );
        if (inserted.rowCount === 0) throw new AlreadyExistsError(`Team ${values.name} already exists.`, { team: values.name });
        const teamId = String(inserted.rows[0].id);
        await client.query('INSERT INTO lockstep_journal_heads (team_id) VALUES ($1)', [teamId]);
        await writeMembers(client, teamId, config);
        await this.appendJournal(client, teamId, this.entry(values.name, info, []), opId);
        result = { value: config };
        await this.commit(client);
        return config;
      },
      this.settle(() => opId, () => result?.value),
    );
  }

  async renameTeam(team: string, newName: string): Promise<TeamConfig> {
    assertName(team, 'team');
    assertName(newName, 'team');
    if (team === newName) throw new InvalidInputError(`Team ${team} already has that name.`);
    return this.mutateTeam(team, this.info('team.rename', undefined, { details: { name: team, newName, change: { kind: 'rename', from: team, to: newName } satisfies TeamChange } }), async (client, teamId, loaded) => {
      const taken = await client.query('SELECT 1 FROM lockstep_teams WHERE name = $1', [newName]);
      if (taken.rowCount) throw new AlreadyExistsError(`A team named ${newName} already exists.`, { team: newName });
      loaded.config.name = newName;
      await client.query('UPDATE lockstep_teams SET name = $2, config_raw = $3 WHERE id = $1', [teamId, newName, serializeTeamConfig(loaded)]);
      return loaded.config;
    });
  }

  /**
   * Moves the team into the database's trash (pg-trash.ts) with its tasks, members, journal, messages and costs;
   * `trash` names it for restoreTeam. Journaled (team.delete) in the deleted team's journal, as in a data folder.
   */
  async deleteTeam(team: string): Promise<{ team: string; deletedTasks: number; trash: string }> {
    return this.mutateTeam(team, this.info('team.delete', undefined, { details: { name: team } }), async (client, teamId) => ({
      team,
      ...(await trashTeam(client, teamId, team, this.actor.name)),
    }));
  }

  /** Brings a deleted team back from the trash, unless a team of that name exists again (ALREADY_EXISTS). */
  async restoreTeam(trash: string): Promise<TeamConfig> {
    checkTrashId(trash);
    let result: { value: TeamConfig } | undefined;
    let opId = randomUUID();
    return this.run(
      async (client) => {
        opId = randomUUID();
        result = undefined;
        await client.query('BEGIN');
        const { teamId, team } = await untrashTeam(client, trash);
        const r = await client.query('SELECT config_raw FROM lockstep_teams WHERE id = $1', [teamId]);
        const config = applyProfiles(parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`).config, await readProfiles(client, teamId));
        await this.appendJournal(client, teamId, this.entry(team, this.info('team.restore', undefined, { details: { name: team, trash } }), []), opId);
        result = { value: config };
        await this.commit(client);
        return config;
      },
      this.settle(() => opId, () => result?.value),
    );
  }

  /** Sets the team budget (ClawTeam's `budgetCents`, a float; 0 = none) in its config, one transaction. */
  async setBudget(team: string, budgetCents: number): Promise<TeamConfig> {
    if (typeof budgetCents !== 'number' || !Number.isFinite(budgetCents) || budgetCents < 0 || budgetCents > 1e12) {
      throw new InvalidInputError('A budget must be an amount of zero or more dollars (0 removes it).');
    }
    return this.mutateTeam(team, this.info('team.set-budget', undefined, { details: { budgetCents } }), async (client, teamId, loaded) => {
      loaded.config.budgetCents = budgetCents;
      await this.writeConfig(client, teamId, loaded);
      return loaded.config;
    });
  }

  async addMember(team: string, member: NewMember): Promise<TeamConfig> {
    const values = parseInput(newMemberSchema, member, 'member');
    const details: Record<string, unknown> = { member: values.name };
    return this.mutateTeam(team, this.info('team.add-member', undefined, { details }), async (client, teamId, loaded) => {
      if (loaded.config.members.some((m) => m.name === values.name)) {
        throw new AlreadyExistsError(`${values.name} is already a member of team ${team}.`, { team, member: values.name });
      }
      const added = newMember(values, nowTimestamp());
      loaded.config.members.push(added);
      if (!loaded.config.leadAgentId) loaded.config.leadAgentId = added.agentId;
      const index = loaded.config.members.length - 1;
      details.change = { kind: 'add-member', member: values.name, record: memberRecord(loaded, index), index } satisfies TeamChange;
      await this.writeConfig(client, teamId, loaded);
      return loaded.config;
    });
  }

  async removeMember(team: string, name: string): Promise<TeamConfig> {
    assertName(name, 'member');
    const details: Record<string, unknown> = { member: name };
    return this.mutateTeam(team, this.info('team.remove-member', undefined, { details }), async (client, teamId, loaded) => {
      const index = loaded.config.members.findIndex((m) => m.name === name);
      if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
      // The record keeps the profile (mutateTeam applied it), so undo brings it back too.
      details.change = { kind: 'remove-member', member: name, record: memberRecord(loaded, index), index } satisfies TeamChange;
      loaded.config.members.splice(index, 1);
      loaded.memberExtras.splice(index, 1);
      await this.writeConfig(client, teamId, loaded);
      return loaded.config;
    });
  }

  async setMemberProfile(
    team: string,
    name: string,
    profile: { role?: string | null; capabilities?: string[] | null; wipLimit?: number | null },
  ): Promise<TeamConfig> {
    assertName(name, 'member');
    const values = parseInput(memberProfilePatchSchema, profile, 'member profile');
    const details: Record<string, unknown> = { member: name, ...values };
    return this.mutateTeam(team, this.info('team.set-member', undefined, { details }), async (client, teamId, loaded) => {
      const index = loaded.config.members.findIndex((m) => m.name === name);
      if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
      const member = loaded.config.members[index];
      const next: MemberProfile = { ...(member.lockstep ?? {}) };
      for (const key of ['role', 'capabilities', 'wipLimit'] as const) {
        const value = values[key];
        if (value === null) delete next[key];
        else if (value !== undefined) (next as Record<string, unknown>)[key] = value;
      }
      const before = member.lockstep ? { ...member.lockstep } : null;
      if (Object.keys(next).length) member.lockstep = next;
      else delete member.lockstep;
      details.change = { kind: 'set-member', member: name, before, after: member.lockstep ? { ...member.lockstep } : null } satisfies TeamChange;
      delete loaded.memberExtras[index]?.lockstep;
      await this.writeConfig(client, teamId, loaded);
      return loaded.config;
    });
  }

  // ---------------------------------------------------------------- task reads

  async listTasks(team: string, filter: TaskFilter = {}): Promise<TaskList> {
    assertName(team, 'team');
    const f = parseInput(taskFilterSchema, filter, 'filter');
    const loaded = await this.run(async (client) => {
      const teamId = await this.teamId(client, team, null);
      return [...(await this.loadAll(client, team, teamId)).values()] as LoadedTask[];
    });
    const text = f.text?.toLowerCase();
    const tasks = loaded
      .map(withVersion)
      .filter(
        (t) =>
          (!f.status || f.status.includes(t.status)) &&
          (!f.priority || f.priority.includes(t.priority)) &&
          (f.owner === undefined || t.owner === f.owner) &&
          (f.lockedBy === undefined || t.lockedBy === f.lockedBy) &&
          (!text || `${t.id} ${t.subject} ${t.description}`.toLowerCase().includes(text)),
      )
      .sort(
        (a, b) =>
          PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
          (parseTimestamp(a.createdAt) ?? 0) - (parseTimestamp(b.createdAt) ?? 0) ||
          a.id.localeCompare(b.id),
      );
    return { tasks, problems: [] };
  }

  async getTask(team: string, id: string): Promise<VersionedTask> {
    assertName(team, 'team');
    assertName(id, 'task id');
    return this.run(async (client) => {
      const r = await client.query(
        'SELECT t.id, t.raw FROM lockstep_tasks t JOIN lockstep_teams g ON g.id = t.team_id WHERE g.name = $1 AND t.id = $2',
        [team, id],
      );
      if (r.rowCount === 0) throw new NotFoundError(`Task ${id} does not exist in team ${team}.`, { team, taskId: id });
      return withVersion(loadTaskRow(team, r.rows[0]));
    });
  }

  // ---------------------------------------------------------------- task mutations

  async createTask(team: string, input: CreateTaskInput): Promise<VersionedTask> {
    const values = parseInput(createTaskInputSchema, input, 'task');
    return this.mutate(team, this.info('task.create'), (tx) => ops.createTask(tx, values), {
      assumeMissing: values.blockedBy.length === 0,
      mode: values.blockedBy.length ? 'exclusive' : 'share',
    });
  }

  async updateTask(team: string, id: string, patch: UpdateTaskPatch, options: ops.ActorOptions = {}): Promise<VersionedTask> {
    assertName(id, 'task id');
    const values = parseInput(updateTaskPatchSchema, patch, 'update');
    if (Object.keys(values).length === 0) throw new InvalidInputError('Nothing to update: give at least one field to change.');
    checkActor(options.agent);
    const wholeTeam = Boolean(values.addBlockedBy?.length || values.addBlocks?.length || values.status === 'completed');
    return this.mutate(team, this.info('task.update', options.agent, { taskId: id, reason: options.reason }), (tx) => ops.updateTask(tx, id, values, options), {
      preload: [id, ...(values.removeBlockedBy ?? []), ...(values.removeBlocks ?? [])],
      mode: wholeTeam ? 'exclusive' : 'share',
    });
  }

  async claimTask(team: string, id: string, options: ops.ClaimOptions): Promise<VersionedTask> {
    assertName(id, 'task id');
    const claim = this.claimOptions(options);
    return this.mutate(team, this.info('task.claim', claim.agent, { taskId: id, reason: claim.reason }), (tx) => ops.claimTask(tx, id, claim), {
      preload: [id],
    });
  }

  /**
   * The next task: pending, unclaimed, nothing unfinished to wait for, within the member's capabilities and WIP
   * limit; most urgent, then oldest. Rows another claimer holds are skipped (FOR UPDATE SKIP LOCKED), never waited on.
   */
  async claimNextTask(team: string, options: ops.ClaimOptions): Promise<VersionedTask | null> {
    assertName(team, 'team');
    const claim = this.claimOptions(options);
    const info = this.info('task.claim-next', claim.agent);
    let result: { value: VersionedTask | null } | undefined;
    let opId = randomUUID();
    return this.run(
      async (client) => {
        opId = randomUUID();
        result = undefined;
        await client.query('BEGIN');
        const teamId = await this.teamId(client, team, 'share');
        const m = await client.query('SELECT capabilities, wip_limit FROM lockstep_members WHERE team_id = $1 AND name = $2', [teamId, claim.agent]);
        const member = m.rows[0] as { capabilities: string[] | null; wip_limit: number | null } | undefined;
        let full = false;
        if (member && member.wip_limit !== null) {
          // The member row serializes this agent's own claims, so two of them cannot both pass the limit.
          await client.query('SELECT 1 FROM lockstep_members WHERE team_id = $1 AND name = $2 FOR UPDATE', [teamId, claim.agent]);
          const held = await client.query(
            "SELECT count(*)::int AS n FROM lockstep_tasks WHERE team_id = $1 AND status = 'in_progress' AND locked_by = $2",
            [teamId, claim.agent],
          );
          full = held.rows[0].n >= member.wip_limit;
        }
        let value: VersionedTask | null = null;
        let tx: PgTransaction | null = null;
        if (!full) {
          const r = await client.query(
            `SELECT t.id, t.raw FROM lockstep_tasks t
              WHERE t.team_id = $1 AND t.status = 'pending' AND t.locked_by = ''
                AND NOT EXISTS (SELECT 1 FROM lockstep_tasks b
                                 WHERE b.team_id = t.team_id AND b.id = ANY(t.blocked_by) AND b.status <> 'completed')
                AND ($2::text[] IS NULL OR lockstep_required_tags(t.metadata) <@ $2::text[])
              ORDER BY t.priority_rank DESC, t.created_us, t.id
              LIMIT 1
              FOR UPDATE OF t SKIP LOCKED`,
            [teamId, member ? member.capabilities ?? [] : null],
          );
          if (r.rowCount) {
            const picked = loadTaskRow(team, r.rows[0]);
            const rows = new Map<string, LoadedTask | null>([[picked.task.id, picked]]);
            await this.loadRows(client, team, teamId, picked.task.blockedBy, rows, false);
            tx = new PgTransaction(team, nowTimestamp(), rows, false, false, new Map());
            value = ops.claimTask(tx, picked.task.id, { ...claim, force: false, expectVersion: undefined });
          }
        }
        if (tx) await this.save(client, team, teamId, tx, info, opId);
        else await this.appendJournal(client, teamId, this.entry(team, info, []), opId);
        result = { value };
        await this.commit(client);
        return value;
      },
      this.settle(() => opId, () => result?.value),
    );
  }

  async releaseTask(team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
    assertName(id, 'task id');
    checkActor(options.agent);
    return this.mutate(team, this.info('task.release', options.agent, { taskId: id, reason: options.reason }), (tx) => ops.releaseTask(tx, id, options), {
      preload: [id],
    });
  }

  async completeTask(team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
    assertName(id, 'task id');
    checkActor(options.agent);
    return this.mutate(team, this.info('task.complete', options.agent, { taskId: id, reason: options.reason }), (tx) => ops.completeTask(tx, id, options), {
      mode: 'exclusive',
    });
  }

  async deleteTask(team: string, id: string, options: ops.ActorOptions = {}): Promise<VersionedTask> {
    assertName(id, 'task id');
    checkActor(options.agent);
    return this.mutate(team, this.info('task.delete', options.agent, { taskId: id, reason: options.reason }), (tx) => ops.deleteTask(tx, id, options), {
      mode: 'exclusive',
    });
  }

  async heartbeatTask(team: string, id: string, options: ops.ClaimOptions & { leaseMs: number }): Promise<VersionedTask> {
    assertName(id, 'task id');
    const claim = this.claimOptions(options);
    return this.mutate(team, this.info('task.heartbeat', claim.agent, { taskId: id }), (tx) => ops.heartbeatTask(tx, id, { ...claim, leaseMs: options.leaseMs }), {
      preload: [id],
    });
  }

  async sweepTeam(team: string, request: SweepRequest = {}): Promise<ops.SweepResult> {
    if (request.olderThanMs !== undefined && !(request.olderThanMs >= 0)) {
      throw new InvalidInputError('The age limit of a sweep must be zero or more.');
    }
    return this.mutate(
      team,
      this.info('team.sweep'),
      (tx) => ops.sweepTeam(tx, { olderThanMs: request.olderThanMs, host: this.host, isProcessAlive: ops.isProcessAlive, tempFileAgeMs: 60_000 }),
      { mode: 'exclusive' },
    );
  }

  // ---------------------------------------------------------------- undo

  /** Undoes the actor's last change that is not undone yet (pg-undo.ts). */
  async undoLast(team: string, actor: { name: string; via: string } = this.actor): Promise<{ undone: JournalEntry; tasks: VersionedTask[] }> {
    return undoLast(this.undoAccess(), team, actor);
  }

  /** Undoes or redoes one journaled change by its number, exactly as the folder store does (pg-undo.ts). */
  async undoChange(team: string, seq: number, options: UndoOptions = {}): Promise<UndoneChange> {
    return undoChange(this.undoAccess(), team, seq, options);
  }

  private undoAccess(): UndoAccess {
    return {
      actor: this.actor,
      mutate: (team, info, run, options) => this.mutate(team, info, run, options),
      mutateTeam: (team, info, run) => this.mutateTeam(team, info, run),
      read: (work) => this.run(work),
    };
  }

  // ---------------------------------------------------------------- stall radar

  private diagnoseOptions(request: DoctorRequest): DiagnoseOptions {
    return {
      nowMicros: nowMicros(),
      host: this.host,
      isProcessAlive: ops.isProcessAlive,
      oldClaimMs: request.oldClaimMs ?? 2 * 3_600_000,
      tempFileAgeMs: request.tempFileAgeMs ?? 60_000,
    };
  }

  async doctor(team: string, request: DoctorRequest = {}): Promise<Finding[]> {
    const { tasks } = await this.listTasks(team);
    return diagnose(tasks, [], [], this.diagnoseOptions(request));
  }

  async fixFinding(team: string, findingId: string, request: DoctorRequest = {}): Promise<{ fixed: Finding; task?: VersionedTask }> {
    assertName(team, 'team');
    if (typeof findingId !== 'string' || findingId.length > 600) throw new InvalidInputError('Give the id of a finding from doctor.');
    return this.mutate(
      team,
      this.info('doctor.fix', undefined, { details: { findingId } }),
      (tx) => {
        const { loaded } = tx.allTasks();
        const finding = diagnose(loaded.map((l) => l.task), [], [], this.diagnoseOptions(request)).find((f) => f.id === findingId);
        if (!finding) {
          throw new NotFoundError(`Finding ${findingId} no longer applies in team ${team}: it was fixed or the task moved on. Run doctor again.`, {
            team,
            findingId,
          });
        }
        return { fixed: finding, task: ops.fixTaskFinding(tx, finding) };
      },
      { mode: 'exclusive' },
    );
  }

  private claimOptions(options: ops.ClaimOptions): ops.ClaimOptions {
    assertName(options.agent, 'agent');
    if (options.leaseMs !== undefined && !(options.leaseMs > 0 && options.leaseMs <= 7 * 86_400_000)) {
      throw new InvalidInputError('A lease must be longer than 0 and at most 7 days.');
    }
    if (options.pid !== undefined && !(Number.isInteger(options.pid) && options.pid > 0)) {
      throw new InvalidInputError(`A holder pid must be a positive whole number (got ${options.pid}).`);
    }
    if (options.token !== undefined && !Number.isInteger(options.token)) {
      throw new InvalidInputError('A claim token must be a whole number.');
    }
    return { ...options, host: options.pid !== undefined ? options.host ?? this.host : undefined };
  }
}

function busyRace(team: string, id: string): Error {
  // Cannot happen while the locks hold; reported as a serialization failure so the mutation is retried.
  return Object.assign(new Error(`task ${id} in team ${team} changed under a lock`), { code: '40001' });
}

function safeUserName(): string {
  try {
    const name = os.userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_');
    return name || 'person';
  } catch {
    return 'person';
  }
}

function checkActor(agent: string | undefined): void {
  if (agent !== undefined) assertName(agent, 'agent');
}

function newMember(m: { name: string; user: string; agentType: string }, now: string): Member {
  return { name: m.name, user: m.user, agentId: randomBytes(6).toString('hex'), agentType: m.agentType, joinedAt: now };
}
