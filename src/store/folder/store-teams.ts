import * as fs from 'fs';
import { emptyCounts, inboxName, leaderOf, type FileProblem, type Member, type TeamConfig, type TeamSummary } from '../../shared/domain';
import { AlreadyExistsError, CorruptFileError, InvalidInputError, NotFoundError, teamNotFound, UnsafePathError } from '../../shared/errors';
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
import { readTeamConfig, readTeamDisplayName, writeProfiles, writeTeamConfig, writeTeamDisplayName } from './team-config';
import { applyProfiles, memberRecord, newMember, newTeamConfig, parseNewTeam, type LoadedTeamConfig } from '../core/team-format';
import { patchProfile, type TeamChange } from '../core/team-undo';
import { assertNoLinks, mkdirInside } from './safe-fs';
import type { FolderContext } from './store-context';
import { listTasks } from './store-tasks';
import { moveEntry, removeTree } from './safe-move';

// The folder store's teams and members (LockstepStore delegates here): config.json in ClawTeam's layout, member
// profiles beside the journal, each change inside the team's lock and journaled with what undo needs.

export async function listTeams(ctx: FolderContext): Promise<{ teams: TeamSummary[]; problems: FileProblem[] }> {
  const teams: TeamSummary[] = [];
  const problems: FileProblem[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(ctx.paths.teamsDir());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const name of names.sort()) {
    if (assertSafe(name) === null) continue;
    let loaded: LoadedTeamConfig | undefined;
    try {
      loaded = readTeamConfig(ctx.paths.root, ctx.paths.teamConfig(name));
    } catch (err) {
      if (err instanceof CorruptFileError || err instanceof UnsafePathError) {
        problems.push({ path: String(err.details.path), reason: String(err.details.reason) });
      } else throw err;
      continue;
    }
    if (!loaded) continue;
    const { tasks, problems: taskProblems } = await listTasks(ctx, name);
    const counts = emptyCounts();
    for (const t of tasks) counts[t.status]++;
    problems.push(...taskProblems);
    const displayName = readTeamDisplayName(ctx.paths.root, ctx.paths.lockstepDir(name));
    teams.push({
      name,
      ...(displayName ? { displayName } : {}),
      description: loaded.config.description,
      memberCount: loaded.config.members.length,
      leader: leaderOf(loaded.config)?.name ?? '',
      counts,
    });
  }
  return { teams, problems };
}

export async function getTeam(ctx: FolderContext, team: string): Promise<TeamConfig> {
  const loaded = readTeamConfig(ctx.paths.root, ctx.paths.teamConfig(assertName(team, 'team')));
  if (!loaded) throw teamNotFound(team);
  return applyProfiles(loaded.config, ctx.profiles(team));
}

export async function createTeam(ctx: FolderContext, input: CreateTeamInput): Promise<TeamConfig> {
  const values = parseNewTeam(input);
  return ctx.writer(values.name).mutateDirect(
    ctx.info('team.create', undefined, { details: { name: values.name } }),
    () => {
      const configPath = ctx.paths.teamConfig(values.name);
      if (fs.existsSync(configPath)) throw new AlreadyExistsError(`Team ${values.name} already exists.`, { team: values.name });
      const config = newTeamConfig(values, nowTimestamp());
      mkdirInside(ctx.paths.root, ctx.paths.teamDir(values.name));
      for (const m of config.members) mkdirInside(ctx.paths.root, ctx.paths.inboxDir(values.name, inboxName(m)));
      const loaded = { config, extra: {}, memberExtras: [] };
      writeTeamConfig(ctx.paths.root, configPath, loaded);
      if (config.members.some((m) => m.lockstep)) ctx.saveProfiles(values.name, loaded);
      if (values.displayName && values.displayName !== values.name) {
        writeTeamDisplayName(ctx.paths.root, ctx.paths.lockstepDir(values.name), values.displayName);
      }
      return config;
    },
    true,
  );
}

