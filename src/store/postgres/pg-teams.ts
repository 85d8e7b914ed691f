import type { PoolClient } from 'pg';
import { emptyCounts, leaderOf, type FileProblem, type TeamConfig, type TeamSummary } from '../../shared/domain';
import { AlreadyExistsError, InvalidInputError, NotFoundError, teamNotFound } from '../../shared/errors';
import { assertName } from '../../shared/names';
import {
  displayNameSchema,
  memberProfilePatchSchema,
  newMemberSchema,
  parseInput,
  type CreateTeamInput,
  type NewMember,
  type MemberProfilePatch,
} from '../../shared/schemas';
import { nowTimestamp } from '../../shared/time';
import {
  applyProfiles,
  memberRecord,
  newMember,
  newTeamConfig,
  parseNewTeam,
  serializeTeamConfig,
  type LoadedTeamConfig,
} from '../core/team-format';
import { patchProfile, type TeamChange } from '../core/team-undo';
import type { PgContext } from './pg-context';
import { mutateTeam, writeConfig } from './pg-mutate';
import { checkTrashId, notTrashed, trashTeam, untrashTeam } from './pg-trash';
import { readProfiles, writeMembers } from './rows';
import { parseTeamConfigText } from '../core/team-format';
import type { DeletedTeam } from '../../shared/model';

// Teams and members on the database (PostgresStore's team methods): reads, create, rename, delete into the trash and
// restore, budget, members and their profiles. Each change is one transaction (mutateTeam, or its own for create
// and restore), journaled in the team's journal.

export async function listTeams(ctx: PgContext): Promise<{ teams: TeamSummary[]; problems: FileProblem[] }> {
  return ctx.run(async (client) => {
    const teams = await client.query(
      `SELECT id, name, config_raw, display_name FROM lockstep_teams t WHERE ${notTrashed('t')} ORDER BY name`,
    );
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
        ...(row.display_name ? { displayName: row.display_name as string } : {}),
        description: loaded.config.description,
        memberCount: loaded.config.members.length,
        leader: leaderOf(loaded.config)?.name ?? '',
        counts: c,
      });
    }
    return { teams: out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), problems };
  });
}

