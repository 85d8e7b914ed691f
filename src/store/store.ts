import { AsyncLocalStorage } from 'async_hooks';
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
} from '../shared/domain';
import { AlreadyExistsError, ConflictError, CorruptFileError, InvalidInputError, NotFoundError, taskNotFound, teamNotFound, UnsafePathError } from '../shared/errors';
import { MAX_LEASE_DAYS, MAX_LEASE_MS } from '../shared/claims';
import { assertName, cleanUserName } from '../shared/names';
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
} from '../shared/schemas';
import type { MemberProfile } from '../shared/members';
import { nowMicros, nowTimestamp, parseTimestamp } from '../shared/time';
import { diagnose, type DiagnoseOptions, type Finding } from './doctor';
import { listTempFiles } from './temp-files';
import { StorePaths } from './paths';
import { applyProfiles, memberRecord, readProfiles, readTeamConfig, writeProfiles, writeTeamConfig, type LoadedTeamConfig } from './team-config';
import { applyMemberChange, inverseOf, refuseTeamUndo, teamChangeOf, type TeamChange } from './team-undo';
import { describeEntry } from '../shared/activity';
import { assertNoLinks, fsyncDir, mkdirInside, unlinkInside } from './safe-fs';
import { hasPendingIntent, intentAbandoned } from './intent';
import { teamBoundaryProblems } from './boundary';
import { DEFAULT_LOCK_OPTIONS, type TeamLockOptions } from './team-lock';
import { DEFAULT_JOURNAL_OPTIONS, readJournal, readRecent, readSince, type JournalEntry, type JournalOptions } from './journal';
import { TeamWriter, type MutationInfo, type WriterOptions } from './team-writer';
import { readTaskFile, TaskFolderScanner, withVersion } from './task-files';
import * as ops from './task-ops';
import { Mailbox } from './inbox';
import { CostStore } from './costs';
import { FolderMessages } from './message-service';
import type { DoctorRequest, Store, SweepRequest, TrackedEntry } from './store-api';

export type { DoctorRequest, SweepRequest, TrackedEntry };
import { diagnoseMailbox, fixMailboxFinding, MAILBOX_FINDING_KINDS } from './mailbox-doctor';

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

/**
 * The task store: one data folder in ClawTeam's layout. Reads take no lock (every writer replaces files atomically);
 * every mutation runs inside the team's write lock via its TeamWriter and re-reads what it changes there.
 */