export async function renameTeam(ctx: FolderContext, team: string, newName: string): Promise<TeamConfig> {
  assertName(team, 'team');
  assertName(newName, 'team');
  if (team === newName) throw new InvalidInputError(`Team ${team} already has that name.`);
  const change: TeamChange = { kind: 'rename', from: team, to: newName };
  return ctx
    .writer(team)
    .mutateDirect(ctx.info('team.rename', undefined, { details: { name: team, newName, change } }), (assertLockHeld) =>
      moveTeam(ctx, team, newName, assertLockHeld),
    );
}

/** Renames a team's folders (inside its lock). */
export function moveTeam(ctx: FolderContext, team: string, newName: string, assertLockHeld: () => void): TeamConfig {
  const loaded = ctx.requireTeam(team);
  assertNoLinks(ctx.paths.root, ctx.paths.teamDir(newName), 'dir');
  assertNoLinks(ctx.paths.root, ctx.paths.tasksDir(newName), 'dir');
  if (fs.existsSync(ctx.paths.teamDir(newName)) || fs.existsSync(ctx.paths.tasksDir(newName))) {
    throw new AlreadyExistsError(`A team named ${newName} already exists.`, { team: newName });
  }
  assertLockHeld(); // the last moment: the lock folder moves with the tasks
  loaded.config.name = newName;
  writeTeamConfig(ctx.paths.root, ctx.paths.teamConfig(team), loaded);
  ctx.fsyncParents();
  moveEntry(ctx.paths.teamDir(team), ctx.paths.teamDir(newName));
  moveEntry(ctx.paths.tasksDir(team), ctx.paths.tasksDir(newName));
  // Our lock folder moved with the tasks; it is ours, so remove it rather than leave it to go stale.
  removeTree(ctx.paths.writeLock(newName));
  ctx.fsyncParents();
  ctx.forgetWriter(team);
  return applyProfiles(loaded.config, ctx.profiles(newName));
}

export async function addMember(ctx: FolderContext, team: string, member: NewMember): Promise<TeamConfig> {
  const values = parseInput(newMemberSchema, member, 'member');
  const details: Record<string, unknown> = { member: values.name };
  return ctx.writer(team).mutateDirect(ctx.info('team.add-member', undefined, { details }), () => {
    const loaded = ctx.requireTeam(team);
    appendMember(ctx, team, loaded, member, details);
    return applyProfiles(loaded.config, ctx.profiles(team));
  });
}

/**
 * Adds a member to `loaded` and saves it, inside the team's lock: ALREADY_EXISTS when that name is a member;
 * `details` (the journal entry's) gets the change undo reverses. Also a join approval's (requests-folder.ts).
 */
export function appendMember(
  ctx: FolderContext,
  team: string,
  loaded: LoadedTeamConfig,
  member: NewMember,
  details: Record<string, unknown>,
): Member {
  const values = parseInput(newMemberSchema, member, 'member');
  if (loaded.config.members.some((m) => m.name === values.name)) {
    throw new AlreadyExistsError(`${values.name} is already a member of team ${team}.`, { team, member: values.name });
  }
  const added = newMember(values, nowTimestamp());
  loaded.config.members.push(added);
  if (!loaded.config.leadAgentId) loaded.config.leadAgentId = added.agentId;
  if (added.lockstep) {
    // A display name is the new member's profile: saved with everybody's (from the file) in Lockstep's own file.
    const profile = added.lockstep;
    applyProfiles(loaded.config, ctx.profiles(team));
    added.lockstep = profile;
    ctx.saveProfiles(team, loaded);
  }
  mkdirInside(ctx.paths.root, ctx.paths.inboxDir(team, inboxName(added)));
  const index = loaded.config.members.length - 1;
  details.change = { kind: 'add-member', member: values.name, record: memberRecord(loaded, index), index } satisfies TeamChange;
  writeTeamConfig(ctx.paths.root, ctx.paths.teamConfig(team), loaded);
  return added;
}

