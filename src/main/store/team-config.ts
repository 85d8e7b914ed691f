import * as fs from 'fs';
import type { Member, TeamConfig } from '../../shared/domain';
import { CorruptFileError } from '../../shared/errors';
import { describeSchemaProblem, teamFileSchema } from '../../shared/schemas';
import { writeFileDurably } from './task-files';

/** A team's config.json as read, with the fields we do not know kept for the rewrite. */
export interface LoadedTeamConfig {
  config: TeamConfig;
  extra: Record<string, unknown>;
  memberExtras: Array<Record<string, unknown>>;
}

const TEAM_FIELDS = ['name', 'description', 'leadAgentId', 'createdAt', 'members', 'budgetCents'] as const;
const MEMBER_FIELDS = ['name', 'user', 'agentId', 'agentType', 'joinedAt'] as const;

function split<K extends string>(obj: Record<string, unknown>, known: readonly K[]) {
  const picked: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) ((known as readonly string[]).includes(k) ? picked : extra)[k] = v;
  return { picked, extra };
}

/** Reads a team config; undefined when missing, CORRUPT_FILE when unreadable. */
export function readTeamConfig(filePath: string): LoadedTeamConfig | undefined {
  let text: string;
  try {
    text = fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CorruptFileError(filePath, `not valid JSON (${(err as Error).message})`);
  }
  const parsed = teamFileSchema.safeParse(json);
  if (!parsed.success) throw new CorruptFileError(filePath, `not a team config (${describeSchemaProblem(parsed.error)})`);
  const { picked, extra } = split(parsed.data as Record<string, unknown>, TEAM_FIELDS);
  const memberExtras: Array<Record<string, unknown>> = [];
  const members = (picked.members as Array<Record<string, unknown>>).map((m) => {
    const s = split(m, MEMBER_FIELDS);
    memberExtras.push(s.extra);
    const member = s.picked as unknown as Member;
    const profile = s.extra.lockstep;
    if (profile && typeof profile === 'object' && !Array.isArray(profile)) member.lockstep = profile as Member['lockstep'];
    return member;
  });
  return { config: { ...(picked as unknown as TeamConfig), members }, extra, memberExtras };
}

export function serializeTeamConfig(loaded: LoadedTeamConfig): string {
  const { config, extra, memberExtras } = loaded;
  const members = config.members.map((m, i) => ({
    name: m.name,
    user: m.user,
    agentId: m.agentId,
    agentType: m.agentType,
    joinedAt: m.joinedAt,
    ...(memberExtras[i] ?? {}),
    ...(m.lockstep ? { lockstep: m.lockstep } : {}),
  }));
  return JSON.stringify(
    {
      name: config.name,
      description: config.description,
      leadAgentId: config.leadAgentId,
      createdAt: config.createdAt,
      members,
      budgetCents: config.budgetCents,
      ...extra,
    },
    null,
    2,
  );
}

export function writeTeamConfig(filePath: string, loaded: LoadedTeamConfig): void {
  writeFileDurably(filePath, serializeTeamConfig(loaded));
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
