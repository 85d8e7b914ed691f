import { z } from 'zod';
import { MAX_LEASE_MS } from './claims';
import { serializedErrorSchema, type SerializedError } from './errors';
import {
  agentNameSchema,
  bulkChangeSchema,
  bulkIdsSchema,
  createTaskInputSchema,
  createTeamInputSchema,
  displayNameSchema,
  memberNameSchema,
  memberProfilePatchSchema,
  newMemberSchema,
  ownerSchema,
  statusSchema,
  taskFilterSchema,
  taskIdSchema,
  teamNameSchema,
  updateTaskPatchSchema,
} from './schemas';
import { MESSAGE_API, MESSAGE_EVENTS } from './messages-api';
import { REQUEST_API } from './requests-api';
import { AGENT_API, AGENT_EVENTS } from './agents-api';
import {
  countsSchema,
  deletedTeamSchema,
  fileProblemSchema,
  findingSchema,
  journalEntrySchema,
  settingsSchema,
  sweepResultSchema,
  teamConfigSchema,
  teamSummarySchema,
  themeSchema,
  versionedTaskSchema as taskSchema,
} from './model';

/**
 * The one contract between the renderer and the main process: every call the page can make (input and output
 * schemas) and every event main pushes. Main validates each input with these schemas before touching disk; the
 * preload exposes exactly these names as `window.lockstep`; types flow from here (and model.ts) to all three processes.
 */

const versionSchema = z.string().min(1).max(64);
// The shapes the calls answer with (tasks, teams, journal entries, findings, settings) come from model.ts.
export { THEMES, themeSchema, type Theme } from './model';
/** Bounds of the activity region's height (px); the window keeps room for the board. */
export const ACTIVITY_HEIGHT = { min: 80, max: 600, initial: 160 } as const;
const reasonSchema = z.string().trim().min(1, 'give a reason').max(500);

// ---- outputs -------------------------------------------------------------------------------------------

export const activityItemSchema = z.object({
  team: z.string(),
  seq: z.number(),
  /** Epoch milliseconds. */
  at: z.number(),
  actor: z.string(),
  via: z.string(),
  op: z.string(),
  /** One word to group by: claimed, released, completed, assigned, created, deleted, moved, changed, undid, … */
  verb: z.string(),
  /** The change in words, without the actor: `claimed "Design the API"`. */
  text: z.string(),
  taskId: z.string().optional(),
  subject: z.string().optional(),
  reason: z.string().optional(),
});

/** Whether the store is reachable: a database can go away (the window shows a banner until it is back). */
export const connectionSchema = z.object({
  state: z.enum(['connected', 'unavailable']),
  /** "host:port/dbname", or the data folder. */
  label: z.string(),
  /** Why, in plain words, when unavailable. */
  reason: z.string().optional(),
});

const emptyInput = z.object({}).strict();
const teamInput = z.object({ team: teamNameSchema }).strict();
const taskRef = { team: teamNameSchema, id: taskIdSchema };

