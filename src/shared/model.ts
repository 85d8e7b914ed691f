import { z } from 'zod';

/**
 * The one source of Lockstep's shapes: a zod schema for each thing the store, the CLI, main and the window pass
 * around, and its TypeScript type derived from it (`z.infer`), never written a second time by hand. The IPC
 * contract (api.ts) answers with these schemas; input schemas with limits and name rules are in schemas.ts; the
 * lenient reading of ClawTeam's files (missing fields get defaults) lives next to the folder backend
 * (src/store/core/clawteam-format.ts). This file imports nothing of ours, so nothing in src/shared can loop through it.
 */

// ---- tasks ---------------------------------------------------------------------------------------------------

export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'blocked'] as const;
export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const statusSchema = z.enum(TASK_STATUSES);
export const prioritySchema = z.enum(TASK_PRIORITIES);
export type TaskStatus = z.infer<typeof statusSchema>;
export type TaskPriority = z.infer<typeof prioritySchema>;

/**
 * A task as it lies on disk in ClawTeam's format (camelCase JSON), exactly its fields. Unset strings are ""
 * (ClawTeam's convention), not null. Lockstep's own bookkeeping lives in `metadata.lockstep`.
 */
export const taskSchema = z.object({
  id: z.string(),
  subject: z.string(),
  description: z.string(),
  status: statusSchema,
  priority: prioritySchema,
  owner: z.string(),
  lockedBy: z.string(),
  lockedAt: z.string(),
  blocks: z.array(z.string()),
  blockedBy: z.array(z.string()),
  startedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});
export type Task = z.infer<typeof taskSchema>;

/** A task as read: its fields plus `version`, a hash of the file's bytes (changes whenever anybody rewrites it). */
export const versionedTaskSchema = taskSchema.extend({ version: z.string() });
export type VersionedTask = z.infer<typeof versionedTaskSchema>;

export const claimInfoSchema = z.object({
  /** Agent name; must equal the task's `lockedBy` (and `at` its `lockedAt`) or the record is stale. */
  agent: z.string(),
  at: z.string(),
  /** Fencing number of this claim: every new claim of a task gets a higher one. */
  token: z.number(),
  /** Process that holds the claim, when the claimer named one; with `host`, lets a sweep see it is gone. */
  pid: z.number().optional(),
  host: z.string().optional(),
  /** Lease expiry (ClawTeam timestamp); an expired lease may be swept or taken over. */
  leaseUntil: z.string().optional(),
});
export type ClaimInfo = z.infer<typeof claimInfoSchema>;

/** What Lockstep keeps under `metadata.lockstep` of a task. */
export const lockstepTaskMetaSchema = z.object({
  /** Highest fencing number handed out for this task. */
  fence: z.number().optional(),
  claim: claimInfoSchema.optional(),
});
export type LockstepTaskMeta = z.infer<typeof lockstepTaskMetaSchema>;

/** A file the store could not read as what it should be; reported, never overwritten. */
export const fileProblemSchema = z.object({ path: z.string(), reason: z.string() });
export type FileProblem = z.infer<typeof fileProblemSchema>;

export const taskListSchema = z.object({ tasks: z.array(versionedTaskSchema), problems: z.array(fileProblemSchema) });
export type TaskList = z.infer<typeof taskListSchema>;

// ---- members and teams ---------------------------------------------------------------------------------------

/**
 * What Lockstep knows about a member beyond ClawTeam's fields: a role, capability tags and a work-in-progress
 * limit (see members.ts). Kept in Lockstep's own file beside the journal.
 */
export const memberProfileSchema = z.object({
  role: z.string().optional(),
  capabilities: z.array(z.string()).optional(),
  wipLimit: z.number().optional(),
  /** What people call the member when its name is a short one made from it ("Sam Lee" for sam-lee). */
  displayName: z.string().optional(),
});
export type MemberProfile = z.infer<typeof memberProfileSchema>;

export const memberSchema = z.object({
  name: z.string(),
  user: z.string(),
  agentId: z.string(),
  agentType: z.string(),
  joinedAt: z.string(),
  /** Lockstep's member profile (role, capabilities, WIP limit). */
  lockstep: memberProfileSchema.optional(),
});
export type Member = z.infer<typeof memberSchema>;

export const teamConfigSchema = z.object({
  name: z.string(),
  description: z.string(),
  leadAgentId: z.string(),
  createdAt: z.string(),
  members: z.array(memberSchema),
  budgetCents: z.number(),
});
export type TeamConfig = z.infer<typeof teamConfigSchema>;

/** Tasks of a team by status. */
export const countsSchema = z.object({ pending: z.number(), in_progress: z.number(), completed: z.number(), blocked: z.number() });
export type StatusCounts = z.infer<typeof countsSchema>;

export const teamSummarySchema = z.object({
  name: z.string(),
  /** What people call the team when its name is a short one made from it ("Marketing Launch"); Lockstep's own. */
  displayName: z.string().optional(),
  description: z.string(),
  memberCount: z.number(),
  leader: z.string(),
  counts: countsSchema,
});
export type TeamSummary = z.infer<typeof teamSummarySchema>;

