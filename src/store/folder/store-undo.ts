import * as fs from 'fs';
import { inboxName, type VersionedTask } from '../../shared/domain';
import { InvalidInputError, NotFoundError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import { readTeamDisplayName, writeTeamConfig, writeTeamDisplayName } from './team-config';
import { applyProfiles } from '../core/team-format';
import { applyMemberChange, inverseOf, refuseTeamUndo, refuseUndoCreate, refuseUndoneTwice, teamChangeOf } from '../core/team-undo';
import { mkdirInside } from './safe-fs';
import { readJournal } from './journal';
import { type JournalEntry } from '../core/journal-format';
import * as ops from '../core/task-ops';
import type { FolderContext } from './store-context';
import { moveTeam } from './store-teams';
import { afterTrash, trashTeam } from './store-trash';
import type { Actor } from '../../shared/model';
import type { UndoChangeOptions, UndoneChange } from '../core/store-api';

// The folder store's undo: the last change of an actor, or one journal entry by its number (the app's undo stack).

/**
 * Undoes the last change `actor` made (through `via`, e.g. this window's app) that is not undone yet, checked
 * inside the lock: refused with CONFLICT, naming who, when anybody touched those tasks since.
 */
export async function undoLast(
  ctx: FolderContext,
  team: string,
  actor: Actor = ctx.actor,
): Promise<{ undone: JournalEntry; tasks: VersionedTask[] }> {
  assertName(team, 'team');
  return ctx
    .writer(team)
    .mutate({ op: 'task.undo', actor: actor.name, via: actor.via, solo: true }, (tx) =>
      ops.undoLastEntry(tx, readJournal(ctx.paths.lockstepDir(team), ctx.writerOptions.journal), actor),
    );
}

/**
 * Undoes (or, for an entry that is itself an undo, redoes) one journal entry named by its number: the app's undo
 * stack names the window's own changes this way. `trusted` are the undoer's own entries: they never count as
 * "somebody changed it since". Task changes are reverted through undoEntry's conflict check, team and member
 * changes by applying their inverse after checking the team is as the change left it. Returns the new entry.
 */
export async function undoChange(ctx: FolderContext, team: string, seq: number, options: UndoChangeOptions = {}): Promise<UndoneChange> {
  assertName(team, 'team');
  if (!Number.isInteger(seq) || seq < 1) throw new InvalidInputError('Name a change by its number in the team journal.');
  const actor = options.actor ?? ctx.actor;
  const trusted = options.trusted ?? new Set<number>();
  const lookup = (): { entry: JournalEntry; later: JournalEntry[] } => {
    const journal = readJournal(ctx.paths.lockstepDir(team), ctx.writerOptions.journal);
    const index = journal.findIndex((e) => e.seq === seq);
    if (index < 0)
      throw new NotFoundError(`That change (#${seq}) is no longer in team ${team}'s journal, so it cannot be undone.`, { team, seq });
    return { entry: journal[index], later: journal.slice(index + 1) };
  };
  const op = (kind: 'task' | 'team') => `${kind}.${options.redo ? 'redo' : 'undo'}`;
  const first = lookup().entry;
  if (first.op === 'team.create') {
    // Undoing a team's creation deletes it into the trash (restoreTeam brings it back), unless somebody else has
    // worked in it since.
    const result = await ctx
      .writer(team)
      .mutateDirect(ctx.tracked({ op: 'team.delete', actor: actor.name, via: actor.via, details: { name: team } }), () => {
        const { entry, later } = lookup();
        refuseUndoCreate(team, entry, later, trusted);
        return { undone: entry, ...trashTeam(ctx, team) };
      });
    afterTrash(ctx, team);
    return { undone: result.undone, tasks: [], team, trash: result.trash };
  }
  const change = teamChangeOf(first);
  if (first.tasks.length > 0 || !change) {
    return ctx.writer(team).mutate(ctx.tracked({ op: op('task'), actor: actor.name, via: actor.via, solo: true }), (tx) => {
      const { entry, later } = lookup();
      const tasks = ops.undoEntry(tx, entry, later, { trusted });
      tx.annotate({ details: { undoes: entry.seq }, taskId: entry.taskId });
      return { undone: entry, tasks, team };
    });
  }
  const inverse = inverseOf(change);
  const details: Record<string, unknown> = { undoes: seq, change: inverse, ...('member' in inverse ? { member: inverse.member } : {}) };
  const journalTeam = inverse.kind === 'rename' ? inverse.to : team;
  return ctx
    .writer(team)
    .mutateDirect(ctx.tracked({ op: op('team'), actor: actor.name, via: actor.via, details, journalTeam }), (assertLockHeld) => {
      const { entry, later } = lookup();
      refuseUndoneTwice(entry, later);
      if (inverse.kind === 'rename') {
        if (fs.existsSync(ctx.paths.teamDir(inverse.to)) || fs.existsSync(ctx.paths.tasksDir(inverse.to))) {
          refuseTeamUndo(`The name ${inverse.to}`, inverse, entry, later, trusted);
        }
        return { undone: entry, tasks: [], config: moveTeam(ctx, team, inverse.to, assertLockHeld), team: inverse.to };
      }
      const loaded = ctx.requireTeam(team);
      applyProfiles(loaded.config, ctx.profiles(team)); // profiles live beside the journal, not in config.json
      if (inverse.kind === 'display-name') {
        const now = readTeamDisplayName(ctx.paths.root, ctx.paths.lockstepDir(team)) ?? null;
        if (now !== inverse.before) refuseTeamUndo(`Team ${team}'s display name`, inverse, entry, later, trusted);
        writeTeamDisplayName(ctx.paths.root, ctx.paths.lockstepDir(team), inverse.after);
        return { undone: entry, tasks: [], config: loaded.config, team };
      }
      applyMemberChange(loaded, inverse, entry, later, trusted);
      if (inverse.kind === 'add-member') {
        const added = loaded.config.members.find((m) => m.name === inverse.member);
        if (added) mkdirInside(ctx.paths.root, ctx.paths.inboxDir(team, inboxName(added)));
      }
      if (inverse.kind !== 'set-member') writeTeamConfig(ctx.paths.root, ctx.paths.teamConfig(team), loaded);
      ctx.saveProfiles(team, loaded);
      return { undone: entry, tasks: [], config: loaded.config, team };
    });
}
