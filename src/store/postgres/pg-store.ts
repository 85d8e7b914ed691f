import type { PoolClient } from 'pg';
import type { FileProblem, TaskList, TeamConfig, TeamSummary, VersionedTask } from '../../shared/domain';
import { InvalidInputError } from '../../shared/errors';
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
import type { JournalEntry } from '../core/journal-format';
import type { Actor, DoctorRequest, Store, SweepRequest, TrackedEntry, UndoChangeOptions, UndoneChange } from '../core/store-api';
import type * as ops from '../core/task-ops';
import type { BulkResult } from '../core/task-bulk';
import { CHANGES_CHANNEL } from './connection';
import { watchChanges, type ChangeNotice } from './watch';
import { PgCosts } from './pg-costs';
import { PgMessages } from './pg-messages';
import { PgRequests } from './pg-requests';
import { journalOf, journalTail } from './pg-journal';
import { PgContext, type PostgresStoreOptions, type Settle } from './pg-context';
import { mutate, mutateTeam } from './pg-mutate';
import * as claims from './pg-claims';
import * as doctor from './pg-doctor';
import * as tasks from './pg-tasks';
import * as teams from './pg-teams';
import { undoChange, undoLast, type UndoAccess } from './pg-undo';
import type { DeletedTeam } from '../../shared/model';

export type { PostgresStoreOptions };
export { CHANGES_CHANNEL };

/**
 * The task store on PostgreSQL: the same public methods, results and errors as LockstepStore (the data folder).
 *
 * Locking: every task mutation takes the team's row FOR SHARE and the rows of the tasks it touches FOR UPDATE, so
 * mutations of different tasks run in parallel and those of one task one after the other. Mutations that need the
 * whole team (dependency resolution on complete, delete, cycle checks, sweep, radar fixes, undo) take the team row
 * FOR UPDATE instead, which excludes every other writer of the team. Team changes (members, rename) do too.
 * `claim --next` takes candidate rows with FOR UPDATE SKIP LOCKED, so claimers never wait on each other. The journal
 * number comes from the team's sequence, taken last, just before COMMIT, with no lock held past that statement, and
 * the NOTIFY runs right after the COMMIT (pg-context.ts): nothing team-wide orders the commits of one team.
 * Readers that follow the journal by number read up to a safe horizon (pg-journal.ts). Each mutation is one
 * transaction.
 *
 * This class is the facade; the work is in its parts, one job each: pg-context (connections, retries, the journal
 * append and commit), pg-mutate (the transaction core), pg-teams, pg-tasks, pg-claims, pg-doctor, pg-undo,
 * pg-journal, pg-trash, and pg-messages / pg-costs for messages and costs.
 */
export class PostgresStore implements Store {
  readonly url: string;
  readonly actor: Actor;
  private readonly ctx: PgContext;
  /** Team messages (pg-messages.ts) and costs (pg-costs.ts), in the same database, with the same retries. */
  readonly messages: PgMessages;
  readonly costs: PgCosts;
  /** Plans, shutdown and join requests, answered once (pg-requests.ts). */
  readonly requests: PgRequests;

  constructor(options: PostgresStoreOptions) {
    this.ctx = new PgContext(options);
    this.url = this.ctx.url;
    this.actor = this.ctx.actor;
    const runner = <T>(attempt: (client: PoolClient) => Promise<T>, settle?: Settle<T>) => this.ctx.run(attempt, settle);
    this.messages = new PgMessages(runner);
    this.costs = new PgCosts(runner);
    this.requests = new PgRequests(this.ctx, this.messages);
  }

  /** Runs `work` and reports every journal entry its mutations committed, with the team whose journal holds it. */
  async track<T>(work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }> {
    return this.ctx.track(work);
  }

  /** Closes the connections (a CLI call must, or its process waits for idle connections to time out). */
  async close(): Promise<void> {
    await this.ctx.pool.end();
  }

  /** Creates or upgrades the schema (lockstep store migrate). */
  async migrate(): Promise<{ from: number; to: number; applied: number[] }> {
    return this.ctx.migrate();
  }

  // ---------------------------------------------------------------- live updates