export class LockstepStore implements Store {
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
    return this.tracked({ op, actor: agent ?? this.actor.name, via: this.actor.via, ...extra });
  }

  /** Inside track(): the entry this mutation journals is also reported to the tracker. */
  private tracked(info: MutationInfo): MutationInfo {
    const tracker = journalTracker.getStore();
    if (!tracker) return info;
    const tell = info.onJournaled;
    return {
      ...info,
      onJournaled: (entry, journalTeam) => {
        tracker.push({ team: journalTeam, entry });
        tell?.(entry, journalTeam);
      },
    };
  }

  /**
   * Runs `work` and reports every journal entry the mutations it started wrote, with the team whose journal holds
   * it: how the app knows which changes are the window's own (its undo stack), without asking "whose last entry".
   */
  async track<T>(work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }> {
    const journaled: TrackedEntry[] = [];
    const value = await journalTracker.run(journaled, work);
    return { value, journaled };
  }

  /** The journal's most recent entries (its tail), cheap enough to consult on every change. */
  recentJournal(team: string): JournalEntry[] {
    return readRecent(this.paths.lockstepDir(assertName(team, 'team')));
  }

  /** The journal's entries after `afterSeq`, reading only the end of the file that holds them. */
  journalSince(team: string, afterSeq: number): JournalEntry[] {
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
    if (!loaded) throw teamNotFound(team);
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
    const change: TeamChange = { kind: 'rename', from: team, to: newName };
    return this.writer(team).mutateDirect(this.info('team.rename', undefined, { details: { name: team, newName, change } }), (assertLockHeld) =>
      this.moveTeam(team, newName, assertLockHeld),
    );
  }

  /** Renames a team's folders (inside its lock). */
  private moveTeam(team: string, newName: string, assertLockHeld: () => void): TeamConfig {
    const loaded = this.requireTeam(team);
    assertNoLinks(this.paths.root, this.paths.teamDir(newName), 'dir');
    assertNoLinks(this.paths.root, this.paths.tasksDir(newName), 'dir');
    if (fs.existsSync(this.paths.teamDir(newName)) || fs.existsSync(this.paths.tasksDir(newName))) {
      throw new AlreadyExistsError(`A team named ${newName} already exists.`, { team: newName });
    }
    assertLockHeld(); // the last moment: the lock folder moves with the tasks
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
  }

  /**
   * Deletes a team: its config folder and its tasks (with its journal) move into the data folder's trash
   * (`.lockstep/trash/<id>/`, the newest TRASH_KEEP kept), so the deletion can be undone with restoreTeam(id).
   */
  async deleteTeam(team: string): Promise<{ team: string; deletedTasks: number; trash: string }> {
    assertName(team, 'team');
    const result = await this.writer(team).mutateDirect(this.info('team.delete', undefined, { details: { name: team } }), () => this.trashTeam(team));
    this.afterTrash(team);
    return result;
  }

  /**
   * Moves a team into the trash (inside its lock; our lock folder stays until the lock is released). The writer
   * checked that neither team folder is a link (UNSAFE_PATH otherwise), and a rename moves a link inside, never
   * what it points to.
   */
  private trashTeam(team: string): { team: string; deletedTasks: number; trash: string } {
    const tasksDir = this.paths.tasksDir(team);
    const hasConfig = fs.existsSync(this.paths.teamConfig(team));
    const lockName = path.basename(this.paths.lockstepDir(team));
    const entries = fs.existsSync(tasksDir) ? fs.readdirSync(tasksDir) : [];
    if (!hasConfig && entries.every((e) => e === lockName)) throw teamNotFound(team);
    const trash = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const dest = path.join(this.trashRoot(), trash);
    const destTasks = path.join(dest, 'tasks', team);
    fs.mkdirSync(path.join(destTasks, lockName), { recursive: true });
    fs.mkdirSync(path.join(dest, 'teams'), { recursive: true });
    fs.writeFileSync(path.join(dest, 'trash.json'), JSON.stringify({ team, deletedAt: nowTimestamp(), by: this.actor.name }, null, 2));
    if (fs.existsSync(this.paths.teamDir(team))) fs.renameSync(this.paths.teamDir(team), path.join(dest, 'teams', team));
    let deletedTasks = 0;
    for (const entry of entries) {
      if (entry === lockName) continue;
      if (entry.startsWith('task-') && entry.endsWith('.json')) deletedTasks++;
      fs.renameSync(path.join(tasksDir, entry), path.join(destTasks, entry));
    }
    // The journal and the member profiles go with the team (its history and its people); Lockstep's other files
    // (ready index, quarantine) are removed, all but the lock we hold.
    const lockstepDir = this.paths.lockstepDir(team);
    for (const name of fs.existsSync(lockstepDir) ? fs.readdirSync(lockstepDir) : []) {
      if (/^journal(\.\d+)?\.jsonl$/.test(name) || name === 'members.json') fs.renameSync(path.join(lockstepDir, name), path.join(destTasks, lockName, name));
      else if (name !== 'write.lock' && name !== 'queue') fs.rmSync(path.join(lockstepDir, name), { recursive: true, force: true });
    }
    fsyncParents(this.paths);
    return { team, deletedTasks, trash };
  }

  /** After the lock is released only empty folders are removed: a team created again meanwhile keeps its files. */
  private afterTrash(team: string): void {
    const lockstepDir = this.paths.lockstepDir(team);
    for (const dir of [path.join(lockstepDir, 'queue'), lockstepDir, this.paths.tasksDir(team)]) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // Not empty (somebody is using the name again) or gone.
      }
    }
    this.writers.delete(team);
    // Bounded: only the newest deleted teams are kept.
    const root = this.trashRoot();
    const all = fs.readdirSync(root).sort();
    for (const old of all.slice(0, Math.max(0, all.length - TRASH_KEEP))) fs.rmSync(path.join(root, old), { recursive: true, force: true });
  }

  /** The trash folder, created as real folders (never followed through a symlink: the data folder is not trusted). */
  private trashRoot(): string {
    const root = this.paths.trashDir();
    fs.mkdirSync(root, { recursive: true });
    for (const dir of [path.dirname(root), root]) {
      if (!fs.lstatSync(dir).isDirectory()) throw new InvalidInputError(`${dir} is not a folder; Lockstep keeps deleted teams there.`, { path: dir });
    }
    return root;
  }

  /** Brings a deleted team back from the trash, unless a team of that name exists again (ALREADY_EXISTS). */
  async restoreTeam(trash: string): Promise<TeamConfig> {
    if (typeof trash !== 'string' || !TRASH_ID.test(trash)) throw new InvalidInputError('Name a deleted team by the id its deletion returned.', { trash: String(trash).slice(0, 80) });
    const dir = path.join(this.trashRoot(), trash);
    let team: string;
    try {
      team = assertName(String((JSON.parse(fs.readFileSync(path.join(dir, 'trash.json'), 'utf8')) as { team?: unknown }).team), 'team');
    } catch (err) {
      if (err instanceof InvalidInputError) throw err;
      throw new NotFoundError('That deleted team is no longer kept, so it cannot be brought back.', { trash });
    }
    return this.writer(team).mutateDirect(
      this.info('team.restore', undefined, { details: { name: team, trash } }),
      () => {
        const tasksDir = this.paths.tasksDir(team);
        const lockName = path.basename(this.paths.lockstepDir(team));
        // Our lock folder and ClawTeam's flock file (held right now) are there already; anything else is a team.
        const ours = new Set([lockName, path.basename(this.paths.clawteamLock(team))]);
        if (fs.existsSync(this.paths.teamDir(team)) || fs.readdirSync(tasksDir).some((e) => !ours.has(e))) {
          throw new AlreadyExistsError(`A team named ${team} exists again, so the deleted one was not brought back.`, { team });
        }
        const fromTasks = path.join(dir, 'tasks', team);
        if (fs.existsSync(path.join(dir, 'teams', team))) fs.renameSync(path.join(dir, 'teams', team), this.paths.teamDir(team));
        for (const entry of fs.readdirSync(fromTasks)) {
          if (!ours.has(entry)) fs.renameSync(path.join(fromTasks, entry), path.join(tasksDir, entry));
        }
        for (const name of fs.readdirSync(path.join(fromTasks, lockName))) {
          fs.renameSync(path.join(fromTasks, lockName, name), path.join(this.paths.lockstepDir(team), name));
        }
        fs.rmSync(dir, { recursive: true, force: true });
        return this.requireTeam(team).config;
      },
      true,
    );
  }

  async addMember(team: string, member: NewMember): Promise<TeamConfig> {
    const values = parseInput(newMemberSchema, member, 'member');
    const details: Record<string, unknown> = { member: values.name };
    return this.writer(team).mutateDirect(this.info('team.add-member', undefined, { details }), () => {
      const loaded = this.requireTeam(team);
      if (loaded.config.members.some((m) => m.name === values.name)) {
        throw new AlreadyExistsError(`${values.name} is already a member of team ${team}.`, { team, member: values.name });
      }
      const added = newMember(values, nowTimestamp());
      loaded.config.members.push(added);
      if (!loaded.config.leadAgentId) loaded.config.leadAgentId = added.agentId;
      mkdirInside(this.paths.root, this.paths.inboxDir(team, inboxName(added)));
      const index = loaded.config.members.length - 1;
      details.change = { kind: 'add-member', member: values.name, record: memberRecord(loaded, index), index } satisfies TeamChange;
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
      return applyProfiles(loaded.config, this.profiles(team));
    });
  }

  async removeMember(team: string, name: string): Promise<TeamConfig> {
    assertName(name, 'member');
    const details: Record<string, unknown> = { member: name };
    return this.writer(team).mutateDirect(this.info('team.remove-member', undefined, { details }), () => {
      const loaded = this.requireTeam(team);
      const profiles = this.profiles(team);
      applyProfiles(loaded.config, profiles); // the record keeps the profile, so undo brings it back too
      const index = loaded.config.members.findIndex((m) => m.name === name);
      if (index < 0) throw new NotFoundError(`${name} is not a member of team ${team}.`, { team, member: name });
      details.change = { kind: 'remove-member', member: name, record: memberRecord(loaded, index), index } satisfies TeamChange;
      loaded.config.members.splice(index, 1);
      loaded.memberExtras.splice(index, 1);
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
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
    const details: Record<string, unknown> = { member: name, ...values };
    return this.writer(team).mutateDirect(this.info('team.set-member', undefined, { details }), () => {
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
      const before = member.lockstep ? { ...member.lockstep } : null;
      if (Object.keys(next).length) member.lockstep = next;
      else delete member.lockstep;
      details.change = { kind: 'set-member', member: name, before, after: member.lockstep ? { ...member.lockstep } : null } satisfies TeamChange;
      this.saveProfiles(team, loaded);
      return config;
    });
  }

  // ---------------------------------------------------------------- messages and costs (inbox.ts, costs.ts)

  private mailboxInstance?: Mailbox;
  private costStore?: CostStore;

  /** Team messages on ClawTeam's inbox files. */
  get mailbox(): Mailbox {
    return (this.mailboxInstance ??= new Mailbox(this.paths));
  }

  private folderMessages?: FolderMessages;

  /** The mailbox's calls as Promises: the `MessageService` both backends have (`Store.messages`). */
  get messages(): FolderMessages {
    return (this.folderMessages ??= new FolderMessages(this.mailbox));
  }

  /** Cost events and summary on ClawTeam's cost files (the `CostService` both backends have). */
  get costs(): CostStore {
    return (this.costStore ??= new CostStore(this.paths));
  }

  /** Sets the team budget (ClawTeam's `budgetCents`, a float; 0 = none) inside the team lock. */
  async setBudget(team: string, budgetCents: number): Promise<TeamConfig> {
    if (typeof budgetCents !== 'number' || !Number.isFinite(budgetCents) || budgetCents < 0 || budgetCents > 1e12) {
      throw new InvalidInputError('A budget must be an amount of zero or more dollars (0 removes it).');
    }
    return this.writer(team).mutateDirect(this.info('team.set-budget', undefined, { details: { budgetCents } }), () => {
      const loaded = this.requireTeam(team);
      loaded.config.budgetCents = budgetCents;
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
      return applyProfiles(loaded.config, this.profiles(team));
    });
  }

  /**
   * Writes every member's profile (as on `loaded`'s members) to Lockstep's own file, then drops old copies from
   * config.json (only if there were any: ClawTeam's file is rewritten no more than needed).
   */
  private saveProfiles(team: string, loaded: LoadedTeamConfig): void {
    const profiles: Record<string, MemberProfile> = {};
    for (const m of loaded.config.members) profiles[m.name] = m.lockstep ?? {};
    writeProfiles(this.paths.root, this.paths.lockstepDir(team), profiles);
    if (loaded.memberExtras.some((e) => e && 'lockstep' in e)) {
      for (const e of loaded.memberExtras) if (e) delete e.lockstep;
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
    }
  }

  private requireTeam(team: string): LoadedTeamConfig {
    const loaded = readTeamConfig(this.paths.root, this.paths.teamConfig(team));
    if (!loaded) throw teamNotFound(team);
    return loaded;
  }

  // ---------------------------------------------------------------- task reads

  async listTasks(team: string, filter: TaskFilter = {}): Promise<TaskList> {
    assertName(team, 'team');
    const f = parseInput(taskFilterSchema, filter, 'filter');
    const dir = this.paths.tasksDir(team);
    if (!fs.existsSync(dir) && !fs.existsSync(this.paths.teamConfig(team))) {
      throw teamNotFound(team);
    }
    await this.completeInterrupted(team);
    const { loaded, problems: fileProblems } = await this.scanner.scanInSlices(dir);
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
    throw taskNotFound(team, id);
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
      const later = journal.slice(index + 1);
      // The actor's own later entries (its undos among them) are not "somebody changed it since".
      const own = new Set(later.filter((e) => e.actor === actor.name && e.via === actor.via).map((e) => e.seq));
      const tasks = ops.undoEntry(tx, entry, later, { trusted: own });
      tx.annotate({ details: { undoes: entry.seq }, taskId: entry.taskId });
      return { undone: entry, tasks };
    });
  }

  /**
   * Undoes (or, for an entry that is itself an undo, redoes) one journal entry named by its number: the app's undo
   * stack names the window's own changes this way. `trusted` are the undoer's own entries: they never count as
   * "somebody changed it since". Task changes are reverted through undoEntry's conflict check, team and member
   * changes by applying their inverse after checking the team is as the change left it. Returns the new entry.
   */
  async undoChange(
    team: string,
    seq: number,
    options: { actor?: { name: string; via: string }; trusted?: ReadonlySet<number>; redo?: boolean } = {},
  ): Promise<{ undone: JournalEntry; tasks: VersionedTask[]; config?: TeamConfig; team: string; trash?: string }> {
    assertName(team, 'team');
    if (!Number.isInteger(seq) || seq < 1) throw new InvalidInputError('Name a change by its number in the team journal.');
    const actor = options.actor ?? this.actor;
    const trusted = options.trusted ?? new Set<number>();
    const lookup = (): { entry: JournalEntry; later: JournalEntry[] } => {
      const journal = readJournal(this.paths.lockstepDir(team), this.writerOptions.journal);
      const index = journal.findIndex((e) => e.seq === seq);
      if (index < 0) throw new NotFoundError(`That change (#${seq}) is no longer in team ${team}'s journal, so it cannot be undone.`, { team, seq });
      return { entry: journal[index], later: journal.slice(index + 1) };
    };
    const op = (kind: 'task' | 'team') => `${kind}.${options.redo ? 'redo' : 'undo'}`;
    const first = lookup().entry;
    if (first.op === 'team.create') {
      // Undoing a team's creation deletes it into the trash (restoreTeam brings it back), unless somebody else has
      // worked in it since.
      const result = await this.writer(team).mutateDirect(this.tracked({ op: 'team.delete', actor: actor.name, via: actor.via, details: { name: team } }), () => {
        const { entry, later } = lookup();
        const since = [...later].reverse().find((e) => !trusted.has(e.seq));
        if (since) {
          throw new ConflictError(`${since.actor} ${describeEntry(since)} in team ${team} since you created it; nothing was undone.`, { seq: entry.seq, changedBy: since.actor });
        }
        return { undone: entry, ...this.trashTeam(team) };
      });
      this.afterTrash(team);
      return { undone: result.undone, tasks: [], team, trash: result.trash };
    }
    const change = teamChangeOf(first);
    if (first.tasks.length > 0 || !change) {
      return this.writer(team).mutate(this.tracked({ op: op('task'), actor: actor.name, via: actor.via, solo: true }), (tx) => {
        const { entry, later } = lookup();
        const tasks = ops.undoEntry(tx, entry, later, { trusted });
        tx.annotate({ details: { undoes: entry.seq }, taskId: entry.taskId });
        return { undone: entry, tasks, team };
      });
    }
    const inverse = inverseOf(change);
    const details: Record<string, unknown> = { undoes: seq, change: inverse, ...('member' in inverse ? { member: inverse.member } : {}) };
    const journalTeam = inverse.kind === 'rename' ? inverse.to : team;
    return this.writer(team).mutateDirect(this.tracked({ op: op('team'), actor: actor.name, via: actor.via, details, journalTeam }), (assertLockHeld) => {
      const { entry, later } = lookup();
      const done = later.find((e) => Number(e.details?.undoes) === entry.seq);
      if (done) throw new InvalidInputError(`That change (#${entry.seq}) was already undone; nothing was changed.`, { seq: entry.seq });
      if (inverse.kind === 'rename') {
        if (fs.existsSync(this.paths.teamDir(inverse.to)) || fs.existsSync(this.paths.tasksDir(inverse.to))) {
          refuseTeamUndo(`The name ${inverse.to}`, inverse, entry, later, trusted);
        }
        return { undone: entry, tasks: [], config: this.moveTeam(team, inverse.to, assertLockHeld), team: inverse.to };
      }
      const loaded = this.requireTeam(team);
      applyProfiles(loaded.config, this.profiles(team)); // profiles live beside the journal, not in config.json
      applyMemberChange(loaded, inverse, entry, later, trusted);
      if (inverse.kind === 'add-member') {
        const added = loaded.config.members.find((m) => m.name === inverse.member);
        if (added) mkdirInside(this.paths.root, this.paths.inboxDir(team, inboxName(added)));
      }
      if (inverse.kind !== 'set-member') writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
      this.saveProfiles(team, loaded);
      return { undone: entry, tasks: [], config: loaded.config, team };
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
    const findings = diagnose(tasks, problems, listTempFiles(this.paths.tasksDir(team)), this.diagnoseOptions(request));
    const config = readTeamConfig(this.paths.root, this.paths.teamConfig(team))?.config;
    return config ? [...findings, ...diagnoseMailbox(this.mailbox, team, config)] : findings;
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
    if (MAILBOX_FINDING_KINDS.includes(kind)) {
      const fixed = await this.writer(team).mutateDirect(this.info('doctor.fix', undefined, { details: { findingId } }), () =>
        fixMailboxFinding(this.mailbox, team, this.requireTeam(team).config, findingId, path.join(this.paths.lockstepDir(team), 'dead-letters')),
      );
      if (!fixed) throw gone();
      if (fixed.kind === 'stranger-inbox') await this.addMember(team, { name: path.basename(fixed.path ?? ''), user: '', agentType: 'general-purpose' });
      return { fixed };
    }
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
    return this.writer(team).mutate(this.info('doctor.fix', undefined, { details: { findingId }, reason: request.reason }), (tx) => {
      const { loaded, problems } = tx.allTasks();
      const finding = diagnose(loaded.map((l) => l.task), problems, [], this.diagnoseOptions(request)).find((f) => f.id === findingId);
      if (!finding) throw gone();
      return { fixed: finding, task: ops.fixTaskFinding(tx, finding) };
    });
  }

  private claimOptions(options: ops.ClaimOptions): ops.ClaimOptions {
    assertName(options.agent, 'agent');
    if (options.leaseMs !== undefined && !(options.leaseMs > 0 && options.leaseMs <= MAX_LEASE_MS)) {
      throw new InvalidInputError(`A lease must be longer than 0 and at most ${MAX_LEASE_DAYS} days.`);
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

const journalTracker = new AsyncLocalStorage<TrackedEntry[]>();

/** A trash id: the time (base 36) and 6 hex digits; the database's trash uses the same ids. */
export const TRASH_ID = /^[a-z0-9]{1,12}-[0-9a-f]{6}$/;

/** How many deleted teams the trash keeps. */
export const TRASH_KEEP = 20;

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
    return cleanUserName(os.userInfo().username);
  } catch {
    return 'person'; // no user database entry (containers)
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