/** A deleted team: `trash` is what restoreTeam takes back (a data folder's trash entry, or the database's). */
export const deletedTeamSchema = z.object({ team: z.string(), deletedTasks: z.number(), trash: z.string() });
export type DeletedTeam = z.infer<typeof deletedTeamSchema>;

/** Who acts, and through what (`cli`, `app`, `api`): recorded in every journal entry. */
export interface Actor {
  name: string;
  via: string;
}

// ---- the journal ---------------------------------------------------------------------------------------------

export const journalTaskChangeSchema = z.object({
  id: z.string(),
  /** The changed fields only, before and after. A created task has no `before`, a deleted one no `after`. */
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  versionBefore: z.string().nullable(),
  versionAfter: z.string().nullable(),
  /** For a deleted task: the whole file as it was, so undo restores it exactly (unknown fields, numbers as written). */
  file: z.string().optional(),
});
export type JournalTaskChange = z.infer<typeof journalTaskChangeSchema>;

export const journalEntrySchema = z.object({
  seq: z.number(),
  at: z.string(),
  /** Agent name, or "person@host" for a person. */
  actor: z.string(),
  /** How the change came: cli, app, api. */
  via: z.string(),
  pid: z.number(),
  host: z.string(),
  /** What was done: task.create, task.claim, team.rename, ... */
  op: z.string(),
  team: z.string(),
  /** The task the operation was about, when there is one. */
  taskId: z.string().optional(),
  reason: z.string().optional(),
  /** For team operations (no task changes) and undo (`undoes`): what was done. */
  details: z.record(z.string(), z.unknown()).optional(),
  tasks: z.array(journalTaskChangeSchema),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

// ---- the sweep -----------------------------------------------------------------------------------------------

/** A claim the sweep released, and why: its lease ran out, its process is gone, or it was older than asked. */
export const sweptClaimSchema = z.object({
  taskId: z.string(),
  holder: z.string(),
  lockedAt: z.string(),
  reason: z.enum(['lease-expired', 'holder-gone', 'too-old']),
});
export type SweptClaim = z.infer<typeof sweptClaimSchema>;

export const sweepResultSchema = z.object({ released: z.array(sweptClaimSchema), removedTempFiles: z.array(z.string()) });
export type SweepResult = z.infer<typeof sweepResultSchema>;

// ---- the stall radar (doctor) --------------------------------------------------------------------------------

export const FINDING_KINDS = [
  'holder-gone',
  'lease-expired',
  'old-claim',
  'blocked-but-free',
  'dependency-cycle',
  'dangling-blocker',
  'temp-file',
  'corrupt-file',
  // Mailbox findings (mailbox-doctor.ts)
  'orphan-claim',
  'stranger-inbox',
  'dead-letter',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export const FIX_ACTIONS = [
  'release',
  'unblock',
  'remove-dangling',
  'break-cycle',
  'remove-temp-file',
  'quarantine',
  // Mailbox fixes (mailbox-doctor.ts)
  'return-to-inbox',
  'archive-dead-letter',
  'add-member',
] as const;
export type FixAction = (typeof FIX_ACTIONS)[number];

export const findingSchema = z.object({
  /** Stable while the problem lasts: pass it to fixFinding. */
  id: z.string(),
  kind: z.enum(FINDING_KINDS),
  taskId: z.string().optional(),
  path: z.string().optional(),
  message: z.string(),
  fix: z.object({ action: z.enum(FIX_ACTIONS), label: z.string() }),
  /** For break-cycle: the link to remove (task `from` stops waiting for `to`). */
  link: z.object({ from: z.string(), to: z.string() }).optional(),
});
export type Finding = z.infer<typeof findingSchema>;

// ---- the app's settings --------------------------------------------------------------------------------------

export const THEMES = ['system', 'light', 'dark'] as const;
export const themeSchema = z.enum(THEMES);
export type Theme = z.infer<typeof themeSchema>;

/** The settings in effect, as the window sees them. */
export const settingsSchema = z.object({
  /** The open data folder. */
  dataDir: z.string(),
  /** Where it came from: chosen in the app, a flag, an environment variable, ClawTeam's config, or the default. */
  dataDirSource: z.string(),
  /** Whether every write also holds ClawTeam's flock (on unless turned off for folders no ClawTeam writes to). */
  clawteamInterlock: z.boolean(),
  /** The name this person acts under when claiming (remembered between runs; never ClawTeam's default "agent"). */
  agentName: z.string(),
  /** Light, dark, or following the system (prefers-color-scheme). */
  theme: themeSchema,
  /** The activity region at the bottom of the window: shown or collapsed, and its height in pixels. */
  /** null: not chosen yet, so the window decides by its height (collapsed below 800 px). */
  activityOpen: z.boolean().nullable(),
  activityHeight: z.number(),
  /** The messages column at the right of the board: shown, folded to a rail, or null (follow the window's width). */
  messagesOpen: z.boolean().nullable(),
  /** Desktop notifications of what needs attention: only when the person turned them on (off by default). */
  notifications: z.boolean().optional(),
  /**
   * The PostgreSQL database the app works on instead of the data folder (File › Connect to Database…), absent on a
   * data folder. `url` never holds a password; `label` is the short "host:port/dbname" the window shows.
   */
  database: z.object({ url: z.string(), label: z.string() }).optional(),
});
export type Settings = z.infer<typeof settingsSchema>;