  /**
   * Calls `onChange` with the team (and journal number) of every change committed by anybody, on any machine, through
   * LISTEN/NOTIFY (see watch.ts); `kind` says a message or cost changed (absent: a journaled task or team change).
   */
  async watch(
    onChange: (change: ChangeNotice) => void,
    onStatus: (status: 'connected' | 'unavailable', reason?: string) => void = () => undefined,
  ): Promise<() => Promise<void>> {
    return watchChanges(this.url, onChange, onStatus);
  }

  // ---------------------------------------------------------------- journal (pg-journal.ts)

  async recentJournal(team: string, limit = 200): Promise<JournalEntry[]> {
    assertName(team, 'team');
    return this.ctx.run((client) => journalTail(client, team, 0, limit));
  }

  /** The journal's entries after `afterSeq` (at most the newest 5000 of them), oldest first. */
  async journalSince(team: string, afterSeq: number): Promise<JournalEntry[]> {
    assertName(team, 'team');
    if (!Number.isFinite(afterSeq)) throw new InvalidInputError('Give the journal number to read after.');
    return this.ctx.run((client) => journalTail(client, team, Math.floor(afterSeq), 5000));
  }

  async history(team: string, taskId?: string): Promise<JournalEntry[]> {
    assertName(team, 'team');
    if (taskId !== undefined) assertName(taskId, 'task id');
    return this.ctx.run((client) => journalOf(client, team, taskId));
  }

  // ---------------------------------------------------------------- teams (pg-teams.ts, pg-trash.ts)

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
   * Moves the team into the database's trash (pg-trash.ts) with its tasks, members, journal, messages and costs;
   * `trash` names it for restoreTeam. Journaled (team.delete) in the deleted team's journal, as in a data folder.
   */
  deleteTeam(team: string): Promise<DeletedTeam> {
    return teams.deleteTeam(this.ctx, team);
  }

  /** Brings a deleted team back from the trash, unless a team of that name exists again (ALREADY_EXISTS). */
  restoreTeam(trash: string): Promise<TeamConfig> {
    return teams.restoreTeam(this.ctx, trash);
  }

  /** Sets the team budget (ClawTeam's `budgetCents`, a float; 0 = none) in its config, one transaction. */
  setBudget(team: string, budgetCents: number): Promise<TeamConfig> {
    return teams.setBudget(this.ctx, team, budgetCents);
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

  // ---------------------------------------------------------------- tasks (pg-tasks.ts, pg-claims.ts)

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
    return claims.claimTask(this.ctx, team, id, options);
  }

  /** The next ready task for the agent (pg-claims.ts: FOR UPDATE SKIP LOCKED, so claimers never wait on each other). */
  claimNextTask(team: string, options: ops.ClaimOptions): Promise<VersionedTask | null> {
    return claims.claimNextTask(this.ctx, team, options);
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
    return claims.heartbeatTask(this.ctx, team, id, options);
  }

  // ---------------------------------------------------------------- sweep and stall radar (pg-doctor.ts)

  sweepTeam(team: string, request: SweepRequest = {}): Promise<ops.SweepResult> {
    return doctor.sweepTeam(this.ctx, team, request);
  }

  doctor(team: string, request: DoctorRequest = {}): Promise<Finding[]> {
    return doctor.doctor(this.ctx, team, request);
  }

  fixFinding(team: string, findingId: string, request: DoctorRequest = {}): Promise<{ fixed: Finding; task?: VersionedTask }> {
    return doctor.fixFinding(this.ctx, team, findingId, request);
  }

  // ---------------------------------------------------------------- undo (pg-undo.ts)

  /** Undoes the actor's last change that is not undone yet (pg-undo.ts). */
  async undoLast(team: string, actor: Actor = this.actor): Promise<{ undone: JournalEntry; tasks: VersionedTask[] }> {
    return undoLast(this.undoAccess(), team, actor);
  }

  /** Undoes or redoes one journaled change by its number, exactly as the folder store does (pg-undo.ts). */
  async undoChange(team: string, seq: number, options: UndoChangeOptions = {}): Promise<UndoneChange> {
    return undoChange(this.undoAccess(), team, seq, options);
  }

  private undoAccess(): UndoAccess {
    return {
      actor: this.actor,
      mutate: (team, info, run, options) => mutate(this.ctx, team, info, run, options),
      mutateTeam: (team, info, run) => mutateTeam(this.ctx, team, info, run),
      read: (work) => this.ctx.run(work),
    };
  }
}