export async function removeMember(ctx: FolderContext, team: string, name: string): Promise<TeamConfig> {
  assertName(name, 'member');
  const details: Record<string, unknown> = { member: name };
  return ctx.writer(team).mutateDirect(ctx.info('team.remove-member', undefined, { details }), () => {
    const loaded = ctx.requireTeam(team);
    const profiles = ctx.profiles(team);
    applyProfiles(loaded.config, profiles); // the record keeps the profile, so undo brings it back too
    const index = loaded.config.members.findIndex((m) => m.name === name);
    if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
    details.change = { kind: 'remove-member', member: name, record: memberRecord(loaded, index), index } satisfies TeamChange;
    loaded.config.members.splice(index, 1);
    loaded.memberExtras.splice(index, 1);
    writeTeamConfig(ctx.paths.root, ctx.paths.teamConfig(team), loaded);
    if (Object.prototype.hasOwnProperty.call(profiles, name)) {
      delete profiles[name];
      writeProfiles(ctx.paths.root, ctx.paths.lockstepDir(team), profiles);
    }
    return applyProfiles(loaded.config, profiles);
  });
}

/** Sets a member's role, capability tags and work-in-progress limit (null clears one). */
export async function setMemberProfile(ctx: FolderContext, team: string, name: string, profile: MemberProfilePatch): Promise<TeamConfig> {
  assertName(name, 'member');
  const values = parseInput(memberProfilePatchSchema, profile, 'member profile');
  const details: Record<string, unknown> = { member: name, ...values };
  return ctx.writer(team).mutateDirect(ctx.info('team.set-member', undefined, { details }), () => {
    const loaded = ctx.requireTeam(team);
    const index = loaded.config.members.findIndex((m) => m.name === name);
    if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
    // Every member's profile (from the file, or migrated from the old place in config.json) goes to
    // Lockstep's own file; ClawTeam rewrites config.json without fields it does not know.
    const config = applyProfiles(loaded.config, ctx.profiles(team));
    const member = config.members[index];
    details.change = patchProfile(member, values);
    ctx.saveProfiles(team, loaded);
    return config;
  });
}

/**
 * Sets what people call the team ("Spring Launch"; null: its name), keeping the name agents use. Journaled with
 * before and after, so undo takes it back.
 */
export async function setTeamDisplayName(ctx: FolderContext, team: string, displayName: string | null): Promise<TeamConfig> {
  assertName(team, 'team');
  const value = displayName === null ? null : parseInput(displayNameSchema, displayName, 'display name');
  const details: Record<string, unknown> = { name: team };
  return ctx.writer(team).mutateDirect(ctx.info('team.set-display-name', undefined, { details }), () => {
    const loaded = ctx.requireTeam(team);
    const before = readTeamDisplayName(ctx.paths.root, ctx.paths.lockstepDir(team)) ?? null;
    const after = value && value !== team ? value : null;
    details.change = { kind: 'display-name', before, after } satisfies TeamChange;
    writeTeamDisplayName(ctx.paths.root, ctx.paths.lockstepDir(team), after);
    return applyProfiles(loaded.config, ctx.profiles(team));
  });
}

/** Sets the team budget (ClawTeam's `budgetCents`, a float; 0 = none) inside the team lock. */
export async function setBudget(ctx: FolderContext, team: string, budgetCents: number): Promise<TeamConfig> {
  if (typeof budgetCents !== 'number' || !Number.isFinite(budgetCents) || budgetCents < 0 || budgetCents > 1e12) {
    throw new InvalidInputError('A budget must be an amount of zero or more dollars (0 removes it).');
  }
  return ctx.writer(team).mutateDirect(ctx.info('team.set-budget', undefined, { details: { budgetCents } }), () => {
    const loaded = ctx.requireTeam(team);
    loaded.config.budgetCents = budgetCents;
    writeTeamConfig(ctx.paths.root, ctx.paths.teamConfig(team), loaded);
    return applyProfiles(loaded.config, ctx.profiles(team));
  });
}

function assertSafe(name: string): string | null {
  try {
    return assertName(name, 'team');
  } catch {
    return null;
  }
}
