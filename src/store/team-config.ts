import { randomBytes } from 'crypto';
import * as path from 'path';
import type { Member, TeamConfig } from '../shared/domain';
import { CorruptFileError, InvalidInputError, UnsafePathError } from '../shared/errors';
import { decodeUtf8, JsonProblem, LosslessNumber, parseJson, stringifyJson } from '../shared/json';
import type { MemberProfile } from '../shared/members';
import { createTeamInputSchema, parseInput, type CreateTeamInput } from '../shared/schemas';
import { describeSchemaProblem, teamFileSchema } from './clawteam-format';
import { assertNoLinks, readBounded, unlinkInside } from './safe-fs';
import { MAX_FILE_BYTES, MAX_JSON_DEPTH, writeFileDurably } from './task-files';

/** A team's config.json as read, with the fields we do not know kept for the rewrite. */
export interface LoadedTeamConfig {
  config: TeamConfig;
  extra: Record<string, unknown>;
  memberExtras: Array<Record<string, unknown>>;
  /** budgetCents exactly as written (`500.0`), printed back while the value is unchanged. */
  rawBudget?: LosslessNumber;
}

const TEAM_FIELDS = ['name', 'description', 'leadAgentId', 'createdAt', 'members', 'budgetCents'] as const;
const MEMBER_FIELDS = ['name', 'user', 'agentId', 'agentType', 'joinedAt'] as const;

function split<K extends string>(obj: Record<string, unknown>, known: readonly K[]) {
  const picked: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) ((known as readonly string[]).includes(k) ? picked : extra)[k] = v;
  return { picked, extra };
}

function isProfile(value: unknown): value is MemberProfile {
  return !!value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof LosslessNumber);
}

/**
 * Reads a JSON file of the data folder (no link followed, size and depth capped): undefined when missing,
 * UNSAFE_PATH for a link, CORRUPT_FILE when unreadable.
 */
export function readJsonFile(root: string, filePath: string): unknown {
  assertNoLinks(root, filePath, 'file');
  const read = readBounded(filePath, MAX_FILE_BYTES);
  if (read.kind === 'missing') return undefined;
  if (read.kind === 'problem') {
    if (read.unsafe) throw new UnsafePathError(filePath, read.reason);
    throw new CorruptFileError(filePath, read.reason);
  }
  try {
    return parseJson(decodeUtf8(read.bytes), MAX_JSON_DEPTH);
  } catch (err) {
    if (err instanceof JsonProblem) throw new CorruptFileError(filePath, err.message);
    throw err;
  }
}

/**
 * Reads a team config; undefined when missing, CORRUPT_FILE when unreadable. Member profiles kept in the config
 * by older Lockstep versions (a `lockstep` key in each member) are read as a fallback; the profiles file beside the
 * journal (see readProfiles) wins.
 */
export function readTeamConfig(root: string, filePath: string): LoadedTeamConfig | undefined {
  const json = readJsonFile(root, filePath);
  if (json === undefined) return undefined;
  let rawBudget: LosslessNumber | undefined;
  if (json && typeof json === 'object' && (json as Record<string, unknown>).budgetCents instanceof LosslessNumber) {
    rawBudget = (json as Record<string, unknown>).budgetCents as LosslessNumber;
    (json as Record<string, unknown>).budgetCents = Number(rawBudget.text);
  }
  const parsed = teamFileSchema.safeParse(json);
  if (!parsed.success) throw new CorruptFileError(filePath, `not a team config (${describeSchemaProblem(parsed.error)})`);
  const { picked, extra } = split(parsed.data as Record<string, unknown>, TEAM_FIELDS);
  const memberExtras: Array<Record<string, unknown>> = [];
  const members = (picked.members as Array<Record<string, unknown>>).map((m) => {
    const s = split(m, MEMBER_FIELDS);
    memberExtras.push(s.extra);
    const member = s.picked as unknown as Member;
    if (isProfile(s.extra.lockstep)) member.lockstep = s.extra.lockstep;
    return member;
  });
  return { config: { ...(picked as unknown as TeamConfig), members }, extra, memberExtras, rawBudget };
}

/** ClawTeam's fields in its order, unknown fields kept. Member profiles are not written here (see writeProfiles). */
export function serializeTeamConfig(loaded: LoadedTeamConfig): string {
  const { config, extra, memberExtras, rawBudget } = loaded;
  const members = config.members.map((m, i) => ({
    name: m.name,
    user: m.user,
    agentId: m.agentId,
    agentType: m.agentType,
    joinedAt: m.joinedAt,
    ...(memberExtras[i] ?? {}),
  }));
  return stringifyJson(
    {
      name: config.name,
      description: config.description,
      leadAgentId: config.leadAgentId,
      createdAt: config.createdAt,
      members,
      budgetCents: rawBudget && Number(rawBudget.text) === config.budgetCents ? rawBudget : config.budgetCents,
      ...extra,
    },
    2,
  );
}

export function writeTeamConfig(root: string, filePath: string, loaded: LoadedTeamConfig): void {
  writeFileDurably(root, filePath, serializeTeamConfig(loaded));
}

// ------------------------------------------------------------------ member profiles

/**
 * Lockstep's member profiles live in `tasks/<team>/.lockstep/members.json`, a file of Lockstep's own beside the
 * journal: ClawTeam rewrites config.json wholesale and drops member fields it does not know.
 */
