import { randomBytes } from 'crypto';
import type { Member, TeamConfig } from '../../shared/domain';
import { CorruptFileError, InvalidInputError } from '../../shared/errors';
import { LosslessNumber, stringifyJson } from '../../shared/json';
import type { MemberProfile } from '../../shared/members';
import { createTeamInputSchema, parseInput, type CreateTeamInput } from '../../shared/schemas';
import { describeSchemaProblem, teamFileSchema } from './clawteam-format';

// ClawTeam's team config (config.json) with no I/O: parsed, written back with unknown fields kept, its members'
// records, Lockstep's member profiles, and a new team's config. The data folder reads and writes the file
// (folder/team-config.ts); the database keeps the same text in a row.

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
 * A team config as parsed JSON (`json`, from parseJson: budgetCents may be a LosslessNumber, kept as written), checked
 * against ClawTeam's schema: CORRUPT_FILE naming `where` when it is not one. Member profiles kept in the config by
 * older Lockstep versions (a `lockstep` key in each member) are read too; both backends read configs here.
 */
export function parseTeamConfig(json: unknown, where: string): LoadedTeamConfig {
  let rawBudget: LosslessNumber | undefined;
  if (json && typeof json === 'object' && (json as Record<string, unknown>).budgetCents instanceof LosslessNumber) {
    rawBudget = (json as Record<string, unknown>).budgetCents as LosslessNumber;
    (json as Record<string, unknown>).budgetCents = Number(rawBudget.text);
  }
  const parsed = teamFileSchema.safeParse(json);
  if (!parsed.success) throw new CorruptFileError(where, `not a team config (${describeSchemaProblem(parsed.error)})`);
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

/** A team config's text (a database row's copy of config.json), read as parseTeamConfig reads the file. */
export function parseTeamConfigText(text: string, where: string): LoadedTeamConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CorruptFileError(where, `not valid JSON (${(err as Error).message})`);
  }
  return parseTeamConfig(json, where);
}

/** The members of Lockstep's profiles file (members.json) as parsed JSON; CORRUPT_FILE naming `where` otherwise. */
export function parseProfiles(json: unknown, where: string): Record<string, MemberProfile> {
  const members = json && typeof json === 'object' ? (json as { members?: unknown }).members : undefined;
  if (!isProfile(members)) throw new CorruptFileError(where, 'not a member profile file (no "members" object)');
  const out: Record<string, MemberProfile> = {};
  for (const [name, profile] of Object.entries(members as Record<string, unknown>)) if (isProfile(profile)) out[name] = profile;
  return out;
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
