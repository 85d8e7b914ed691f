import { ConflictError, InvalidInputError } from '../../shared/errors';
import { describeEntry } from '../../shared/activity';
import { describeAge, nowMicros, parseTimestamp } from '../../shared/time';
import type { Member } from '../../shared/domain';
import type { MemberProfile } from '../../shared/members';
import type { JournalEntry } from './journal-format';
import { insertMemberRecord, memberRecord, type LoadedTeamConfig } from './team-format';
import type { MemberProfilePatch } from '../../shared/schemas';

/**
 * Team and member changes, journaled with what it takes to undo and redo them (`details.change`): who was added or
 * removed (the whole member record and its place), a profile before and after, a rename's two names. Undoing one
 * applies its inverse, after checking that the team is still as the change left it.
 */
export type TeamChange =
  | { kind: 'add-member'; member: string; record: Record<string, unknown>; index: number }
  | { kind: 'remove-member'; member: string; record: Record<string, unknown>; index: number }
  | { kind: 'set-member'; member: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'display-name'; before: string | null; after: string | null };

/** Applies a profile patch (null clears a field) to the member; returns the change, for the journal and its undo. */
export function patchProfile(member: Member, values: MemberProfilePatch): TeamChange {
  const next: MemberProfile = { ...(member.lockstep ?? {}) };
  for (const key of ['role', 'capabilities', 'wipLimit', 'displayName'] as const) {
    const value = values[key];
    if (value === null) delete next[key];
    else if (value !== undefined) (next as Record<string, unknown>)[key] = value;
  }
  const before = member.lockstep ? { ...member.lockstep } : null;
  if (Object.keys(next).length) member.lockstep = next;
  else delete member.lockstep;
  return { kind: 'set-member', member: member.name, before, after: member.lockstep ? { ...member.lockstep } : null };
}

export function teamChangeOf(entry: JournalEntry): TeamChange | null {
  const change = entry.details?.change as TeamChange | undefined;
  if (!change || typeof change !== 'object' || typeof (change as { kind?: unknown }).kind !== 'string') return null;
  return change;
}

export function inverseOf(change: TeamChange): TeamChange {
  switch (change.kind) {
    case 'add-member':
      return { ...change, kind: 'remove-member' };
    case 'remove-member':
      return { ...change, kind: 'add-member' };
    case 'set-member':
      return { ...change, before: change.after, after: change.before };
    case 'rename':
      return { kind: 'rename', from: change.to, to: change.from };
    case 'display-name':
      return { kind: 'display-name', before: change.after, after: change.before };
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The later entry (not the undoer's own) that touched the same member or the team, to name in a refusal. */
function changedSince(change: TeamChange, later: JournalEntry[], trusted: ReadonlySet<number>): JournalEntry | undefined {
  const member = 'member' in change ? change.member : undefined;
  const touches = (e: JournalEntry) => {
    const c = teamChangeOf(e);
    if (!c) return e.op.startsWith('team.') && e.tasks.length === 0 && (member === undefined || e.details?.member === member);
    return member === undefined ? c.kind === 'rename' || c.kind === 'display-name' : 'member' in c && c.member === member;
  };
  return [...later].reverse().find((e) => !trusted.has(e.seq) && touches(e));
}

/** Undoing a team's creation (into the trash): refused (CONFLICT) when anybody outside `trusted` worked in it since. */
export function refuseUndoCreate(team: string, entry: JournalEntry, later: JournalEntry[], trusted: ReadonlySet<number>): void {
  const since = [...later].reverse().find((e) => !trusted.has(e.seq));
  if (since) {
    throw new ConflictError(`${since.actor} ${describeEntry(since)} in team ${team} since you created it; nothing was undone.`, {
      seq: entry.seq,
      changedBy: since.actor,
    });
  }
}

/** A team change undone once already (a later entry undoes it): INVALID_INPUT, nothing changed. */
export function refuseUndoneTwice(entry: JournalEntry, later: JournalEntry[]): void {
  const done = later.find((e) => Number(e.details?.undoes) === entry.seq);
  if (done) throw new InvalidInputError(`That change (#${entry.seq}) was already undone; nothing was changed.`, { seq: entry.seq });
}

export function refuseTeamUndo(
  what: string,
  change: TeamChange,
  entry: JournalEntry,
  later: JournalEntry[],
  trusted: ReadonlySet<number>,
): never {
  const since = changedSince(change, later, trusted);
  const who = since
    ? `${since.actor} ${describeEntry(since)} ${describeAge(parseTimestamp(since.at) ?? nowMicros()).replace(/^0 s ago$/, 'just now')}, after your change`
    : `${what} was changed since (outside this window)`;
  throw new ConflictError(`${who}; nothing was undone.`, { seq: entry.seq, changedBy: since?.actor ?? null, changedOp: since?.op ?? null });
}

/**
 * Applies a member change to a loaded config, refusing (CONFLICT) when the config is not in the state the change
 * starts from. Renames are done by the store (they move folders).
 */
export function applyMemberChange(
  loaded: LoadedTeamConfig,
  change: TeamChange,
  entry: JournalEntry,
  later: JournalEntry[],
  trusted: ReadonlySet<number>,
): void {
  if (change.kind === 'rename' || change.kind === 'display-name') throw new InvalidInputError('A team name is not a member change.');
  const index = loaded.config.members.findIndex((m) => m.name === change.member);
  switch (change.kind) {
    case 'add-member':
      if (index >= 0) refuseTeamUndo(`${change.member}'s membership`, change, entry, later, trusted);
      insertMemberRecord(loaded, change.record, change.index);
      if (!loaded.config.leadAgentId) loaded.config.leadAgentId = String(change.record.agentId ?? '');
      return;
    case 'remove-member':
      if (
        index < 0 ||
        loaded.config.members[index].agentId !== change.record.agentId ||
        !same(memberRecord(loaded, index).lockstep, change.record.lockstep)
      ) {
        refuseTeamUndo(`${change.member}'s membership`, change, entry, later, trusted);
      }
      loaded.config.members.splice(index, 1);
      loaded.memberExtras.splice(index, 1);
      return;
    case 'set-member': {
      if (index < 0 || !same(loaded.config.members[index].lockstep, change.before)) {
        refuseTeamUndo(`${change.member}'s profile`, change, entry, later, trusted);
      }
      const member = loaded.config.members[index];
      if (change.after && Object.keys(change.after).length) member.lockstep = change.after as typeof member.lockstep;
      else delete member.lockstep;
      delete loaded.memberExtras[index]?.lockstep;
      return;
    }
  }
}
