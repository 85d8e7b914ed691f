import { z } from 'zod';
import { deletedTeamSchema, fileProblemSchema, teamConfigSchema, teamSummarySchema, versionedTaskSchema as taskSchema } from '../model';
import {
  createTeamInputSchema,
  displayNameSchema,
  memberNameSchema,
  memberProfilePatchSchema,
  newMemberSchema,
  taskFilterSchema,
  teamNameSchema,
} from '../schemas';
import { emptyInput } from './app-calls';
import { readCall } from './kinds';

export const teamInput = z.object({ team: teamNameSchema }).strict();

/** Teams and their members: the list, one team with its tasks, creating, renaming, deleting and restoring. */
export const TEAM_API = {
  listTeams: readCall({ input: emptyInput, output: z.object({ teams: z.array(teamSummarySchema), problems: z.array(fileProblemSchema) }) }),
  getTeam: readCall({
    input: teamInput.extend({ filter: taskFilterSchema.optional() }).strict(),
    output: z.object({ config: teamConfigSchema, tasks: z.array(taskSchema), problems: z.array(fileProblemSchema) }),
  }),
  /** The team's config only (members, leader), after teamsChanged. */
  getTeamConfig: readCall({ input: teamInput, output: teamConfigSchema }),
  createTeam: {
    // The window names members only; the store's input takes them as new members (name, user, type).
    input: createTeamInputSchema.extend({ members: z.array(memberNameSchema).max(500).default([]) }).strict(),
    output: teamConfigSchema,
  },
  createSampleTeam: { input: emptyInput, output: teamConfigSchema },
  renameTeam: { input: z.object({ team: teamNameSchema, newName: teamNameSchema }).strict(), output: teamConfigSchema },
  /** What people call the team ("Spring Launch"; null: its name); agents keep using its name. Undoable. */
  setTeamDisplayName: {
    input: z.object({ team: teamNameSchema, displayName: z.union([displayNameSchema, z.null()]) }).strict(),
    output: teamConfigSchema,
  },
  /** Moves the team into the trash (the data folder's, or the database's); `trash` names it for restoreTeam (undo). */
  deleteTeam: { input: teamInput, output: deletedTeamSchema },
  /** Brings back a team this window deleted (undo of a deletion, redo of undoing a creation). */
  restoreTeam: {
    input: z.object({ trash: z.string().regex(/^[a-z0-9]{1,12}-[0-9a-f]{6}$/, 'name a deleted team by its id') }).strict(),
    output: teamConfigSchema,
  },
  addMember: {
    input: newMemberSchema.extend({ team: teamNameSchema }).strict(),
    output: teamConfigSchema,
  },
  removeMember: { input: z.object({ team: teamNameSchema, name: memberNameSchema }).strict(), output: teamConfigSchema },
  setMemberProfile: {
    input: z.object({ team: teamNameSchema, name: memberNameSchema, profile: memberProfilePatchSchema }).strict(),
    output: teamConfigSchema,
  },
};
