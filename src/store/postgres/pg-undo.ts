import type { PoolClient } from 'pg';
import type { VersionedTask } from '../../shared/domain';
import { AlreadyExistsError, InvalidInputError, NotFoundError, teamNotFound } from '../../shared/errors';
import { assertName } from '../../shared/names';
import type { JournalEntry } from '../core/journal-format';
import { serializeTeamConfig, type LoadedTeamConfig } from '../core/team-format';
import { applyMemberChange, inverseOf, refuseTeamUndo, refuseUndoCreate, refuseUndoneTwice, teamChangeOf } from '../core/team-undo';
import type { MutationInfo } from '../core/transaction';
import * as ops from '../core/task-ops';
import type { PgTransaction, TaskMutationOptions } from './pg-transaction';
import { trashTeam } from './pg-trash';
import { writeMembers } from './rows';
import type { Actor } from '../../shared/model';
import type { UndoChangeOptions, UndoneChange } from '../core/store-api';

/**
 * Undo on the database: the folder store's undoLast and undoChange (store.ts), with the same results, refusals and
 * journal entries. The journal is read inside the transaction that holds the team row FOR UPDATE, so nobody can
 * change the team between the check ("nobody else changed it since") and the change; the change, its journal entry
 * and the NOTIFY commit together (mutate / mutateTeam, pg-mutate.ts).
 */

/** What undo needs of PostgresStore (its transaction drivers, pg-mutate.ts). */
export interface UndoAccess {
  actor: Actor;
  mutate<T>(team: string, info: MutationInfo, run: (tx: PgTransaction) => T, options?: TaskMutationOptions): Promise<T>;
  mutateTeam<T>(
    team: string,
    info: MutationInfo,
    run: (client: PoolClient, teamId: string, loaded: LoadedTeamConfig) => Promise<T>,
  ): Promise<T>;
  read<T>(work: (client: PoolClient) => Promise<T>): Promise<T>;
}

const parse = (rows: Array<{ line: string }>): JournalEntry[] => rows.map((row) => JSON.parse(row.line) as JournalEntry);

/** Entry `seq` of the team's journal and every entry after it, oldest first. */
async function entryAndLater(
  client: PoolClient,
  team: string,
  teamId: string,
  seq: number,
): Promise<{ entry: JournalEntry; later: JournalEntry[] }> {
  const r = await client.query('SELECT line FROM lockstep_journal WHERE team_id = $1 AND seq >= $2 ORDER BY seq', [teamId, seq]);
  const entries = parse(r.rows);
  if (entries.length === 0 || entries[0].seq !== seq) {
    throw new NotFoundError(`That change (#${seq}) is no longer in team ${team}'s journal, so it cannot be undone.`, { team, seq });
  }
  return { entry: entries[0], later: entries.slice(1) };
}

/** Undoes the last change `actor` made that is not undone yet (lockstep undo). */
export async function undoLast(access: UndoAccess, team: string, actor: Actor): Promise<{ undone: JournalEntry; tasks: VersionedTask[] }> {
  assertName(team, 'team');
  let journal: JournalEntry[] = [];
  return access.mutate(team, { op: 'task.undo', actor: actor.name, via: actor.via }, (tx) => ops.undoLastEntry(tx, journal, actor), {
    mode: 'exclusive',
    beforeRun: async (client, teamId) => {
      journal = parse((await client.query('SELECT line FROM lockstep_journal WHERE team_id = $1 ORDER BY seq', [teamId])).rows);
    },
  });
}

/**
 * Undoes (or, for an entry that is itself an undo, redoes) one journal entry named by its number, as the folder's
 * undoChange does: task changes through undoEntry's conflict check; team and member changes by applying their
 * inverse after checking the team is as the change left it; a team's creation by moving the team to the trash.
 * `trusted` are the undoer's own entries: they never count as "somebody changed it since".
 */
