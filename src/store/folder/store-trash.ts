import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { type TeamConfig } from '../../shared/domain';
import { AlreadyExistsError, InvalidInputError, NotFoundError, teamNotFound, UnsafePathError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { nowTimestamp } from '../../shared/time';
import type { FolderContext } from './store-context';
import { TRASH_ID, TRASH_KEEP } from '../core/store-api';
import { assertNoLinks, mkdirInside, readTextOrNull, removeInside, renameInside, writeNewInside } from './safe-fs';
import { assertTrashTree, moveAll } from './trash-check';
import { removeEmptyDir } from './safe-move';
import type { DeletedTeam } from '../../shared/model';

// The folder store's team trash: a deleted team's folders move into .lockstep/trash/<id>/ and come back from there.

/**
 * Deletes a team: its config folder and its tasks (with its journal) move into the data folder's trash
 * (`.lockstep/trash/<id>/`, the newest TRASH_KEEP kept), so the deletion can be undone with restoreTeam(id).
 */
export async function deleteTeam(ctx: FolderContext, team: string): Promise<DeletedTeam> {
  assertName(team, 'team');
  assertNoLinks(ctx.paths.root, ctx.paths.trashDir(), 'dir'); // a linked .lockstep: refused before anything is made
  const result = await ctx
    .writer(team)
    .mutateDirect(ctx.info('team.delete', undefined, { details: { name: team } }), () => trashTeam(ctx, team));
  afterTrash(ctx, team, result.trash);
  return result;
}

/**
 * Moves a team into the trash (inside its lock; our lock folder stays until the lock is released). The writer
 * checked that neither team folder is a link (UNSAFE_PATH otherwise), and a rename moves a link inside, never
 * what it points to.
 */
export function trashTeam(ctx: FolderContext, team: string): DeletedTeam {
  const tasksDir = ctx.paths.tasksDir(team);
  const hasConfig = fs.existsSync(ctx.paths.teamConfig(team));
  const lockName = path.basename(ctx.paths.lockstepDir(team));
  const entries = fs.existsSync(tasksDir) ? fs.readdirSync(tasksDir) : [];
  if (!hasConfig && entries.every((e) => e === lockName)) throw teamNotFound(team);
  const trash = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dest = path.join(trashRoot(ctx), trash);
  const destTasks = path.join(dest, 'tasks', team);
  const root = ctx.paths.root;
  mkdirInside(root, path.join(destTasks, lockName));
  mkdirInside(root, path.join(dest, 'teams'));
  writeNewInside(root, path.join(dest, 'trash.json'), JSON.stringify({ team, deletedAt: nowTimestamp(), by: ctx.actor.name }, null, 2));
  if (fs.existsSync(ctx.paths.teamDir(team))) renameInside(root, ctx.paths.teamDir(team), path.join(dest, 'teams', team), 'dir');
  let deletedTasks = 0;
  for (const entry of entries) {
    if (entry === lockName) continue;
    if (entry.startsWith('task-') && entry.endsWith('.json')) deletedTasks++;
    renameInside(root, path.join(tasksDir, entry), path.join(destTasks, entry));
  }
  // The journal and the member profiles go with the team (its history and its people); Lockstep's other files
  // (ready index, quarantine) are removed, all but the lock we hold.
  const lockstepDir = ctx.paths.lockstepDir(team);
  for (const name of fs.existsSync(lockstepDir) ? fs.readdirSync(lockstepDir) : []) {
    if (/^journal(\.\d+)?\.jsonl$/.test(name) || name === 'members.json')
      renameInside(root, path.join(lockstepDir, name), path.join(destTasks, lockName, name), 'file');
    else if (name !== 'write.lock' && name !== 'queue') removeInside(root, path.join(lockstepDir, name));
  }
  ctx.fsyncParents();
  return { team, deletedTasks, trash };
}

/** After the lock is released only empty folders are removed: a team created again meanwhile keeps its files. */
export function afterTrash(ctx: FolderContext, team: string, keep?: string): void {
  const lockstepDir = ctx.paths.lockstepDir(team);
  for (const dir of [path.join(lockstepDir, 'queue'), lockstepDir, ctx.paths.tasksDir(team)]) {
    removeEmptyDir(dir); // not empty (somebody is using the name again) or gone: left
  }
  ctx.forgetWriter(team);
  // Bounded: only the newest deleted teams are kept, and never the one just made (folders planted with names that
  // sort later could otherwise push it out at once; see README's security section).
  const root = trashRoot(ctx);
  const all = fs
    .readdirSync(root)
    .filter((n) => TRASH_ID.test(n) && n !== keep)
    .sort();
  for (const old of all.slice(0, Math.max(0, all.length - (TRASH_KEEP - 1)))) removeInside(ctx.paths.root, path.join(root, old));
}

/** The trash folder, created as real folders (never followed through a symlink: the data folder is not trusted). */
export function trashRoot(ctx: FolderContext): string {
  const root = ctx.paths.trashDir();
  // Checked before anything is created: a `.lockstep` that is a link (or a file) is refused, nothing made outside.
  mkdirInside(ctx.paths.root, root);
  return root;
}

/** Brings a deleted team back from the trash, unless a team of that name exists again (ALREADY_EXISTS). */
export async function restoreTeam(ctx: FolderContext, trash: string): Promise<TeamConfig> {
  if (typeof trash !== 'string' || !TRASH_ID.test(trash))
    throw new InvalidInputError('Name a deleted team by the id its deletion returned.', { trash: String(trash).slice(0, 80) });
  const dir = path.join(trashRoot(ctx), trash);
  let team: string;
  try {
    assertNoLinks(ctx.paths.root, dir, 'dir');
    const text = readTextOrNull(path.join(dir, 'trash.json'), 64 * 1024);
    if (text === null) throw new Error('no trash.json');
    team = assertName(String((JSON.parse(text) as { team?: unknown }).team), 'team');
  } catch (err) {
    if (err instanceof UnsafePathError) throw err;
    if (err instanceof InvalidInputError) throw err;
    throw new NotFoundError('That deleted team is no longer kept, so it cannot be brought back.', { trash });
  }
  return ctx.writer(team).mutateDirect(
    ctx.info('team.restore', undefined, { details: { name: team, trash } }),
    () => {
      const tasksDir = ctx.paths.tasksDir(team);
      const lockName = path.basename(ctx.paths.lockstepDir(team));
      // Our lock folder and ClawTeam's flock file (held right now) are there already; anything else is a team.
      const ours = new Set([lockName, path.basename(ctx.paths.clawteamLock(team))]);
      if (fs.existsSync(ctx.paths.teamDir(team)) || fs.readdirSync(tasksDir).some((e) => !ours.has(e))) {
        throw new AlreadyExistsError(`A team named ${team} exists again, so the deleted one was not brought back.`, { team });
      }
      const fromTasks = path.join(dir, 'tasks', team);
      // Every component and every entry is looked at before anything moves: a link anywhere (a trashed folder
      // replaced by a link to an outside folder) is refused, so nothing outside is pulled in and nothing is half done.
      const root = ctx.paths.root;
      for (const target of [ctx.paths.teamDir(team), tasksDir, ctx.paths.lockstepDir(team)]) assertNoLinks(root, target, 'dir');
      assertTrashTree(root, dir, team, lockName);
      const moves: Array<[string, string]> = [];
      if (fs.existsSync(path.join(dir, 'teams', team))) moves.push([path.join(dir, 'teams', team), ctx.paths.teamDir(team)]);
      for (const entry of fs.existsSync(fromTasks) ? fs.readdirSync(fromTasks) : []) {
        if (!ours.has(entry)) moves.push([path.join(fromTasks, entry), path.join(tasksDir, entry)]);
      }
      const fromLock = path.join(fromTasks, lockName);
      for (const name of fs.existsSync(fromLock) ? fs.readdirSync(fromLock) : []) {
        moves.push([path.join(fromLock, name), path.join(ctx.paths.lockstepDir(team), name)]);
      }
      moveAll(root, moves);
      removeInside(root, dir);
      return ctx.requireTeam(team).config;
    },
    true,
  );
}