export function profilesPath(lockstepDir: string): string {
  return path.join(lockstepDir, 'members.json');
}

export function readProfiles(root: string, lockstepDir: string): Record<string, MemberProfile> {
  const json = readJsonFile(root, profilesPath(lockstepDir));
  if (json === undefined) return {};
  const members = json && typeof json === 'object' ? (json as { members?: unknown }).members : undefined;
  if (!isProfile(members)) throw new CorruptFileError(profilesPath(lockstepDir), 'not a member profile file (no "members" object)');
  const out: Record<string, MemberProfile> = {};
  for (const [name, profile] of Object.entries(members as Record<string, unknown>)) if (isProfile(profile)) out[name] = profile;
  return out;
}

export function writeProfiles(root: string, lockstepDir: string, profiles: Record<string, MemberProfile>): void {
  writeFileDurably(root, profilesPath(lockstepDir), stringifyJson({ version: 1, members: profiles }, 2));
}

/** Puts each member's profile on it: the profiles file wins, an old `lockstep` key in config.json is the fallback. */
export function applyProfiles(config: TeamConfig, profiles: Record<string, MemberProfile>): TeamConfig {
  for (const member of config.members) {
    const profile = Object.prototype.hasOwnProperty.call(profiles, member.name) ? profiles[member.name] : member.lockstep;
    if (profile && Object.keys(profile).length) member.lockstep = profile;
    else delete member.lockstep;
  }
  return config;
}

/** One member as it is written in config.json (ClawTeam's fields, fields we do not know, Lockstep's profile). */
export function memberRecord(loaded: LoadedTeamConfig, index: number): Record<string, unknown> {
  const m = loaded.config.members[index];
  return {
    name: m.name,
    user: m.user,
    agentId: m.agentId,
    agentType: m.agentType,
    joinedAt: m.joinedAt,
    ...(loaded.memberExtras[index] ?? {}),
    ...(m.lockstep ? { lockstep: m.lockstep } : {}),
  };
}

/** Puts a member written by memberRecord back at `index` (or the end), fields we do not know included. */
export function insertMemberRecord(loaded: LoadedTeamConfig, record: Record<string, unknown>, index: number): void {
  const { picked, extra } = split(record, MEMBER_FIELDS);
  const member = picked as unknown as Member;
  const profile = extra.lockstep;
  delete extra.lockstep;
  if (profile && typeof profile === 'object' && !Array.isArray(profile)) member.lockstep = profile as Member['lockstep'];
  const at = Math.max(0, Math.min(index, loaded.config.members.length));
  loaded.config.members.splice(at, 0, member);
  loaded.memberExtras.splice(at, 0, extra);
}

/** A new member's record (a fresh agent id), as both stores add one; a display name goes in its profile. */
export function newMember(m: { name: string; user: string; agentType: string; displayName?: string }, now: string): Member {
  const member: Member = { name: m.name, user: m.user, agentId: randomBytes(6).toString('hex'), agentType: m.agentType, joinedAt: now };
  if (m.displayName && m.displayName !== m.name) member.lockstep = { displayName: m.displayName };
  return member;
}

// ------------------------------------------------------------------ the team's display name

/**
 * What people call a team whose name is a short one made from it ("Marketing Launch" for marketing-launch) lives in
 * `tasks/<team>/.lockstep/team.json`, Lockstep's own (ClawTeam rewrites config.json without fields it does not
 * know); it moves with the team on a rename and goes with it to the trash.
 */
export function teamNamesPath(lockstepDir: string): string {
  return path.join(lockstepDir, 'team.json');
}

/** The team's display name, or undefined (none, or a file that cannot be read: the short name shows). */
export function readTeamDisplayName(root: string, lockstepDir: string): string | undefined {
  try {
    const json = readJsonFile(root, teamNamesPath(lockstepDir)) as { displayName?: unknown } | undefined;
    return json && typeof json.displayName === 'string' && json.displayName ? json.displayName : undefined;
  } catch (err) {
    if (err instanceof CorruptFileError || err instanceof UnsafePathError) return undefined;
    throw err;
  }
}

/** Writes the team's display name; null removes it (the short name shows). */
export function writeTeamDisplayName(root: string, lockstepDir: string, displayName: string | null): void {
  if (displayName === null) unlinkInside(root, teamNamesPath(lockstepDir));
  else writeFileDurably(root, teamNamesPath(lockstepDir), stringifyJson({ version: 1, displayName }, 2));
}

/** A new team's input, checked (both backends): its shape, then no member listed twice. */
export function parseNewTeam(input: CreateTeamInput): ReturnType<typeof createTeamInputSchema.parse> {
  const values = parseInput(createTeamInputSchema, input, 'team');
  const names = values.members.map((m) => m.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new InvalidInputError(`Member ${dup} is listed twice.`, { member: dup });
  return values;
}

/** The config of a team made now from checked input (parseNewTeam): its lead is the first member. */
export function newTeamConfig(values: ReturnType<typeof parseNewTeam>, now: string): TeamConfig {
  const members = values.members.map((m) => newMember(m, now));
  return {
    name: values.name,
    description: values.description,
    leadAgentId: members[0]?.agentId ?? '',
    createdAt: now,
    members,
    budgetCents: 0,
  };
}
