import * as path from 'path';
import { CorruptFileError, UnsafePathError } from '../../shared/errors';
import { decodeUtf8, JsonProblem, parseJson, stringifyJson } from '../../shared/json';
import type { MemberProfile } from '../../shared/members';
import { assertNoLinks, readBounded, unlinkInside } from './safe-fs';
import { writeFileDurably } from './task-files';
import { MAX_FILE_BYTES, MAX_JSON_DEPTH } from '../core/task-format';
import { parseProfiles, parseTeamConfig, serializeTeamConfig, type LoadedTeamConfig } from '../core/team-format';

// A team's config.json and Lockstep's members.json in the data folder: read (no link followed, size and depth
// capped) and written durably. What they say and how they are parsed: team-format.ts.

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
 * Reads a team config; undefined when missing, CORRUPT_FILE when unreadable (parsed by parseTeamConfig). The
 * profiles file beside the journal (see readProfiles) wins over profiles an older Lockstep kept in config.json.
 */
export function readTeamConfig(root: string, filePath: string): LoadedTeamConfig | undefined {
  const json = readJsonFile(root, filePath);
  if (json === undefined) return undefined;
  return parseTeamConfig(json, filePath);
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
  return parseProfiles(json, profilesPath(lockstepDir));
}

export function writeProfiles(root: string, lockstepDir: string, profiles: Record<string, MemberProfile>): void {
  writeFileDurably(root, profilesPath(lockstepDir), stringifyJson({ version: 1, members: profiles }, 2));
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