export async function undoChange(access: UndoAccess, team: string, seq: number, options: UndoChangeOptions = {}): Promise<UndoneChange> {
  assertName(team, 'team');
  if (!Number.isInteger(seq) || seq < 1) throw new InvalidInputError('Name a change by its number in the team journal.');
  const actor = options.actor ?? access.actor;
  const trusted = options.trusted ?? new Set<number>();
  const op = (kind: 'task' | 'team') => `${kind}.${options.redo ? 'redo' : 'undo'}`;
  // Which kind of change it is decides the transaction; it is looked up again inside it.
  const first = await access.read(async (client) => {
    const t = await client.query('SELECT id FROM lockstep_teams WHERE name = $1', [team]);
    if (t.rowCount === 0) throw teamNotFound(team);
    return (await entryAndLater(client, team, String(t.rows[0].id), seq)).entry;
  });

  if (first.op === 'team.create') {
    // Undoing a team's creation deletes it into the trash (restoreTeam brings it back), unless somebody else has
    // worked in it since.
    const info: MutationInfo = { op: 'team.delete', actor: actor.name, via: actor.via, details: { name: team } };
    return access.mutateTeam(team, info, async (client, teamId) => {
      const { entry, later } = await entryAndLater(client, team, teamId, seq);
      refuseUndoCreate(team, entry, later, trusted);
      const { trash } = await trashTeam(client, teamId, team, actor.name);
      return { undone: entry, tasks: [], team, trash };
    });
  }

  const change = teamChangeOf(first);
  if (first.tasks.length > 0 || !change) {
    let found: { entry: JournalEntry; later: JournalEntry[] } | undefined;
    return access.mutate(
      team,
      { op: op('task'), actor: actor.name, via: actor.via, solo: true },
      (tx) => {
        const { entry, later } = found as { entry: JournalEntry; later: JournalEntry[] };
        const tasks = ops.undoEntry(tx, entry, later, { trusted });
        tx.annotate({ details: { undoes: entry.seq }, taskId: entry.taskId });
        return { undone: entry, tasks, team };
      },
      {
        mode: 'exclusive',
        beforeRun: async (client, teamId) => {
          found = await entryAndLater(client, team, teamId, seq);
        },
      },
    );
  }

  const inverse = inverseOf(change);
  const details: Record<string, unknown> = { undoes: seq, change: inverse, ...('member' in inverse ? { member: inverse.member } : {}) };
  const journalTeam = inverse.kind === 'rename' ? inverse.to : team;
  const info: MutationInfo = { op: op('team'), actor: actor.name, via: actor.via, details, journalTeam };
  return access.mutateTeam(team, info, async (client, teamId, loaded) => {
    const { entry, later } = await entryAndLater(client, team, teamId, seq);
    refuseUndoneTwice(entry, later);
    if (inverse.kind === 'rename') {
      if ((await client.query('SELECT 1 FROM lockstep_teams WHERE name = $1', [inverse.to])).rowCount) {
        refuseTeamUndo(`The name ${inverse.to}`, inverse, entry, later, trusted);
      }
      loaded.config.name = inverse.to;
      try {
        await client.query('UPDATE lockstep_teams SET name = $2, config_raw = $3 WHERE id = $1', [
          teamId,
          inverse.to,
          serializeTeamConfig(loaded),
        ]);
      } catch (err) {
        // Taken by somebody else just now: the unique name says so.
        if ((err as { code?: string }).code === '23505')
          throw new AlreadyExistsError(`A team named ${inverse.to} already exists.`, { team: inverse.to });
        throw err;
      }
      return { undone: entry, tasks: [], config: loaded.config, team: inverse.to };
    }
    if (inverse.kind === 'display-name') {
      const now = (await client.query('SELECT display_name FROM lockstep_teams WHERE id = $1', [teamId])).rows[0]?.display_name ?? null;
      if (now !== inverse.before) refuseTeamUndo(`Team ${team}'s display name`, inverse, entry, later, trusted);
      await client.query('UPDATE lockstep_teams SET display_name = $2 WHERE id = $1', [teamId, inverse.after]);
      return { undone: entry, tasks: [], config: loaded.config, team };
    }
    applyMemberChange(loaded, inverse, entry, later, trusted);
    await client.query('UPDATE lockstep_teams SET config_raw = $2 WHERE id = $1', [teamId, serializeTeamConfig(loaded)]);
    await writeMembers(client, teamId, loaded.config);
    return { undone: entry, tasks: [], config: loaded.config, team };
  });
}
