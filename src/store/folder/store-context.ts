import { AsyncLocalStorage } from 'async_hooks';
import * as os from 'os';
import * as path from 'path';
import { CorruptFileError, teamNotFound, UnsafePathError } from '../../shared/errors';
import type { MemberProfile } from '../../shared/members';
import { assertName } from '../../shared/names';
import { hasPendingIntent, intentAbandoned } from './intent';
import { DEFAULT_JOURNAL_OPTIONS, type JournalOptions } from './journal';
import { Mailbox } from './inbox';
import { StorePaths } from './paths';
import { defaultActor, type Actor, type TrackedEntry } from '../core/store-api';
import { fsyncDir } from './safe-fs';
import { readProfiles, readTeamConfig, writeProfiles, writeTeamConfig } from './team-config';
import { type LoadedTeamConfig } from '../core/team-format';
import { DEFAULT_LOCK_OPTIONS, type TeamLockOptions } from './team-lock';
import { TeamWriter, type WriterOptions } from './team-writer';
import { type MutationInfo } from '../core/transaction';
import { TaskFolderScanner } from './task-files';
import { isProcessAlive } from '../core/task-ops';

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
  actor?: Actor;
  onWarning?: (message: string) => void;
  /**
   * Hold ClawTeam's flock (tasks/<team>/.tasks.lock) too on every mutation, so ClawTeam's Python writers and Lockstep
   * exclude each other. On by default; LOCKSTEP_CLAWTEAM_INTERLOCK=off turns it off.
   */
  clawteamInterlock?: boolean;
}

/**
 * What every part of the folder store shares (store-teams, store-trash, store-tasks, store-undo, store-doctor): the
 * data folder, one TeamWriter per team, the journal info of a call, and the small reads they all need.
 */
export class FolderContext {
  readonly paths: StorePaths;
  readonly writerOptions: WriterOptions;
  readonly scanner = new TaskFolderScanner();
  readonly host: string;
  readonly actor: Actor;
  private readonly writers = new Map<string, TeamWriter>();
  /** One roll-forward at a time per team, however many readers find the record. */
  private readonly recovering = new Map<string, Promise<void>>();
  private mailboxInstance?: Mailbox;

  constructor(options: StoreOptions) {
    this.paths = new StorePaths(path.resolve(options.dataDir));
    this.host = options.host ?? os.hostname();
    this.actor = options.actor ?? defaultActor(this.host);
    this.writerOptions = {
      lock: { ...DEFAULT_LOCK_OPTIONS, ...options.lock },
      clawteamInterlock: options.clawteamInterlock ?? process.env.LOCKSTEP_CLAWTEAM_INTERLOCK !== 'off',
      journal: { ...DEFAULT_JOURNAL_OPTIONS, ...options.journal },
      host: this.host,
      onWarning: options.onWarning ?? ((message) => process.stderr.write(`lockstep: warning: ${message}\n`)),
    };
  }

  writer(team: string): TeamWriter {
    assertName(team, 'team');
    let w = this.writers.get(team);
    if (!w) {
      w = new TeamWriter(team, this.paths, this.scanner, this.writerOptions);
      this.writers.set(team, w);
    }
    return w;
  }

  /** The team's folders moved or went: its writer is made again on the next call. */
  forgetWriter(team: string): void {
    this.writers.delete(team);
  }

  /** Team messages on ClawTeam's inbox files. */
  get mailbox(): Mailbox {
    return (this.mailboxInstance ??= new Mailbox(this.paths));
  }

  /** Journal info for an operation: the named agent acts, else this store's actor. */
  info(op: string, agent?: string, extra: Partial<MutationInfo> = {}): MutationInfo {
    return this.tracked({ op, actor: agent ?? this.actor.name, via: this.actor.via, ...extra });
  }

  /** Inside track(): the entry this mutation journals is also reported to the tracker. */
  tracked(info: MutationInfo): MutationInfo {
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

  /** Runs `work`, collecting every journal entry the mutations it started wrote (see Store.track). */
  async track<T>(work: () => Promise<T>): Promise<{ value: T; journaled: TrackedEntry[] }> {
    const journaled: TrackedEntry[] = [];
    const value = await journalTracker.run(journaled, work);
    return { value, journaled };
  }

  /** Member profiles from Lockstep's own file beside the journal (an unreadable one counts as none). */
  profiles(team: string): ReturnType<typeof readProfiles> {
    try {
      return readProfiles(this.paths.root, this.paths.lockstepDir(team));
    } catch (err) {
      if (err instanceof CorruptFileError || err instanceof UnsafePathError) return {};
      throw err;
    }
  }

  /**
   * Writes every member's profile (as on `loaded`'s members) to Lockstep's own file, then drops old copies from
   * config.json (only if there were any: ClawTeam's file is rewritten no more than needed).
   */
  saveProfiles(team: string, loaded: LoadedTeamConfig): void {
    const profiles: Record<string, MemberProfile> = {};
    for (const m of loaded.config.members) profiles[m.name] = m.lockstep ?? {};
    writeProfiles(this.paths.root, this.paths.lockstepDir(team), profiles);
    if (loaded.memberExtras.some((e) => e && 'lockstep' in e)) {
      for (const e of loaded.memberExtras) if (e) delete e.lockstep;
      writeTeamConfig(this.paths.root, this.paths.teamConfig(team), loaded);
    }
  }

  requireTeam(team: string): LoadedTeamConfig {
    const loaded = readTeamConfig(this.paths.root, this.paths.teamConfig(team));
    if (!loaded) throw teamNotFound(team);
    return loaded;
  }

  /** A change a crashed writer left half done is completed first (under the lock), so readers see all of it. */
  async completeInterrupted(team: string): Promise<void> {
    const lockstepDir = this.paths.lockstepDir(team);
    if (!hasPendingIntent(lockstepDir)) return; // the common case: one lstat
    if (!intentAbandoned(lockstepDir, this.host, isProcessAlive, this.writerOptions.lock.staleMs)) return; // a live commit
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

  /** Makes renames of team folders durable. */
  fsyncParents(): void {
    fsyncDir(this.paths.teamsDir());
    fsyncDir(this.paths.tasksRoot());
  }
}

const journalTracker = new AsyncLocalStorage<TrackedEntry[]>();
