import type { FileProblem, TaskList, TeamConfig, TeamSummary, VersionedTask } from '../../shared/domain';
import { assertName } from '../../shared/names';
import type {
  CreateTaskInput,
  CreateTeamInput,
  NewMember,
  TaskFilter,
  UpdateTaskPatch,
  BulkChange,
  MemberProfilePatch,
} from '../../shared/schemas';
import type { Finding } from '../core/doctor';
import { readJournal, readRecent, readSince } from './journal';
import { type JournalEntry } from '../core/journal-format';
import type { Mailbox } from './inbox';
import { CostStore } from './costs';
import { FolderMessages } from './folder-messages';
import { FolderRequests } from './requests-folder';
import type { StorePaths } from './paths';
import type { Actor, DoctorRequest, Store, SweepRequest, TrackedEntry, UndoChangeOptions, UndoneChange } from '../core/store-api';
import { FolderContext, type StoreOptions } from './store-context';
import * as doctor from './store-doctor';
import * as tasks from './store-tasks';
import * as teams from './store-teams';
import * as trash from './store-trash';
import * as undo from './store-undo';
import type * as ops from '../core/task-ops';
import type { BulkResult } from '../core/task-bulk';
import { assertNoLinks } from './safe-fs';
import { teamNotFound } from '../../shared/errors';
import * as fs from 'fs';
import type { DeletedTeam } from '../../shared/model';

export type { DoctorRequest, StoreOptions, SweepRequest, TrackedEntry };
export { TRASH_ID, TRASH_KEEP } from '../core/store-api';

/**
 * The task store: one data folder in ClawTeam's layout. Reads take no lock (every writer replaces files atomically);
 * every mutation runs inside the team's write lock via its TeamWriter and re-reads what it changes there.
 *
 * This class is the facade (the `Store` interface, store-api.ts); the work is in its parts, one job each:
 * store-teams (teams and members), store-trash (deleted teams), store-tasks (task reads, mutations and claims),
 * store-undo, store-doctor, sharing store-context (the data folder, the team writers, journal info).
 */
export class LockstepStore implements Store {
  private readonly ctx: FolderContext;
  readonly paths: StorePaths;
  readonly actor: Actor;

  constructor(options: StoreOptions) {
    this.ctx = new FolderContext(options);
    this.paths = this.ctx.paths;
    this.actor = this.ctx.actor;
  }

  /**
   * Runs `work` and reports every journal entry the mutations it started wrote, with the team whose journal holds
   * it: how the app knows which changes are the window's own (its undo stack), without asking "whose last entry".
   */
  track<T>(work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }> {
    return this.ctx.track(work);
  }

  /** The journal's most recent entries (its tail), cheap enough to consult on every change. */
  async recentJournal(team: string): Promise<JournalEntry[]> {
    return readRecent(this.paths.lockstepDir(assertName(team, 'team')));
  }

  /** The journal's entries after `afterSeq`, reading only the end of the file that holds them. */
  async journalSince(team: string, afterSeq: number): Promise<JournalEntry[]> {
    return readSince(this.paths.lockstepDir(assertName(team, 'team')), afterSeq);
  }

  /** The team's journal, oldest first (optionally only entries touching one task). */
  async history(team: string, taskId?: string): Promise<JournalEntry[]> {
    assertName(team, 'team');
    if (taskId !== undefined) assertName(taskId, 'task id');
    if (!fs.existsSync(this.paths.tasksDir(team)) && !fs.existsSync(this.paths.teamConfig(team))) {
      throw teamNotFound(team);
    }
    assertNoLinks(this.paths.root, this.paths.lockstepDir(team), 'dir');
    return readJournal(this.paths.lockstepDir(team), this.ctx.writerOptions.journal, taskId);
  }

  // ---------------------------------------------------------------- teams (store-teams.ts, store-trash.ts)

  listTeams(): Promise<{ teams: TeamSummary[]; problems: FileProblem[] }> {
    return teams.listTeams(this.ctx);
  }

  getTeam(team: string): Promise<TeamConfig> {
    return teams.getTeam(this.ctx, team);
  }

  createTeam(input: CreateTeamInput): Promise<TeamConfig> {
    return teams.createTeam(this.ctx, input);
  }

  renameTeam(team: string, newName: string): Promise<TeamConfig> {
    return teams.renameTeam(this.ctx, team, newName);
  }

  setTeamDisplayName(team: string, displayName: string | null): Promise<TeamConfig> {
    return teams.setTeamDisplayName(this.ctx, team, displayName);
  }

  /**
   * Deletes a team: its config folder and its tasks (with its journal) move into the data folder's trash
   * (`.lockstep/trash/<id>/`, the newest TRASH_KEEP kept), so the deletion can be undone with restoreTeam(id).
   */
  deleteTeam(team: string): Promise<DeletedTeam> {
    return trash.deleteTeam(this.ctx, team);
  }

