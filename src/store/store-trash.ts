import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { type TeamConfig } from '../shared/domain';
import { AlreadyExistsError, InvalidInputError, NotFoundError, teamNotFound } from '../shared/errors';
import { assertName } from '../shared/names';
import { nowTimestamp } from '../shared/time';
import type { FolderContext } from './store-context';
import { TRASH_ID, TRASH_KEEP } from './store-api';

// The folder store's team trash: a deleted team's folders move into .lockstep/trash/<id>/ and come back from there.

/**
 * Deletes a team: its config folder and its tasks (with its journal) move into the data folder's trash
 * (`.lockstep/trash/<id>/`, the newest TRASH_KEEP kept), so the deletion can be undone with restoreTeam(id).
 */
export async function deleteTeam(ctx: FolderContext, team: string): Promise<{ team: string; deletedTasks: number; trash: string }> {
  assertName(team, 'team');
  const result = await ctx
    .writer(team)
    .mutateDirect(ctx.info('team.delete', undefined, { details: { name: team } }), () => trashTeam(ctx, team));
  afterTrash(ctx, team);
  return result;
}

/**
 * Moves a team into the trash (inside its lock; our lock folder stays until the lock is released). The writer
 * checked that neither team folder is a link (UNSAFE_PATH otherwise), and a rename moves a link inside, never
 * what it points to.
 */
export function trashTeam(ctx: FolderContext, team: string): { team: string; deletedTasks: number; trash: string } {
  const tasksDir = ctx.paths.tasksDir(team);
  const hasConfig = fs.existsSync(ctx.paths.teamConfig(team));
  const lockName = path.basename(ctx.paths.lockstepDir(team));
  const entries = fs.existsSync(tasksDir) ? fs.readdirSync(tasksDir) : [];
  if (!hasConfig && entries.every((e) => e === lockName)) throw teamNotFound(team);
  const trash = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dest = path.join(trashRoot(ctx), trash);
  const destTasks = path.join(dest, 'tasks', team);
  fs.mkdirSync(path.join(destTasks, lockName), { recursive: true });
  fs.mkdirSync(path.join(dest, 'teams'), { recursive: true });
  fs.writeFileSync(path.join(dest, 'trash.json'), JSON.stringify({ team, deletedAt: nowTimestamp(), by: ctx.actor.name }, null, 2));
  if (fs.existsSync(ctx.paths.teamDir(team))) fs.renameSync(ctx.paths.teamDir(team), path.join(dest, 'teams', team));
  let deletedTasks = 0;
  for (const entry of entries) {
    if (entry === lockName) continue;
    if (entry.startsWith('task-') && entry.endsWith('.json')) deletedTasks++;
    fs.renameSync(path.join(tasksDir, entry), path.join(destTasks, entry));
  }
  // The journal and the member profiles go with the team (its history and its people); Lockstep's other files
  // (ready index, quarantine) are removed, all but the lock we hold.
  const lockstepDir = ctx.paths.lockstepDir(team);
  for (const name of fs.existsSync(lockstepDir) ? fs.readdirSync(lockstepDir) : []) {
    if (/^journal(\.\d+)?\.jsonl$/.test(name) || name === 'members.json')
      fs.renameSync(path.join(lockstepDir, name), path.join(destTasks, lockName, name));
    else if (name !== 'write.lock' && name !== 'queue') fs.rmSync(path.join(lockstepDir, name), { recursive: true, force: true });
  }
  ctx.fsyncParents();
  return { team, deletedTasks, trash };
}

/** After the lock is released only empty folders are removed: a team created again meanwhile keeps its files. */
export function afterTrash(ctx: FolderContext, team: string): void {
  const lockstepDir = ctx.paths.lockstepDir(team);
  for (const dir of [path.join(lockstepDir, 'queue'), lockstepDir, ctx.paths.tasksDir(team)]) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // Not empty (somebody is using the name again) or gone.
    }
  }
  ctx.forgetWriter(team);
  // Bounded: only the newest deleted teams are kept.
  const root = trashRoot(ctx);
  const all = fs.readdirSync(root).sort();
  for (const old of all.slice(0, Math.max(0, all.length - TRASH_KEEP))) fs.rmSync(path.join(root, old), { recursive: true, force: true });
}

/** The trash folder, created as real folders (never followed through a symlink: the data folder is not trusted). */
export function trashRoot(ctx: FolderContext): string {
  const root = ctx.paths.trashDir();
  fs.mkdirSync(root, { recursive: true });
  for (const dir of [path.dirname(root), root]) {
    if (!fs.lstatSync(dir).isDirectory())
      throw new InvalidInputError(`${dir} is not a folder; Lockstep keeps deleted teams there.`, { path: dir });
  }
  return root;
}

/** Brings a deleted team back from the trash, unless a team of that name exists again (ALREADY_EXISTS). */
export async function restoreTeam(ctx: FolderContext, trash: string): Promise<TeamConfig> {
  if (typeof trash !== 'string' || !TRASH_ID.test(trash))
    throw new InvalidInputError('Name a deleted team by the id its deletion returned.', { trash: String(trash).slice(0, 80) });
  const dir = path.join(trashRoot(ctx), trash);
  let team: string;
  try {
    team = assertName(String((JSON.parse(fs.readFileSync(path.join(dir, 'trash.json'), 'utf8')) as { team?: unknown }).team), 'team');
  } catch (err) {
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
      if (fs.existsSync(path.join(dir, 'teams', team))) fs.renameSync(path.join(dir, 'teams', team), ctx.paths.teamDir(team));
      for (const entry of fs.readdirSync(fromTasks)) {
        if (!ours.has(entry)) fs.renameSync(path.join(fromTasks, entry), path.join(tasksDir, entry));
      }
      for (const name of fs.readdirSync(path.join(fromTasks, lockName))) {
        fs.renameSync(path.join(fromTasks, lockName, name), path.join(ctx.paths.lockstepDir(team), name));
      }
      fs.rmSync(dir, { recursive: true, force: true });
      return ctx.requireTeam(team).config;
    },
    true,
  );
}
