import * as path from 'path';
import type { FileProblem } from '../../shared/domain';
import { UnsafePathError } from '../../shared/errors';
import { intentPath } from './intent';
import { journalPath } from './journal';
import type { StorePaths } from './paths';
import { assertInside, assertNoLinks } from './safe-fs';
import { profilesPath } from './team-config';

/**
 * Every place a team's writes go (folders, and the files Lockstep writes, appends to or locks), for the one
 * boundary check before a batch (team-commit.ts) and for reporting such entries to readers (task list, doctor).
 */
export function teamBoundary(paths: StorePaths, team: string, journalKeep: number): Array<{ path: string; kind: 'dir' | 'file' }> {
  const lockstepDir = paths.lockstepDir(team);
  const out: Array<{ path: string; kind: 'dir' | 'file' }> = [];
  for (const dir of [
    paths.tasksRoot(),
    paths.tasksDir(team),
    lockstepDir,
    paths.writeLock(team),
    path.join(lockstepDir, 'queue'),
    paths.teamsDir(),
    paths.teamDir(team),
  ]) {
    out.push({ path: dir, kind: 'dir' });
  }
  for (const file of [paths.clawteamLock(team), intentPath(lockstepDir), profilesPath(lockstepDir), paths.teamConfig(team)])
    out.push({ path: file, kind: 'file' });
  for (let g = 0; g <= journalKeep; g++) out.push({ path: journalPath(lockstepDir, g), kind: 'file' });
  return out;
}

/**
 * Throws UNSAFE_PATH for the first entry that is a link (or the wrong kind), or a task folder resolving outside.
 * `entries`: teamBoundary's list when the caller keeps it (the paths never change for a team; what is on disk is
 * looked at every time).
 */
export function assertTeamBoundary(
  paths: StorePaths,
  team: string,
  journalKeep: number,
  entries: ReadonlyArray<{ path: string; kind: 'dir' | 'file' }> = teamBoundary(paths, team, journalKeep),
): void {
  const folders = new Set<string>();
  for (const entry of entries) assertNoLinks(paths.root, entry.path, entry.kind, folders);
  assertInside(paths.root, path.join(paths.tasksDir(team), 'x'));
}

/** The same check as problems to report (each entry once), for readers. */
export function teamBoundaryProblems(paths: StorePaths, team: string, journalKeep: number): FileProblem[] {
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  for (const entry of teamBoundary(paths, team, journalKeep)) {
    try {
      assertNoLinks(paths.root, entry.path, entry.kind);
    } catch (err) {
      if (!(err instanceof UnsafePathError)) throw err;
      const at = String(err.details.path);
      if (seen.has(at)) continue;
      seen.add(at);
      problems.push({
        path: at,
        reason: `${String(err.details.reason)}; Lockstep does not follow links inside the data folder, so writes to this team are refused until it is removed or replaced`,
      });
    }
  }
  return problems;
}
