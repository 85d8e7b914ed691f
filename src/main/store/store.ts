import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  PRIORITY_RANK,
  emptyCounts,
  inboxName,
  leaderOf,
  type FileProblem,
  type Member,
  type TaskList,
  type TeamConfig,
  type TeamSummary,
  type VersionedTask,
} from '../../shared/domain';
import { AlreadyExistsError, CorruptFileError, InvalidInputError, NotFoundError, UnsafePathError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import {
  createTaskInputSchema,
  createTeamInputSchema,
  memberProfilePatchSchema,
  newMemberSchema,
  parseInput,
  taskFilterSchema,
  updateTaskPatchSchema,
  type CreateTaskInput,
  type CreateTeamInput,
  type NewMember,
  type TaskFilter,
  type UpdateTaskPatch,
} from '../../shared/schemas';
import type { MemberProfile } from '../../shared/members';
import { nowMicros, nowTimestamp, parseTimestamp } from '../../shared/time';
import { diagnose, listTempFiles, type DiagnoseOptions, type Finding } from './doctor';
import { StorePaths } from './paths';
import { applyProfiles, readProfiles, readTeamConfig, writeProfiles, writeTeamConfig, type LoadedTeamConfig } from './team-config';
import { assertNoLinks, fsyncDir, mkdirInside, unlinkInside } from './safe-fs';
import { hasPendingIntent, intentAbandoned } from './intent';
import { teamBoundaryProblems } from './boundary';
import { DEFAULT_LOCK_OPTIONS, type TeamLockOptions } from './team-lock';
import { DEFAULT_JOURNAL_OPTIONS, readJournal, readRecent, type JournalEntry, type JournalOptions } from './journal';
import { TeamWriter, type MutationInfo, type WriterOptions } from './team-writer';
import { readTaskFile, TaskFolderScanner, withVersion } from './task-files';
import * as ops from './task-ops';

export interface StoreOptions {
  dataDir: string;
  lock?: Partial<TeamLockOptions>;
  journal?: Partial<JournalOptions>;
  /** Host name recorded in claims that name a process and in the journal (defaults to os.hostname()). */
  host?: string;
  /**
   * Who acts when a call names no agent, and through what (`cli`, `app`, `api`). Defaults to "user@host" via api.
   * Calls that name an agent (claim --as X) are journaled as that agent.
   */
  actor?: { name: string; via: string };
  onWarning?: (message: string) => void;
  /**
   * Hold ClawTeam's flock (tasks/<team>/.tasks.lock) too on every mutation, so ClawTeam's Python writers and Lockstep
   * exclude each other. On by default; LOCKSTEP_CLAWTEAM_INTERLOCK=off turns it off.
   */
  clawteamInterlock?: boolean;
}

export interface DoctorRequest {
  oldClaimMs?: number;
  tempFileAgeMs?: number;
}

export interface SweepRequest {
  olderThanMs?: number;
  tempFileAgeMs?: number;
}

/**
 * The task store: one data folder in ClawTeam's layout. Reads take no lock (every writer replaces files atomically);
 * every mutation runs inside the team's write lock via its TeamWriter and re-reads what it changes there.
 */
export class LockstepStore {
  readonly paths: StorePaths;
  private readonly writerOptions: WriterOptions;
  private readonly writers = new Map<string, TeamWriter>();
  private readonly scanner = new TaskFolderScanner();
  /** One roll-forward at a time per team, however many readers find the record. */
  private readonly recovering = new Map<string, Promise<void>>();
  private readonly host: string;
  readonly actor: { name: string; via: string };

  constructor(options: StoreOptions) {
    this.paths = new StorePaths(path.resolve(options.dataDir));
    this.host = options.host ?? os.hostname();
    this.actor = options.actor ?? { name: `${safeUserName()}@${this.host}`, via: 'api' };
    this.writerOptions = {
      lock: { ...DEFAULT_LOCK_OPTIONS, ...options.lock },
      clawteamInterlock: options.clawteamInterlock ?? process.env.LOCKSTEP_CLAWTEAM_INTERLOCK !== 'off',
      journal: { ...DEFAULT_JOURNAL_OPTIONS, ...options.journal },
      host: this.host,
      onWarning: options.onWarning ?? ((message) => process.stderr.write(`lockstep: warning: ${message}\n`)),
    };
  }

  private writer(team: string): TeamWriter {
    assertName(team, 'team');
    let w = this.writers.get(team);
    if (!w) {
      w = new TeamWriter(team, this.paths, this.scanner, this.writerOptions);
      this.writers.set(team, w);
    }
    return w;
  }

  /** Journal info for an operation: the named agent acts, else this store's actor. */
  private info(op: string, agent?: string, extra: Partial<MutationInfo> = {}): MutationInfo {
    return { op, actor: agent ?? this.actor.name, via: this.actor.via, ...extra };
  }

  /** The journal's most recent entries (its tail), cheap enough to consult on every change. */
  recentJournal(team: string): JournalEntry[] {
    return readRecent(this.paths.lockstepDir(assertName(team, 'team')));
  }

  /** The team's journal, oldest first (optionally only entries touching one task). */
  async history(team: string, taskId?: string): Promise<JournalEntry[]> {
    assertName(team, 'team');
    if (taskId !== undefined) assertName(taskId, 'task id');
    if (!fs.existsSync(this.paths.tasksDir(team)) && !fs.existsSync(this.paths.teamConfig(team))) {
      throw new NotFoundError(`Team ${team} does not exist.`, { team });
    }
    assertNoLinks(this.paths.root, this.paths.lockstepDir(team), 'dir');
    return readJournal(this.paths.lockstepDir(team), this.writerOptions.journal, taskId);
  }

  // ---------------------------------------------------------------- teams

  async listTeams(): Promise<{ teams: TeamSummary[]; problems: FileProblem[] }> {
    const teams: TeamSummary[] = [];
    const problems: FileProblem[] = [];
    let names: string[] = [];
    try {
      names = fs.readdirSync(this.paths.teamsDir());
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const name of names.sort()) {
      if (assertSafe(name) === null) continue;
      let loaded: LoadedTeamConfig | undefined;
      try {
        loaded = readTeamConfig(this.paths.root, this.paths.teamConfig(name));
      } catch (err) {
        if (err instanceof CorruptFileError || err instanceof UnsafePathError) {
          problems.push({ path: String(err.details.path), reason: String(err.details.reason) });
        } else throw err;
        continue;
      }
      if (!loaded) continue;
      const { tasks, problems: taskProblems } = await this.listTasks(name);
      const counts = emptyCounts();
      for (const t of tasks) counts[t.status]++;
      problems.push(...taskProblems);
      teams.push({
        name,
        description: loaded.config.description,
        memberCount: loaded.config.members.length,
        leader: leaderOf(loaded.config)?.name ?? '',
        counts,
      });
    }
    return { teams, problems };
  }

  async getTeam(team: string): Promise<TeamConfig> {
    const loaded = readTeamConfig(this.paths.root, this.paths.teamConfig(assertName(team, 'team')));
    if (!loaded) throw new NotFoundError(`Team ${team} does not exist.`, { team });
    return applyProfiles(loaded.config, this.profiles(team));
  }

  /** Member profiles from Lockstep's own file beside the journal (an unreadable one counts as none). */
  private profiles(team: string): ReturnType<typeof readProfiles> {
    try {
      return readProfiles(this.paths.root, this.paths.lockstepDir(team));
    } catch (err) {
      if (err instanceof CorruptFileError || err instanceof UnsafePathError) return {};
      throw err;
    }
  }

  async createTeam(input: CreateTeamInput): Promise<TeamConfig> {
    const values = parseInput(createTeamInputSchema, input, 'team');
    const names = values.members.map((m) => m.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) throw new InvalidInputError(`Member ${dup} is listed twice.`, { member: dup });
    return this.writer(values.name).mutateDirect(this.info('team.create', undefined, { details: { name: values.name } }), () => {
      const configPath = this.paths.teamConfig(values.name);
      if (fs.existsSync(configPath)) throw new AlreadyExistsError(`Team ${values.name} already exists.`, { team: values.name });
      const now = nowTimestamp();
      const members = values.members.map((m) => newMember(m, now));
      const config: TeamConfig = {
        name: values.name,
        description: values.description,
        leadAgentId: members[0]?.agentId ?? '',
        createdAt: now,
        members,
        budgetCents: 0,
      };
      mkdirInside(this.paths.root, this.paths.teamDir(values.name));
      for (const m of members) mkdirInside(this.paths.root, this.paths.inboxDir(values.name, inboxName(m)));
      writeTeamConfig(this.paths.root, configPath, { config, extra: {}, memberExtras: [] });
      return config;
    }, true);
  }

  async renameTeam(team: string, newName: string): Promise<TeamConfig> {
    assertName(team, 'team');
    assertName(newName, 'team');
    if (team === newName) throw new InvalidInputError(`Team ${team} already has that name.`);
    return this.writer(team).mutateDirect(this.info('team.rename', undefined, { details: { name: team, newName } }), () => {
      const loaded = this.requireTeam(team);
      assertNoLinks(this.paths.root, this.paths.teamDir(newName), 'dir');
      assertNoLinks(this.paths.root, this.paths.tasksDir(newName), 'dir');
      if (fs.existsSync(this.paths.teamDir(newName)) || fs.existsSync(this.paths.tasksDir(newName))) {
        throw new AlreadyExistsError(`A team named ${newName} already exists.`, { team: newName });
      }
      loaded.config.name = newName;
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
      fsyncParents(this.paths);
      fs.renameSync(this.paths.teamDir(team), this.paths.teamDir(newName));
      fs.renameSync(this.paths.tasksDir(team), this.paths.tasksDir(newName));
      // Our lock folder moved with the tasks; it is ours, so remove it rather than leave it to go stale.
      fs.rmSync(this.paths.writeLock(newName), { recursive: true, force: true });
      fsyncParents(this.paths);
      this.writers.delete(team);
      return applyProfiles(loaded.config, this.profiles(newName));
    });
  }

  async deleteTeam(team: string): Promise<{ team: string; deletedTasks: number }> {
    assertName(team, 'team');
    const lockstepDir = this.paths.lockstepDir(team);
    const result = await this.writer(team).mutateDirect(this.info('team.delete', undefined, { details: { name: team } }), () => {
      // The writer checked that neither team folder is a link (UNSAFE_PATH otherwise): nothing outside is listed.
      const tasksDir = this.paths.tasksDir(team);
      const hasConfig = fs.existsSync(this.paths.teamConfig(team));
      const lockName = path.basename(lockstepDir);
      const entries = fs.existsSync(tasksDir) ? fs.readdirSync(tasksDir) : [];
      if (!hasConfig && entries.every((e) => e === lockName)) throw new NotFoundError(`Team ${team} does not exist.`, { team });
      // rmSync never follows links: a link inside is removed itself, what it points to stays.
      fs.rmSync(this.paths.teamDir(team), { recursive: true, force: true });
      let deletedTasks = 0;
      for (const entry of entries) {
        if (entry === lockName) continue;
        if (entry.startsWith('task-') && entry.endsWith('.json')) deletedTasks++;
        fs.rmSync(path.join(tasksDir, entry), { recursive: true, force: true });
      }
      // Lockstep's own files too, all but the lock we hold (and the queue of those waiting for it).
      for (const entry of fs.existsSync(lockstepDir) ? fs.readdirSync(lockstepDir) : []) {
        if (entry === 'write.lock' || entry === 'queue') continue;
        fs.rmSync(path.join(lockstepDir, entry), { recursive: true, force: true });
      }
      fsyncParents(this.paths);
      return { team, deletedTasks };
    });
    // After the lock is released only empty folders are removed: a team created again meanwhile keeps its files.
    for (const dir of [path.join(lockstepDir, 'queue'), lockstepDir, this.paths.tasksDir(team)]) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // Not empty (somebody is using the name again) or gone.
      }
    }
    this.writers.delete(team);
    return result;
  }

  async addMember(team: string, member: NewMember): Promise<TeamConfig> {
    const values = parseInput(newMemberSchema, member, 'member');
    return this.writer(team).mutateDirect(this.info('team.add-member', undefined, { details: { member: values.name } }), () => {
      const loaded = this.requireTeam(team);
      if (loaded.config.members.some((m) => m.name === values.name)) {
        throw new AlreadyExistsError(`${values.name} is already a member of team ${team}.`, { team, member: values.name });
      }
      const added = newMember(values, nowTimestamp());
      loaded.config.members.push(added);
      if (!loaded.config.leadAgentId) loaded.config.leadAgentId = added.agentId;
      mkdirInside(this.paths.root, this.paths.inboxDir(team, inboxName(added)));
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
      return applyProfiles(loaded.config, this.profiles(team));
    });
  }

  async removeMember(team: string, name: string): Promise<TeamConfig> {
    assertName(name, 'member');
    return this.writer(team).mutateDirect(this.info('team.remove-member', undefined, { details: { member: name } }), () => {
      const loaded = this.requireTeam(team);
      const index = loaded.config.members.findIndex((m) => m.name === name);
      if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
      loaded.config.members.splice(index, 1);
      loaded.memberExtras.splice(index, 1);
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
      const profiles = this.profiles(team);
      if (Object.prototype.hasOwnProperty.call(profiles, name)) {
        delete profiles[name];
        writeProfiles(this.paths.root, this.paths.lockstepDir(team), profiles);
      }
      return applyProfiles(loaded.config, profiles);
    });
  }

  /** Sets a member's role, capability tags and work-in-progress limit (null clears one). */
  async setMemberProfile(
    team: string,
    name: string,
    profile: { role?: string | null; capabilities?: string[] | null; wipLimit?: number | null },
  ): Promise<TeamConfig> {
    assertName(name, 'member');
    const values = parseInput(memberProfilePatchSchema, profile, 'member profile');
    return this.writer(team).mutateDirect(this.info('team.set-member', undefined, { details: { member: name, ...values } }), () => {
      const loaded = this.requireTeam(team);
      const index = loaded.config.members.findIndex((m) => m.name === name);
      if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
      // Every member's profile (from the file, or migrated from the old place in config.json) goes to
      // Lockstep's own file; ClawTeam rewrites config.json without fields it does not know.
      const config = applyProfiles(loaded.config, this.profiles(team));
      const member = config.members[index];
      const next: MemberProfile = { ...(member.lockstep ?? {}) };
      for (const key of ['role', 'capabilities', 'wipLimit'] as const) {
        const value = values[key];
        if (value === null) delete next[key];
        else if (value !== undefined) (next as Record<string, unknown>)[key] = value;
      }
      if (Object.keys(next).length) member.lockstep = next;
      else delete member.lockstep;
      const profiles: Record<string, MemberProfile> = {};
      for (const m of config.members) profiles[m.name] = m.lockstep ?? {};
      writeProfiles(this.paths.root, this.paths.lockstepDir(team), profiles);
      // Then drop the old copies from config.json (only if there were any: ClawTeam's file is rewritten no more than needed).
      if (loaded.memberExtras.some((e) => e && 'lockstep' in e)) {
        for (const e of loaded.memberExtras) if (e) delete e.lockstep;
        writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
      }
      return config;
    });
  }

  private requireTeam(team: string): LoadedTeamConfig {
    const loaded = readTeamConfig(this.paths.root, this.paths.teamConfig(team));
    if (!loaded) throw new NotFoundError(`Team ${team} does not exist.`, { team });
    return loaded;
  }

  // ---------------------------------------------------------------- task reads

  async listTasks(team: string, filter: TaskFilter = {}): Promise<TaskList> {
    assertName(team, 'team');
    const f = parseInput(taskFilterSchema, filter, 'filter');
    const dir = this.paths.tasksDir(team);
    if (!fs.existsSync(dir) && !fs.existsSync(this.paths.teamConfig(team))) {
      throw new NotFoundError(`Team ${team} does not exist.`, { team });
    }
    await this.completeInterrupted(team);
    const { loaded, problems: fileProblems } = this.scanner.scan(dir);
    // Links where Lockstep writes (journal, locks, profiles, the folders): reported here and by doctor.
    const problems = [...teamBoundaryProblems(this.paths, team, this.writerOptions.journal.keep).filter((p) => p.path !== dir), ...fileProblems];
    const text = f.text?.toLowerCase();
    const tasks = loaded
      .map(withVersion)
      .filter(
        (t) =>
          (!f.status || f.status.includes(t.status)) &&
          (!f.priority || f.priority.includes(t.priority)) &&
          (f.owner === undefined || t.owner === f.owner) &&
          (f.lockedBy === undefined || t.lockedBy === f.lockedBy) &&
          (!text || `${t.id} ${t.subject} ${t.description}`.toLowerCase().includes(text)),
      )
      .sort(
        (a, b) =>
          PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] ||
          (parseTimestamp(a.createdAt) ?? 0) - (parseTimestamp(b.createdAt) ?? 0) ||
          a.id.localeCompare(b.id),
      );
    return { tasks, problems };
  }

  /** A change a crashed writer left half done is completed first (under the lock), so readers see all of it. */
  private async completeInterrupted(team: string): Promise<void> {
    const lockstepDir = this.paths.lockstepDir(team);
    if (!hasPendingIntent(lockstepDir)) return; // the common case: one lstat
    if (!intentAbandoned(lockstepDir, this.host, ops.isProcessAlive, this.writerOptions.lock.staleMs)) return; // a live commit
    let pending = this.recovering.get(team);
    if (!pending) {
      pending = this.writer(team)
        .recoverPending()
        .catch(() => {
          // Busy or unsafe: the read goes ahead; the next writer completes the change.
        })
        .finally(() => this.recovering.delete(team));
      this.recovering.set(team, pending);
    }
    await pending;
  }

  async getTask(team: string, id: string): Promise<VersionedTask> {
    await this.completeInterrupted(assertName(team, 'team'));
    assertNoLinks(this.paths.root, this.paths.tasksDir(team), 'dir');
    const read = readTaskFile(this.paths.taskFile(team, id), assertName(id, 'task id'));
    if (read.kind === 'ok') return withVersion(read.loaded);
    if (read.kind === 'problem' && read.unsafe) throw new UnsafePathError(read.problem.path, read.problem.reason);
    if (read.kind === 'problem') throw new CorruptFileError(read.problem.path, read.problem.reason);
    throw new NotFoundError(`Task ${id} does not exist in team ${team}.`, { team, taskId: id });
  }

  // ---------------------------------------------------------------- task mutations

  async createTask(team: string, input: CreateTaskInput): Promise<VersionedTask> {
    const values = parseInput(createTaskInputSchema, input, 'task');
    return this.writer(team).mutate(this.info('task.create'), (tx) => ops.createTask(tx, values));
  }

  async updateTask(team: string, id: string, patch: UpdateTaskPatch, options: ops.ActorOptions = {}): Promise<VersionedTask> {
    assertName(id, 'task id');
    const values = parseInput(updateTaskPatchSchema, patch, 'update');
    if (Object.keys(values).length === 0) throw new InvalidInputError('Nothing to update: give at least one field to change.');
    checkActor(options.agent);
    return this.writer(team).mutate(this.info('task.update', options.agent, { taskId: id, reason: options.reason }), (tx) =>
      ops.updateTask(tx, id, values, options),
    );
  }

  async claimTask(team: string, id: string, options: ops.ClaimOptions): Promise<VersionedTask> {
    assertName(id, 'task id');
    const claim = this.claimOptions(options);
    return this.writer(team).mutate(this.info('task.claim', claim.agent, { taskId: id, reason: claim.reason }), (tx) =>
      ops.claimTask(tx, id, claim),
    );
  }

  async claimNextTask(team: string, options: ops.ClaimOptions): Promise<VersionedTask | null> {
    const claim = this.claimOptions(options);
    // The claimer's member profile (capabilities, WIP limit), when it is a member of the team.
    const loadedConfig = readTeamConfig(this.paths.root, this.paths.teamConfig(assertName(team, 'team')));
    const member = loadedConfig && applyProfiles(loadedConfig.config, this.profiles(team)).members.find((m) => m.name === claim.agent);
    return this.writer(team).mutate(this.info('task.claim-next', claim.agent), (tx) => ops.claimNextTask(tx, claim, member));
  }

  async releaseTask(team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
    assertName(id, 'task id');
    checkActor(options.agent);
    return this.writer(team).mutate(this.info('task.release', options.agent, { taskId: id, reason: options.reason }), (tx) =>
      ops.releaseTask(tx, id, options),
    );
  }

  async completeTask(team: string, id: string, options: ops.ActorOptions): Promise<VersionedTask> {
    assertName(id, 'task id');
    checkActor(options.agent);
    return this.writer(team).mutate(this.info('task.complete', options.agent, { taskId: id, reason: options.reason }), (tx) =>
      ops.completeTask(tx, id, options),
    );
  }

  async deleteTask(team: string, id: string, options: ops.ActorOptions = {}): Promise<VersionedTask> {
    assertName(id, 'task id');
    checkActor(options.agent);
    return this.writer(team).mutate(this.info('task.delete', options.agent, { taskId: id, reason: options.reason }), (tx) =>
      ops.deleteTask(tx, id, options),
    );
  }

  async heartbeatTask(team: string, id: string, options: ops.ClaimOptions & { leaseMs: number }): Promise<VersionedTask> {
    assertName(id, 'task id');
    const claim = this.claimOptions(options);
    return this.writer(team).mutate(this.info('task.heartbeat', claim.agent, { taskId: id }), (tx) =>
      ops.heartbeatTask(tx, id, { ...claim, leaseMs: options.leaseMs }),
    );
  }

  async sweepTeam(team: string, request: SweepRequest = {}): Promise<ops.SweepResult> {
    if (request.olderThanMs !== undefined && !(request.olderThanMs >= 0)) {
      throw new InvalidInputError('The age limit of a sweep must be zero or more.');
    }
    return this.writer(team).mutate(this.info('team.sweep'), (tx) =>
      ops.sweepTeam(tx, {
        olderThanMs: request.olderThanMs,
        host: this.host,
        isProcessAlive: ops.isProcessAlive,
        tempFileAgeMs: request.tempFileAgeMs ?? 60_000,
      }),
    );
  }

  // ---------------------------------------------------------------- undo

  /**
   * Undoes the last change `actor` made (through `via`, e.g. this window's app) that is not undone yet, checked
   * inside the lock: refused with CONFLICT, naming who, when anybody touched those tasks since.
   */
  async undoLast(team: string, actor: { name: string; via: string } = this.actor): Promise<{ undone: JournalEntry; tasks: VersionedTask[] }> {
    assertName(team, 'team');
    return this.writer(team).mutate({ op: 'task.undo', actor: actor.name, via: actor.via, solo: true }, (tx) => {
      const journal = readJournal(this.paths.lockstepDir(team), this.writerOptions.journal);
      const undone = new Set(journal.filter((e) => e.op === 'task.undo').map((e) => Number(e.details?.undoes)));
      const index = findLastIndex(
        journal,
        (e) => e.actor === actor.name && e.via === actor.via && e.op !== 'task.undo' && e.tasks.length > 0 && !undone.has(e.seq),
      );
      if (index < 0) throw new NotFoundError(`There is no change by ${actor.name} to undo in team ${team}.`, { team });
      const entry = journal[index];
      const tasks = ops.undoEntry(tx, entry, journal.slice(index + 1));
      tx.annotate({ details: { undoes: entry.seq }, taskId: entry.taskId });
      return { undone: entry, tasks };
    });
  }

  // ---------------------------------------------------------------- stall radar

  private diagnoseOptions(request: DoctorRequest): DiagnoseOptions {
    return {
      nowMicros: nowMicros(),
      host: this.host,
      isProcessAlive: ops.isProcessAlive,
      oldClaimMs: request.oldClaimMs ?? 2 * 3_600_000,
      tempFileAgeMs: request.tempFileAgeMs ?? 60_000,
    };
  }

  /** What keeps the team's work from moving, each with its fix (see doctor.ts). Reads only. */
  async doctor(team: string, request: DoctorRequest = {}): Promise<Finding[]> {
    const { tasks, problems } = await this.listTasks(team);
    return diagnose(tasks, problems, listTempFiles(this.paths.tasksDir(team)), this.diagnoseOptions(request));
  }

  /**
   * Applies one finding's fix through the locked, journaled store. The finding is looked up again inside the lock:
   * if it no longer holds (somebody fixed it, the task moved on), nothing is changed and NOT_FOUND says so.
   */
  async fixFinding(team: string, findingId: string, request: DoctorRequest = {}): Promise<{ fixed: Finding; task?: VersionedTask }> {
    assertName(team, 'team');
    if (typeof findingId !== 'string' || findingId.length > 600) throw new InvalidInputError('Give the id of a finding from doctor.');
    const gone = () =>
      new NotFoundError(`Finding ${findingId} no longer applies in team ${team}: it was fixed or the task moved on. Run doctor again.`, {
        team,
        findingId,
      });
    const kind = findingId.split(':')[0];
    if (kind === 'temp-file' || kind === 'corrupt-file') {
      return this.writer(team).mutateDirect(this.info('doctor.fix', undefined, { details: { findingId } }), () => {
        const tasksDir = this.paths.tasksDir(team);
        const { problems } = this.scanner.scan(tasksDir);
        const finding = diagnose([], problems, listTempFiles(tasksDir), this.diagnoseOptions(request)).find((f) => f.id === findingId);
        if (!finding || !finding.path) throw gone();
        if (finding.fix.action === 'remove-temp-file') unlinkInside(this.paths.root, finding.path);
        else {
          // Moves the entry itself (a rename never follows a link), into a folder checked to be a real one.
          const quarantine = path.join(this.paths.lockstepDir(team), 'quarantine');
          mkdirInside(this.paths.root, quarantine);
          fs.renameSync(finding.path, path.join(quarantine, `${path.basename(finding.path)}.${Date.now()}`));
        }
        return { fixed: finding };
      });
    }
    return this.writer(team).mutate(this.info('doctor.fix', undefined, { details: { findingId } }), (tx) => {
      const { loaded, problems } = tx.allTasks();
      const finding = diagnose(loaded.map((l) => l.task), problems, [], this.diagnoseOptions(request)).find((f) => f.id === findingId);
      if (!finding) throw gone();
      return { fixed: finding, task: ops.fixTaskFinding(tx, finding) };
    });
  }

  private claimOptions(options: ops.ClaimOptions): ops.ClaimOptions {
    assertName(options.agent, 'agent');
    if (options.leaseMs !== undefined && !(options.leaseMs > 0 && options.leaseMs <= 7 * 86_400_000)) {
      throw new InvalidInputError('A lease must be longer than 0 and at most 7 days.');
    }
    if (options.pid !== undefined && !(Number.isInteger(options.pid) && options.pid > 0)) {
      throw new InvalidInputError(`A holder pid must be a positive whole number (got ${options.pid}).`);
    }
    if (options.token !== undefined && !Number.isInteger(options.token)) {
      throw new InvalidInputError('A claim token must be a whole number.');
    }
    return { ...options, host: options.pid !== undefined ? options.host ?? this.host : undefined };
  }
}

/** Makes renames of team folders durable. */
function fsyncParents(paths: StorePaths): void {
  fsyncDir(paths.teamsDir());
  fsyncDir(paths.tasksRoot());
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}

function safeUserName(): string {
  try {
    const name = os.userInfo().username.replace(/[^A-Za-z0-9._-]/g, '_');
    return name || 'person';
  } catch {
    return 'person';
  }
}

function checkActor(agent: string | undefined): void {
  if (agent !== undefined) assertName(agent, 'agent');
}

function assertSafe(name: string): string | null {
  try {
    return assertName(name, 'team');
  } catch {
    return null;
  }
}

function newMember(m: { name: string; user: string; agentType: string }, now: string): Member {
  return { name: m.name, user: m.user, agentId: randomBytes(6).toString('hex'), agentType: m.agentType, joinedAt: now };
}
