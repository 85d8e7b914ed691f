import * as os from 'os';
import type { FileProblem, TaskList, TeamConfig, TeamSummary, VersionedTask } from '../../shared/domain';
import type { Actor, DeletedTeam, SweepResult } from '../../shared/model';
import type {
  CreateTaskInput,
  CreateTeamInput,
  MemberProfilePatch,
  NewMember,
  TaskFilter,
  UpdateTaskPatch,
  BulkChange,
} from '../../shared/schemas';
import { cleanUserName } from '../../shared/names';
import type { Finding } from './doctor';
import type { JournalEntry } from './journal-format';
import type { CostService, MessageService } from './message-service';
import type { RequestService } from './requests';
import type { ActorOptions, ClaimOptions } from './task-ops';
import type { BulkResult } from './task-bulk';

/** Who acts (Actor) is in shared/model.ts, with the contract's types. */
export type { Actor };

/** Who acts when nobody says: the OS user (cleaned to a safe name) at this host, through the API. Both backends use it. */
export function defaultActor(host: string): Actor {
  let name: string;
  try {
    name = cleanUserName(os.userInfo().username);
  } catch {
    name = 'person'; // no user database entry (containers)
  }
  return { name: `${name}@${host}`, via: 'api' };
}

/** How undoChange is asked: by whom, the window's own change numbers (`trusted`), and whether to redo. */
export interface UndoChangeOptions {
  actor?: Actor;
  trusted?: ReadonlySet<number>;
  redo?: boolean;
}

/** What undoChange did: the entry undone, the tasks it restored, the team's config after a team change, and where. */
export interface UndoneChange {
  undone: JournalEntry;
  tasks: VersionedTask[];
  config?: TeamConfig;
  team: string;
  /** Undoing a team's creation: its trash id. */
  trash?: string;
}

/** A journal entry a tracked call wrote, and the team whose journal holds it. */
export interface TrackedEntry {
  team: string;
  entry: JournalEntry;
}

export interface DoctorRequest {
  oldClaimMs?: number;
  /** Why a fix is applied (journaled): required by the app for releasing a claim that is still held. */
  reason?: string;
  tempFileAgeMs?: number;
}

export interface SweepRequest {
  olderThanMs?: number;
  tempFileAgeMs?: number;
}

/** A trash id: the time (base 36) and 6 hex digits; the database's trash uses the same ids. */
export const TRASH_ID = /^[a-z0-9]{1,12}-[0-9a-f]{6}$/;

/** How many deleted teams the trash keeps. */
export const TRASH_KEEP = 20;

/**
 * The store: what every backend implements (the data folder, `LockstepStore`, and PostgreSQL, `PostgresStore`),
 * with the same results and the same errors (src/shared/errors.ts). The app, the CLI, the tests and the benchmarks
 * program against this; `openStore` (open.ts) chooses the backend.
 *
 * Every mutation is atomic, checked inside the team's lock (or transaction) and journaled; calls that name an agent
 * are journaled as that agent, others as `actor`. Still folder-only (not here): the synchronous `mailbox`
 * (ClawTeam's inbox files as they are) and dead letters.
 */
export interface Store {
  /** Who acts when a call names no agent. */
  readonly actor: Actor;

  // ---- journal

  /** The team's journal, oldest first (optionally only entries touching one task). */
  history(team: string, taskId?: string): Promise<JournalEntry[]>;
  /** The journal's entries after `afterSeq`, oldest first. */
  journalSince(team: string, afterSeq: number): Promise<JournalEntry[]>;
  /** The journal's most recent entries (its tail), oldest first. */
  recentJournal(team: string): Promise<JournalEntry[]>;
  /**
   * Runs `work` and reports every journal entry the mutations it started wrote, with the team whose journal holds
   * it: how the app knows which changes are the window's own (its undo stack).
   */
  track<T>(work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }>;

  // ---- teams and members