  restoreTeam(id: string): Promise<TeamConfig> {
    return trash.restoreTeam(this.ctx, id);
  }

  addMember(team: string, member: NewMember): Promise<TeamConfig> {
    return teams.addMember(this.ctx, team, member);
  }

  removeMember(team: string, name: string): Promise<TeamConfig> {
    return teams.removeMember(this.ctx, team, name);
  }

  setMemberProfile(team: string, name: string, profile: MemberProfilePatch): Promise<TeamConfig> {
    return teams.setMemberProfile(this.ctx, team, name, profile);
  }

  setBudget(team: string, budgetCents: number): Promise<TeamConfig> {
    return teams.setBudget(this.ctx, team, budgetCents);
  }

  // ---------------------------------------------------------------- messages and costs (inbox.ts, costs.ts)

  private costStore?: CostStore;
  private folderMessages?: FolderMessages;

  /** Team messages on ClawTeam's inbox files. */
  get mailbox(): Mailbox {
    return this.ctx.mailbox;
  }

  /** The mailbox's calls as Promises: the `MessageService` both backends have (`Store.messages`). */
  get messages(): FolderMessages {
    return (this.folderMessages ??= new FolderMessages(this.mailbox));
  }

  /** Plans, shutdown and join requests on ClawTeam's files, answered once (requests-folder.ts). */
  get requests(): FolderRequests {
    return (this.folderRequests ??= new FolderRequests(this.ctx));
  }

  private folderRequests?: FolderRequests;

  /** Cost events and summary on ClawTeam's cost files (the `CostService` both backends have). */
  get costs(): CostStore {
    return (this.costStore ??= new CostStore(this.paths));
  }

  // ---------------------------------------------------------------- tasks (store-tasks.ts)

  listTasks(team: string, filter: TaskFilter = {}): Promise<TaskList> {
    return tasks.listTasks(this.ctx, team, filter);
  }

  getTask(team: string, id: string): Promise<VersionedTask> {
    return tasks.getTask(this.ctx, team, id);
  }

  createTask(team: string, input: CreateTaskInput): Promise<VersionedTask> {
    return tasks.createTask(this.ctx, team, input);
  }

  updateTask(team: string, id: string, patch: UpdateTaskPatch, options: ops.ActorOptions = {}): Promise<VersionedTask> {
    return tasks.updateTask(this.ctx, team, id, patch, options);
  }

  claimTask(team: string, id: string, options: ops.ClaimOptions): Promise<VersionedTask> {
    return tasks.claimTask(this.ctx, team, id, options);
  }

  claimNextTask(team: string, options: ops.ClaimOptions): Promise<VersionedTask | null> {
    return tasks.claimNextTask(this.ctx, team, options);
  }

  releaseTask(team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
    return tasks.releaseTask(this.ctx, team, id, options);
  }

  completeTask(team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
    return tasks.completeTask(this.ctx, team, id, options);
  }

  deleteTask(team: string, id: string, options: ops.ActorOptions = {}): Promise<VersionedTask> {
    return tasks.deleteTask(this.ctx, team, id, options);
  }

  bulkChangeTasks(team: string, ids: string[], change: BulkChange, options: ops.ActorOptions = {}): Promise<BulkResult> {
    return tasks.bulkChangeTasks(this.ctx, team, ids, change, options);
  }

  heartbeatTask(team: string, id: string, options: ops.ClaimOptions & { leaseMs: number }): Promise<VersionedTask> {
    return tasks.heartbeatTask(this.ctx, team, id, options);
  }

  sweepTeam(team: string, request: SweepRequest = {}): Promise<ops.SweepResult> {
    return tasks.sweepTeam(this.ctx, team, request);
  }

  // ---------------------------------------------------------------- undo (store-undo.ts)

  undoLast(team: string, actor: Actor = this.actor): Promise<{ undone: JournalEntry; tasks: VersionedTask[] }> {
    return undo.undoLast(this.ctx, team, actor);
  }

  /** Undoes (or redoes) one journal entry named by its number: the app's undo stack (see store-undo.ts). */
  undoChange(team: string, seq: number, options: UndoChangeOptions = {}): Promise<UndoneChange> {
    return undo.undoChange(this.ctx, team, seq, options);
  }

  // ---------------------------------------------------------------- stall radar (store-doctor.ts)

  doctor(team: string, request: DoctorRequest = {}): Promise<Finding[]> {
    return doctor.doctor(this.ctx, team, request);
  }

  fixFinding(team: string, findingId: string, request: DoctorRequest = {}): Promise<{ fixed: Finding; task?: VersionedTask }> {
    return doctor.fixFinding(this.ctx, team, findingId, request);
  }
}
