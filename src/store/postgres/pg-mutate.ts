import type { PoolClient } from 'pg';
import { teamNotFound } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { nowTimestamp } from '../../shared/time';
import type { JournalEntry, JournalTaskChange } from '../core/journal-format';
import type { LoadedTask } from '../core/task-format';
import { applyProfiles, parseTeamConfigText, serializeTeamConfig, type LoadedTeamConfig } from '../core/team-format';
import { taskChange } from '../core/task-change';
import { type MutationInfo } from '../core/transaction';
import { sendTogether } from './connection';
import type { PgContext } from './pg-context';
import { Need, PgTransaction, type Mode, type TaskMutationOptions } from './pg-transaction';
import { RestartTransaction } from './pg-tx';
import { deleteTaskChecked, insertTask, loadTaskRow, readProfiles, taskParams, updateTaskChecked, writeMembers } from './rows';

/**
 * The transaction core of the database store: one task mutation (`mutate`, run through task-ops in a PgTransaction
 * exactly as the folder store runs it) or one team-level change (`mutateTeam`) is one database transaction, with its
 * row locks and its journal entry (announced by a NOTIFY right after its COMMIT), retried as a whole.
 */

/** The team's row id, its row taken FOR SHARE, FOR UPDATE or not at all; NOT_FOUND when there is no such team. */
export async function teamIdOf(client: PoolClient, team: string, lock: 'share' | 'exclusive' | null): Promise<string> {
  const suffix = lock === 'share' ? ' FOR SHARE' : lock === 'exclusive' ? ' FOR UPDATE' : '';
  const r = await client.query(`SELECT id FROM lockstep_teams WHERE name = $1${suffix}`, [team]);
  if (r.rowCount === 0) throw teamNotFound(team);
  return String(r.rows[0].id);
}

export async function loadRows(
  client: PoolClient,
  team: string,
  teamId: string,
  ids: string[],
  rows: Map<string, LoadedTask | null>,
  lock: boolean,
): Promise<void> {
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
async function lockTeamAndRows(
  client: PoolClient,
  team: string,
  ids: string[],
): Promise<{ teamId: string; rows: Map<string, LoadedTask | null> }> {
  const wanted = [...new Set(ids)].sort();
  const r = await client.query({
    name: 'lockstep_lock_rows',
    text: `SELECT g.id AS team_id, t.id, t.raw
             FROM (SELECT id FROM lockstep_teams WHERE name = $1 FOR SHARE) g
             LEFT JOIN LATERAL (SELECT id, raw FROM lockstep_tasks WHERE team_id = g.id AND id = ANY($2::text[]) ORDER BY id FOR UPDATE) t ON true`,
    values: [team, wanted],
  });
  if (r.rowCount === 0) throw teamNotFound(team);
  const rows = new Map<string, LoadedTask | null>(wanted.map((id) => [id, null]));
  for (const row of r.rows) if (row.id !== null) rows.set(row.id, loadTaskRow(team, row));
  return { teamId: String(r.rows[0].team_id), rows };
}

export async function loadAll(client: PoolClient, team: string, teamId: string): Promise<Map<string, LoadedTask | null>> {
  const r = await client.query('SELECT id, raw FROM lockstep_tasks WHERE team_id = $1', [teamId]);
  return new Map(r.rows.map((row) => [row.id as string, loadTaskRow(team, row)]));
}

async function findWriter(client: PoolClient, teamId: string, taskId: string, version: string): Promise<JournalEntry | null> {
  const r = await client.query(
    'SELECT line FROM lockstep_journal WHERE team_id = $1 AND task_ids @> ARRAY[$2::text] ORDER BY seq DESC LIMIT 200',
    [teamId, taskId],
  );
  for (const row of r.rows) {
    const entry = JSON.parse(row.line) as JournalEntry;
    if (entry.tasks.some((t) => t.id === taskId && t.versionAfter === version)) return entry;
  }
  return null;
}

/** One task mutation: one transaction, run through task-ops exactly as the folder store runs it. */
export async function mutate<T>(
  ctx: PgContext,
  team: string,
  info: MutationInfo,
  run: (tx: PgTransaction) => T,
  options: TaskMutationOptions = {},
): Promise<T> {
  assertName(team, 'team');
  return ctx.transact(
    async (client, opId, restarts, begun) => {
      // Needing the whole team, a share-mode attempt starts again holding the team row exclusively.
      const mode: Mode = restarts > 0 ? 'exclusive' : (options.mode ?? 'share');
      // BEGIN and the first read go out together (the connections pipeline: connection.ts).
      const first =
        mode === 'share' && options.preload?.length
          ? lockTeamAndRows(client, team, options.preload)
          : teamIdOf(client, team, mode).then((id) => ({ teamId: id, rows: null }));
      const [, locked] = await Promise.all([begun, first]);
      const teamId = locked.teamId;
      const rows = locked.rows ?? (mode === 'exclusive' ? await loadAll(client, team, teamId) : new Map<string, LoadedTask | null>());
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
          if (ids) await loadRows(client, team, teamId, ids, rows, true);
          if (who) writers.set(`${who.taskId}@${who.version}`, await findWriter(client, teamId, who.taskId, who.version));
        }
      }
      if (upgrade) throw new RestartTransaction(); // rolled back, then again from BEGIN in exclusive mode
      await save(ctx, client, team, teamId, tx!, info, opId);
      return value!;
    },
    { together: true },
  );
}