/** Every call: name → input and output schema. */
export const API = {
  getSettings: { input: emptyInput, output: settingsSchema },
  setAgentName: { input: z.object({ agentName: agentNameSchema }).strict(), output: settingsSchema },
  setClawteamInterlock: { input: z.object({ enabled: z.boolean() }).strict(), output: settingsSchema },
  /** How the window looks: theme, the activity region shown/collapsed and its height, the messages column shown/folded; remembered between runs. */
  setAppearance: {
    input: z
      .object({
        theme: themeSchema.optional(),
        activityOpen: z.boolean().optional(),
        activityHeight: z.number().int().min(ACTIVITY_HEIGHT.min).max(ACTIVITY_HEIGHT.max).optional(),
        messagesOpen: z.boolean().optional(),
        notifications: z.boolean().optional(),
      })
      .strict(),
    output: settingsSchema,
  },
  /**
   * A desktop notification (Electron's Notification) of something that needs the person's attention; shown only when
   * they turned notifications on in Settings (`shown` says whether it was).
   */
  notify: {
    input: z.object({ title: z.string().trim().min(1).max(120), body: z.string().max(400) }).strict(),
    output: z.object({ shown: z.boolean() }),
  },
  /**
   * Opens a native folder chooser in main; returns the settings after the switch (or unchanged if cancelled). The
   * window never names a path: main opens only folders the person picked in the dialog.
   */
  openDataFolder: { input: emptyInput, output: settingsSchema },
  /**
   * Connects the app to a PostgreSQL database (creating or upgrading Lockstep's tables), remembered like the last
   * folder: the URL without its password; the password (optional: PGPASSWORD or ~/.pgpass also work) only through the
   * system's secure storage. Refused in plain words naming the field at fault (`details.field`: url or password).
   */
  connectDatabase: {
    input: z
      .object({
        url: z.string().trim().min(1, 'Give the database URL, like postgres://user@host:5432/dbname.').max(2000),
        password: z.string().max(1000).optional(),
      })
      .strict(),
    output: settingsSchema,
  },
  /** Whether the database is reachable now (a data folder always is). */
  getConnection: { input: emptyInput, output: connectionSchema },

  listTeams: { input: emptyInput, output: z.object({ teams: z.array(teamSummarySchema), problems: z.array(fileProblemSchema) }) },
  getTeam: {
    input: teamInput.extend({ filter: taskFilterSchema.optional() }).strict(),
    output: z.object({ config: teamConfigSchema, tasks: z.array(taskSchema), problems: z.array(fileProblemSchema) }),
  },
  /** The team's config only (members, leader), after teamsChanged. */
  getTeamConfig: { input: teamInput, output: teamConfigSchema },
  /** Re-reads only these tasks (after a tasksChanged event); ids no longer on disk come back in `missing`. */
  getTasks: {
    input: z.object({ team: teamNameSchema, ids: z.array(taskIdSchema).max(10_000) }).strict(),
    output: z.object({ tasks: z.array(taskSchema), problems: z.array(fileProblemSchema), missing: z.array(z.string()) }),
  },
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

  createTask: { input: z.object({ team: teamNameSchema, task: createTaskInputSchema }).strict(), output: taskSchema },
  updateTask: {
    input: z
      .object({ ...taskRef, patch: updateTaskPatchSchema, expectVersion: versionSchema.optional(), force: z.boolean().optional() })
      .strict(),
    output: taskSchema,
  },
  /** Drag onto a member: sets the owner (conflict-checked when expectVersion is given). */
  assignTask: { input: z.object({ ...taskRef, owner: ownerSchema, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  /** Drag across columns: pending/in_progress/blocked/completed with ClawTeam's claim semantics, as this person. */
  moveTask: { input: z.object({ ...taskRef, status: statusSchema, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  claimTask: {
    input: z
      .object({ ...taskRef, leaseMs: z.number().int().positive().max(MAX_LEASE_MS).optional(), expectVersion: versionSchema.optional() })
      .strict(),
    output: taskSchema,
  },
  releaseTask: { input: z.object({ ...taskRef, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  /** Breaks somebody else's claim; the person confirmed it naming the holder, and gives a reason. */
  forceReleaseTask: {
    input: z.object({ ...taskRef, reason: reasonSchema, expectVersion: versionSchema.optional() }).strict(),
    output: taskSchema,
  },
  completeTask: { input: z.object({ ...taskRef, expectVersion: versionSchema.optional() }).strict(), output: taskSchema },
  deleteTask: {
    input: z.object({ ...taskRef, expectVersion: versionSchema.optional() }).strict(),
    output: z.object({ deleted: z.string() }),
  },
  /**
   * One change to many tasks (the list view's bulk actions: assign, move, priority, delete), all or nothing, as one
   * journal entry: one undo step takes it back whole.
   */
  bulkChangeTasks: {
    input: z.object({ team: teamNameSchema, ids: bulkIdsSchema, change: bulkChangeSchema }).strict(),
    output: z.object({ tasks: z.array(taskSchema), deleted: z.array(z.string()) }),
  },
  setMemberProfile: {
    input: z.object({ team: teamNameSchema, name: memberNameSchema, profile: memberProfilePatchSchema }).strict(),
    output: teamConfigSchema,
  },
  /**
   * Undoes one change this window made, named by its journal number (`seq`, from the `journaled` list of the call
   * that made it), or with `redo` re-applies one this window undid (`seq` of the undo). Refused with CONFLICT, naming
   * who and what in words, when somebody else touched it since; the window's own changes never count. Without `seq`:
   * this person's last change made in the app (as before).
   */
  undo: {
    input: z.object({ team: teamNameSchema, seq: z.number().int().positive().optional(), redo: z.boolean().optional() }).strict(),
    output: z.object({ undone: journalEntrySchema, tasks: z.array(taskSchema), team: z.string().optional(), trash: z.string().optional() }),
  },
  /** The team's recent history in words, newest last: at launch, per team, and after live changes (`afterSeq`). */
  activity: {
    input: z
      .object({
        team: teamNameSchema,
        afterSeq: z.number().int().min(0).optional(),
        limit: z.number().int().positive().max(1000).default(100),
      })
      .strict(),
    output: z.object({ items: z.array(activityItemSchema), lastSeq: z.number() }),
  },
  history: {
    input: z
      .object({ team: teamNameSchema, taskId: taskIdSchema.optional(), limit: z.number().int().positive().max(5000).default(200) })
      .strict(),
    output: z.object({ entries: z.array(journalEntrySchema) }),
  },
  doctor: {
    input: z.object({ team: teamNameSchema, oldClaimMs: z.number().int().positive().optional() }).strict(),
    output: z.object({ findings: z.array(findingSchema) }),
  },
  fixFinding: {
    input: z
      .object({
        team: teamNameSchema,
        findingId: z.string().min(1).max(600),
        oldClaimMs: z.number().int().positive().optional(),
        reason: reasonSchema.optional(),
      })
      .strict(),
    output: z.object({ fixed: findingSchema }),
  },
  sweepTeam: {
    input: z.object({ team: teamNameSchema, olderThanMs: z.number().int().positive().optional() }).strict(),
    output: sweepResultSchema,
  },
  // Messages and costs (messages-api.ts).
  ...MESSAGE_API,
  // Approvals: plans, shutdown and join requests (requests-api.ts).
  ...REQUEST_API,
  // Running agents (agents-api.ts).
  ...AGENT_API,
} as const;

export type ApiName = keyof typeof API;
export type ApiInput<N extends ApiName> = z.input<(typeof API)[N]['input']>;
export type ApiOutput<N extends ApiName> = z.output<(typeof API)[N]['output']>;
export const API_NAMES = Object.keys(API) as ApiName[];

/** A journal entry a call wrote: what the window's undo stack keeps (the window's own changes, by number). */
export const journaledChangeSchema = z.object({
  team: z.string(),
  seq: z.number(),
  op: z.string(),
  /** The change in words: `assigned "Docs" to tester`. */
  text: z.string(),
  taskId: z.string().optional(),
  /** Whether it can be undone (task, member and team changes; not, for example, a stall-radar temp-file fix). */
  undoable: z.boolean(),
  /** A deleted team's place in the trash: undoing brings it back from there. */
  trash: z.string().optional(),
});
export type JournaledChange = z.output<typeof journaledChangeSchema>;
export type ActivityItem = z.output<typeof activityItemSchema>;

/**
 * What every call returns across IPC: Electron forwards only an error's message from `handle`, so errors are data.
 * A call that changed something also lists the journal entries it wrote (`journaled`).
 */
export type ApiResult<T> = { ok: true; value: T; journaled?: JournaledChange[] } | { ok: false; error: SerializedError };

/** Menu items whose work happens in the window. */
export const MENU_COMMANDS = [
  'newTask',
  'find',
  'shortcuts',
  'toggleActivity',
  'toggleTheme',
  'undo',
  'redo',
  'connectDatabase',
  'newTeamFromTemplate',
] as const;

/** Events main pushes to the window. */
export const EVENTS = {
  /** Task files of a team changed on disk (any writer); `ids` when known. */
  tasksChanged: z.object({ team: z.string(), ids: z.array(z.string()), at: z.number() }),
  /** What changed in a task, seen by the watcher (any writer): who, what, when — for the activity strip. */
  activity: z.object({
    team: z.string(),
    taskId: z.string(),
    subject: z.string(),
    /** Best guess of who acted: the claim holder or owner after the change, or "" when unknown. */
    actor: z.string(),
    kind: z.enum(['created', 'changed', 'deleted']),
    /** The journal entry that made the change, when a Lockstep writer made it (the activity view reads it). */
    seq: z.number().optional(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
    at: z.number(),
  }),
  /** A team was created, renamed, deleted, or its config changed: the team list is worth reading again. */
  teamsChanged: z.object({ at: z.number() }),
  /** A team's task counts by status changed (a task created, deleted or moved), and nothing else of the team list. */
  countsChanged: z.object({ team: z.string(), counts: countsSchema, at: z.number() }),
  /** Something went wrong outside a call (the watcher failed, the folder vanished). */
  storeError: serializedErrorSchema,
  /** Another data folder (or a database) was opened. */
  folderChanged: settingsSchema,
  /** The database went away or came back (the window's banner). */
  connectionChanged: connectionSchema,
  /** A command chosen in the application menu that the window carries out (shortcuts shown there, handled here). */
  menuCommand: z.object({ command: z.enum(MENU_COMMANDS) }),
  // Messages and costs (messages-api.ts).
  ...MESSAGE_EVENTS,
  // Running agents (agents-api.ts).
  ...AGENT_EVENTS,
} as const;

export type EventName = keyof typeof EVENTS;
export type MenuCommand = (typeof MENU_COMMANDS)[number];
export type EventPayload<E extends EventName> = z.output<(typeof EVENTS)[E]>;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];

/** The IPC channel of a call or event; one fixed prefix so main can reject anything else. */
export const channelOf = (name: ApiName | EventName): string => `lockstep:${name}`;

/** The typed API the preload exposes as `window.lockstep`. */
export type LockstepApi = {
  [N in ApiName]: (input: ApiInput<N>) => Promise<ApiResult<ApiOutput<N>>>;
} & {
  on<E extends EventName>(event: E, callback: (payload: EventPayload<E>) => void): () => void;
};