  /** Every team with its task counts, and the files that could not be read (never thrown: shown beside the list). */
  listTeams(): Promise<{ teams: TeamSummary[]; problems: FileProblem[] }>;
  getTeam(team: string): Promise<TeamConfig>;
  createTeam(input: CreateTeamInput): Promise<TeamConfig>;
  renameTeam(team: string, newName: string): Promise<TeamConfig>;
  /** Sets what people call the team ("Spring Launch"; null: its name); agents keep using its name. Undoable. */
  setTeamDisplayName(team: string, displayName: string | null): Promise<TeamConfig>;
  /** Moves the team to the trash (a data folder's .lockstep/trash, or the database's); `trash` is what restoreTeam takes. */
  deleteTeam(team: string): Promise<DeletedTeam>;
  /** Brings a deleted team back from the trash, unless a team of that name exists again (ALREADY_EXISTS). */
  restoreTeam(trash: string): Promise<TeamConfig>;
  addMember(team: string, member: NewMember): Promise<TeamConfig>;
  removeMember(team: string, name: string): Promise<TeamConfig>;
  /** Sets a member's role, capability tags and work-in-progress limit (null clears one). */
  setMemberProfile(team: string, name: string, profile: MemberProfilePatch): Promise<TeamConfig>;
  /** Sets the team budget (ClawTeam's `budgetCents`, a float; 0 = none). */
  setBudget(team: string, budgetCents: number): Promise<TeamConfig>;

  // ---- tasks

  listTasks(team: string, filter?: TaskFilter): Promise<TaskList>;
  getTask(team: string, id: string): Promise<VersionedTask>;
  createTask(team: string, input: CreateTaskInput): Promise<VersionedTask>;
  updateTask(team: string, id: string, patch: UpdateTaskPatch, options?: ActorOptions): Promise<VersionedTask>;
  deleteTask(team: string, id: string, options?: ActorOptions): Promise<VersionedTask>;
  /** One change (owner, status, priority or delete) to many tasks: all or nothing, one journal entry. */
  bulkChangeTasks(team: string, ids: string[], change: BulkChange, options?: ActorOptions): Promise<BulkResult>;

  // ---- claims

  claimTask(team: string, id: string, options: ClaimOptions): Promise<VersionedTask>;
  /** Claims the best ready task for the agent (its capabilities and WIP limit respected); null when none. */
  claimNextTask(team: string, options: ClaimOptions): Promise<VersionedTask | null>;
  releaseTask(team: string, id: string, options: ActorOptions): Promise<VersionedTask>;
  completeTask(team: string, id: string, options: ActorOptions): Promise<VersionedTask>;
  heartbeatTask(team: string, id: string, options: ClaimOptions & { leaseMs: number }): Promise<VersionedTask>;
  /** Releases claims whose holder is gone or whose lease ran out (and old temp files). */
  sweepTeam(team: string, request?: SweepRequest): Promise<SweepResult>;

  // ---- undo

  /**
   * Undoes the last change `actor` made (through `via`) that is not undone yet, checked inside the lock: refused
   * with CONFLICT, naming who, when anybody touched those tasks since.
   */
  undoLast(team: string, actor?: Actor): Promise<{ undone: JournalEntry; tasks: VersionedTask[] }>;
  /**
   * Undoes (or with `redo`, redoes) one journaled change by its number: the window's undo stack. Refused with
   * CONFLICT, naming who did what, when anybody outside `trusted` (the window's own change numbers) touched the same
   * task or member since. Undoing a team's deletion brings it back from the trash; undoing its creation moves it there.
   */
  undoChange(team: string, seq: number, options?: UndoChangeOptions): Promise<UndoneChange>;

  // ---- doctor (the stall radar)

  /** What keeps the team's work from moving, each with its fix. Reads only. */
  doctor(team: string, request?: DoctorRequest): Promise<Finding[]>;
  /** Applies one finding's fix (looked up again inside the lock: NOT_FOUND when it no longer holds). */
  fixFinding(team: string, findingId: string, request?: DoctorRequest): Promise<{ fixed: Finding; task?: VersionedTask }>;

  // ---- messages and costs

  messages: MessageService;
  costs: CostService;
  /** Plans, shutdown and join requests, answered once (requests.ts). */
  requests: RequestService;
}