/**
 * Sends the transaction's staged rows (each checked against the version it was read at) and its journal entry
 * without waiting for their answers: PgContext.commit sends COMMIT behind them and reports the first failure, so the
 * row locks taken by the first read are held for one round trip more, not one per statement.
 */
export async function save(
  ctx: PgContext,
  client: PoolClient,
  team: string,
  teamId: string,
  tx: PgTransaction,
  info: MutationInfo,
  opId: string,
): Promise<void> {
  const changes: JournalTaskChange[] = [];
  sendTogether(client); // with the COMMIT that follows in this tick (PgContext.commit)
  for (const [id, staged] of tx.overlay) {
    const before = tx.seen.get(id) ?? null;
    if (staged.kind === 'write') {
      const params = taskParams(teamId, staged.loaded.task, staged.loaded.extra, staged.raw, staged.loaded.version);
      ctx.queue(client, before ? updateTaskChecked(client, params, before.version) : insertTask(client, params));
    } else if (before) {
      ctx.queue(client, deleteTaskChecked(client, teamId, id, before.version));
    }
    const change = taskChange(id, before, staged.kind === 'write' ? staged.loaded : null);
    if (change) changes.push(change);
  }
  const { solo: _solo, ...merged } = { ...info, ...tx.notes };
  void ctx.queueJournal(client, teamId, ctx.entry(team, merged, changes), opId);
}

/** A team-level change (config, members): the team row FOR UPDATE, journaled without task changes. */
export async function mutateTeam<T>(
  ctx: PgContext,
  team: string,
  info: MutationInfo,
  run: (client: PoolClient, teamId: string, loaded: LoadedTeamConfig) => Promise<T>,
): Promise<T> {
  assertName(team, 'team');
  return ctx.transact(async (client, opId) => {
    const r = await client.query('SELECT id, config_raw FROM lockstep_teams WHERE name = $1 FOR UPDATE', [team]);
    if (r.rowCount === 0) throw teamNotFound(team);
    const teamId = String(r.rows[0].id);
    const loaded = parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`);
    applyProfiles(loaded.config, await readProfiles(client, teamId));
    const value = await run(client, teamId, loaded);
    const journalTeam = info.journalTeam ?? (info.op === 'team.rename' ? String(info.details?.newName) : team);
    await ctx.appendJournal(client, teamId, ctx.entry(journalTeam, info, []), opId);
    return value;
  });
}

export async function writeConfig(client: PoolClient, teamId: string, loaded: LoadedTeamConfig): Promise<void> {
  await client.query('UPDATE lockstep_teams SET config_raw = $2 WHERE id = $1', [teamId, serializeTeamConfig(loaded)]);
  await writeMembers(client, teamId, loaded.config);
}