export async function getTeam(ctx: PgContext, team: string): Promise<TeamConfig> {
  assertName(team, 'team');
  return ctx.run(async (client) => {
    const r = await client.query('SELECT id, config_raw FROM lockstep_teams WHERE name = $1', [team]);
    if (r.rowCount === 0) throw teamNotFound(team);
    const { config } = parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`);
    return applyProfiles(config, await readProfiles(client, String(r.rows[0].id)));
  });
}

export async function createTeam(ctx: PgContext, input: CreateTeamInput): Promise<TeamConfig> {
  const values = parseNewTeam(input);
  const info = ctx.info('team.create', undefined, { details: { name: values.name } });
  return ctx.transact(async (client, opId) => {
    const config = newTeamConfig(values, nowTimestamp());
    const inserted = await client.query(
      'INSERT INTO lockstep_teams (name, config_raw, display_name) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id',
      [
        values.name,
        serializeTeamConfig({ config, extra: {}, memberExtras: [] }),
        values.displayName && values.displayName !== values.name ? values.displayName : null,
      ],
    );
    if (inserted.rowCount === 0) throw new AlreadyExistsError(`Team ${values.name} already exists.`, { team: values.name });
    const teamId = String(inserted.rows[0].id);
    await writeMembers(client, teamId, config);
    await ctx.appendJournal(client, teamId, ctx.entry(values.name, info, []), opId);
    return config;
  });
}

export async function renameTeam(ctx: PgContext, team: string, newName: string): Promise<TeamConfig> {
  assertName(team, 'team');
  assertName(newName, 'team');
  if (team === newName) throw new InvalidInputError(`Team ${team} already has that name.`);
  return mutateTeam(
    ctx,
    team,
    ctx.info('team.rename', undefined, {
      details: { name: team, newName, change: { kind: 'rename', from: team, to: newName } satisfies TeamChange },
    }),
    async (client, teamId, loaded) => {
      const taken = await client.query('SELECT 1 FROM lockstep_teams WHERE name = $1', [newName]);
      if (taken.rowCount) throw new AlreadyExistsError(`A team named ${newName} already exists.`, { team: newName });
      loaded.config.name = newName;
      await client.query('UPDATE lockstep_teams SET name = $2, config_raw = $3 WHERE id = $1', [
        teamId,
        newName,
        serializeTeamConfig(loaded),
      ]);
      return loaded.config;
    },
  );
}

/**
 * Moves the team into the database's trash (pg-trash.ts) with its tasks, members, journal, messages and costs;
 * `trash` names it for restoreTeam. Journaled (team.delete) in the deleted team's journal, as in a data folder.
 */
export async function deleteTeam(ctx: PgContext, team: string): Promise<DeletedTeam> {
  return mutateTeam(ctx, team, ctx.info('team.delete', undefined, { details: { name: team } }), async (client, teamId) => ({
    team,
    ...(await trashTeam(client, teamId, team, ctx.actor.name)),
  }));
}

/** Brings a deleted team back from the trash, unless a team of that name exists again (ALREADY_EXISTS). */
export async function restoreTeam(ctx: PgContext, trash: string): Promise<TeamConfig> {
  checkTrashId(trash);
  return ctx.transact(async (client, opId) => {
    const { teamId, team } = await untrashTeam(client, trash);
    const r = await client.query('SELECT config_raw FROM lockstep_teams WHERE id = $1', [teamId]);
    const config = applyProfiles(
      parseTeamConfigText(r.rows[0].config_raw, `postgres:${team}/config.json`).config,
      await readProfiles(client, teamId),
    );
    await ctx.appendJournal(
      client,
      teamId,
      ctx.entry(team, ctx.info('team.restore', undefined, { details: { name: team, trash } }), []),
      opId,
    );
    return config;
  });
}

/** Sets what people call the team (null: its name), keeping the name agents use; undoable. */
export async function setTeamDisplayName(ctx: PgContext, team: string, displayName: string | null): Promise<TeamConfig> {
  assertName(team, 'team');
  const value = displayName === null ? null : parseInput(displayNameSchema, displayName, 'display name');
  const details: Record<string, unknown> = { name: team };
  return mutateTeam(ctx, team, ctx.info('team.set-display-name', undefined, { details }), async (client, teamId, loaded) => {
    const r = await client.query('SELECT display_name FROM lockstep_teams WHERE id = $1', [teamId]);
    const before = (r.rows[0]?.display_name as string | null) ?? null;
    const after = value && value !== team ? value : null;
    details.change = { kind: 'display-name', before, after } satisfies TeamChange;
    await client.query('UPDATE lockstep_teams SET display_name = $2 WHERE id = $1', [teamId, after]);
    return loaded.config;
  });
}

/** Sets the team budget (ClawTeam's `budgetCents`, a float; 0 = none) in its config, one transaction. */
export async function setBudget(ctx: PgContext, team: string, budgetCents: number): Promise<TeamConfig> {
  if (typeof budgetCents !== 'number' || !Number.isFinite(budgetCents) || budgetCents < 0 || budgetCents > 1e12) {
    throw new InvalidInputError('A budget must be an amount of zero or more dollars (0 removes it).');
  }
  return mutateTeam(ctx, team, ctx.info('team.set-budget', undefined, { details: { budgetCents } }), async (client, teamId, loaded) => {
    loaded.config.budgetCents = budgetCents;
    await writeConfig(client, teamId, loaded);
    return loaded.config;
  });
}

export async function addMember(ctx: PgContext, team: string, member: NewMember): Promise<TeamConfig> {
  const values = parseInput(newMemberSchema, member, 'member');
  const details: Record<string, unknown> = { member: values.name };
  return mutateTeam(ctx, team, ctx.info('team.add-member', undefined, { details }), (client, teamId, loaded) =>
    appendMember(client, team, teamId, loaded, member, details),
  );
}

/**
 * Adds a member inside a team change (mutateTeam): ALREADY_EXISTS when that name is a member; `details` (the journal
 * entry's) gets the change that undo reverses. Also the stall radar's stranger-inbox fix (pg-doctor.ts).
 */
export async function appendMember(
  client: PoolClient,
  team: string,
  teamId: string,
  loaded: LoadedTeamConfig,
  member: NewMember,
  details: Record<string, unknown>,
): Promise<TeamConfig> {
  const values = parseInput(newMemberSchema, member, 'member');
  if (loaded.config.members.some((m) => m.name === values.name)) {
    throw new AlreadyExistsError(`${values.name} is already a member of team ${team}.`, { team, member: values.name });
  }
  const added = newMember(values, nowTimestamp());
  loaded.config.members.push(added);
  if (!loaded.config.leadAgentId) loaded.config.leadAgentId = added.agentId;
  const index = loaded.config.members.length - 1;
  details.change = { kind: 'add-member', member: values.name, record: memberRecord(loaded, index), index } satisfies TeamChange;
  await writeConfig(client, teamId, loaded);
  return loaded.config;
}

export async function removeMember(ctx: PgContext, team: string, name: string): Promise<TeamConfig> {
  assertName(name, 'member');
  const details: Record<string, unknown> = { member: name };
  return mutateTeam(ctx, team, ctx.info('team.remove-member', undefined, { details }), async (client, teamId, loaded) => {
    const index = loaded.config.members.findIndex((m) => m.name === name);
    if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
    // The record keeps the profile (mutateTeam applied it), so undo brings it back too.
    details.change = { kind: 'remove-member', member: name, record: memberRecord(loaded, index), index } satisfies TeamChange;
    loaded.config.members.splice(index, 1);
    loaded.memberExtras.splice(index, 1);
    await writeConfig(client, teamId, loaded);
    return loaded.config;
  });
}

export async function setMemberProfile(ctx: PgContext, team: string, name: string, profile: MemberProfilePatch): Promise<TeamConfig> {
  assertName(name, 'member');
  const values = parseInput(memberProfilePatchSchema, profile, 'member profile');
  const details: Record<string, unknown> = { member: name, ...values };
  return mutateTeam(ctx, team, ctx.info('team.set-member', undefined, { details }), async (client, teamId, loaded) => {
    const index = loaded.config.members.findIndex((m) => m.name === name);
    if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
    const member = loaded.config.members[index];
    details.change = patchProfile(member, values);
    delete loaded.memberExtras[index]?.lockstep;
    await writeConfig(client, teamId, loaded);
    return loaded.config;
  });
}
