import { watch, type FSWatcher } from 'chokidar';
import * as path from 'path';
import type { VersionedTask } from '../shared/domain';
import { toSerializedError } from '../shared/errors';
import { profilesPath, taskIdFromFileName, type LockstepStore } from '../store';
import { BigFolderWatcher, mailboxPathKind } from './watch-mailbox';
import { fingerprint, TaskChanges, type Emit } from './watch-tasks';

export type { Emit };

/**
 * Watches the open data folder for other writers (CLI agents, ClawTeam, another window) and tells the window what
 * changed: which tasks of which team (the window re-reads only those), team configs, and an activity line per task
 * change (who, what, when). Plain Node (chokidar on inotify/FSEvents/ReadDirectoryChangesW, no polling of files).
 *
 * The team list (names, members, counts by status) is re-read by the window only when it really changed: a team
 * folder or config came or went or changed (`teamsChanged`). A task change that moves a team's counts sends the new
 * counts (`countsChanged`, from a per-team index of task statuses kept here), and one that leaves them alone (a
 * subject, an owner, a claim renewed) sends nothing about the team list at all.
 */

const COALESCE_MS = 25;
/** chokidar drops a second 'change' of one path within 50 ms of the first; a look after that window catches it. */
const RECHECK_MS = 60;

export class DataFolderWatcher {
  private watcher: FSWatcher | null = null;
  private pendingTasks = new Map<string, Set<string>>();
  private teamsDirty = false;
  /** Messages and costs (watch-mailbox.ts): new history files, inboxes and cost folders touched, per team. */
  private pendingEvents = new Map<string, Set<string>>();
  private inboxesDirty = new Set<string>();
  private costsDirty = new Set<string>();
  /** Per team, one more inbox count after the last inbox change (see onMailbox). */
  private inboxTrails = new Map<string, NodeJS.Timeout>();
  private bigFolders: BigFolderWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Paths just reported, with how they looked then: looked at again once chokidar's own throttle has passed. */
  private rechecks = new Map<string, { seen: string; timer: NodeJS.Timeout }>();
  /** What the window last saw of each team, and each team's counts by status (watch-tasks.ts). */
  private readonly tasks: TaskChanges;
  /** How each team's config and member profiles looked when last reported: a task change looks at them again. */
  private configs = new Map<string, string>();

  constructor(
    private readonly store: LockstepStore,
    private readonly emit: Emit,
  ) {
    this.tasks = new TaskChanges(store, emit);
  }

  start(): Promise<void> {
    const root = this.store.paths.root;
    const tasksRoot = this.store.paths.tasksRoot();
    const teamsRoot = this.store.paths.teamsDir();
    this.bigFolders = new BigFolderWatcher(
      root,
      (team, name) => this.onMailbox('event', team, name),
      (team) => this.onMailbox('cost', team, ''),
    );
    this.bigFolders.start();
    this.watcher = watch([tasksRoot, teamsRoot], {
      ignoreInitial: true,
      depth: 3,
      // Only task files, team configs, member profiles and inbox files matter (message history and cost events:
      // BigFolderWatcher); our lock, journal and queue live under .lockstep.
      ignored: (p: string) => {
        const rel = path.relative(root, p).split(path.sep);
        const mailbox = mailboxPathKind(rel);
        if (mailbox !== null) return mailbox !== 'dir' && mailbox !== 'inbox' && mailbox !== 'inbox-file';
        if (rel[0] === 'tasks' && rel[2] === '.lockstep')
          return !(rel.length === 3 || (rel.length === 4 && (rel[3] === 'members.json' || rel[3] === 'team.json')));
        if (rel.includes('.lockstep') || rel.includes('inboxes') || rel.includes('events')) return true;
        if (rel[0] === 'tasks' && rel.length === 3) return taskIdFromFileName(rel[2]) === null;
        if (rel[0] === 'teams' && rel.length === 3) return rel[2] !== 'config.json';
        return rel.length > 3;
      },
    });
    this.watcher.on('all', (event, p) => this.onFsEvent(event, p));
    this.watcher.on('error', (err) => this.emit('storeError', toSerializedError(err)));
    return new Promise((resolve) => this.watcher?.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    for (const { timer } of this.rechecks.values()) clearTimeout(timer);
    this.rechecks.clear();
    for (const timer of this.inboxTrails.values()) clearTimeout(timer);
    this.inboxTrails.clear();
    this.bigFolders?.close();
    this.bigFolders = null;
    await this.watcher?.close();
    this.watcher = null;
  }

  /** What the window just read of a team: every one of its tasks (the window never asks for a filtered list). */
  prime(team: string, tasks: VersionedTask[]): void {
    this.configs.set(team, this.configPrint(team));
    this.tasks.prime(team, tasks);
  }

  /**
   * chokidar reports one change of a path per 50 ms and drops the rest (no trailing event), so a writer that
   * changes a task or config again right after the window re-read it would never reach the window. Each reported
   * path is looked at again after that window; if it changed since, it counts as a new change.
   */
  private recheckLater(event: string, p: string): void {
    if (event !== 'change' && event !== 'add') return;
    const previous = this.rechecks.get(p);
    if (previous) clearTimeout(previous.timer);
    const seen = fingerprint(p);
    const timer = setTimeout(() => {
      this.rechecks.delete(p);
      if (this.watcher && fingerprint(p) !== seen) this.onFsEvent('change', p);
    }, RECHECK_MS);
    timer.unref?.();
    this.rechecks.set(p, { seen, timer });
  }

  private onFsEvent(event: string, p: string): void {
    this.recheckLater(event, p);
    const rel = path.relative(this.store.paths.root, p).split(path.sep);
    const mailbox = mailboxPathKind(rel);
    if (mailbox !== null) {
      if (mailbox === 'inbox' || mailbox === 'inbox-file') this.onMailbox('inbox', rel[1], '');
      return;
    }
    if (rel[0] === 'tasks' && rel[2] === '.lockstep') {
      // Lockstep's own folder is watched only for the member profiles (part of the team config); its lock,
      // queue and journal change on every write and are nobody's news.
      if (rel[3] !== 'members.json' && rel[3] !== 'team.json') return;
      this.teamsDirty = true;
      this.configs.delete(rel[1]);
    } else if (rel[0] === 'teams') {
      this.teamsDirty = true;
      if (rel[1]) this.configs.delete(rel[1]);
    } else if (rel[0] === 'tasks' && rel.length === 3) {
      const id = taskIdFromFileName(rel[2]);
      if (id) {
        const ids = this.pendingTasks.get(rel[1]) ?? new Set<string>();
        ids.add(id);
        this.pendingTasks.set(rel[1], ids);
      }
    } else if (rel[0] === 'tasks' && rel.length === 2 && (event === 'addDir' || event === 'unlinkDir')) {
      this.tasks.forgetCounts(rel[1]);
      this.teamsDirty = true;
    }
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), COALESCE_MS);
  }

  private configPrint(team: string): string {
    return `${fingerprint(this.store.paths.teamConfig(team))}|${fingerprint(profilesPath(this.store.paths.lockstepDir(team)))}`;
  }

  /** Whether the team's config or member profiles differ from when this was last asked (the first time: no). */
  private configChanged(team: string): boolean {
    const now = this.configPrint(team);
    const before = this.configs.get(team);
    this.configs.set(team, now);
    return before !== undefined && before !== now;
  }

  /** Messages and costs: a new history file (by name), an inbox touched, a cost event added or removed. */
  private onMailbox(kind: 'event' | 'inbox' | 'cost', team: string, name: string): void {
    if (kind === 'event') {
      const names = this.pendingEvents.get(team) ?? new Set<string>();
      names.add(name);
      this.pendingEvents.set(team, names);
    } else if (kind === 'inbox') {
      this.inboxesDirty.add(team);
      this.trailInbox(team);
    } else this.costsDirty.add(team);
    if (!this.timer) this.timer = setTimeout(() => void this.flush(), COALESCE_MS);
  }

  /**
   * A receive renames and deletes files in quick succession, and chokidar drops repeats of a path within its
   * throttle (unlinks are not rechecked): the window counts the team's inboxes once more after the last change, so
   * a ✉ count never stays one behind.
   */
  private trailInbox(team: string): void {
    const previous = this.inboxTrails.get(team);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      this.inboxTrails.delete(team);
      if (!this.watcher) return;
      this.inboxesDirty.add(team);
      if (!this.timer) this.timer = setTimeout(() => void this.flush(), COALESCE_MS);
    }, RECHECK_MS * 3);
    timer.unref?.();
    this.inboxTrails.set(team, timer);
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const batches = this.pendingTasks;
    this.pendingTasks = new Map();
    let teamsDirty = this.teamsDirty;
    this.teamsDirty = false;
    for (const [team, ids] of batches) {
      const at = Date.now();
      // A config or profile change whose own event did not come (a writer that changes the profiles, then a task at
      // once): the task change shows it, so the window never keeps an old member list.
      if (this.configChanged(team)) teamsDirty = true;
      this.emit('tasksChanged', { team, ids: [...ids], at });
      let read = new Map<string, VersionedTask | null>();
      try {
        read = await this.tasks.describe(team, [...ids], at);
      } catch (err) {
        this.emit('storeError', toSerializedError(err));
      }
      try {
        const counts = await this.tasks.recount(team, [...ids], read);
        if (counts === 'unknown') teamsDirty = true;
        else if (counts) this.emit('countsChanged', { team, counts, at });
      } catch {
        teamsDirty = true; // the window re-reads the whole list, which reports what is wrong
      }
    }
    if (teamsDirty) this.emit('teamsChanged', { at: Date.now() });
    const events = this.pendingEvents;
    this.pendingEvents = new Map();
    for (const [team, names] of events) this.emit('messagesChanged', { team, ids: [...names].sort(), at: Date.now() });
    for (const team of this.inboxesDirty) this.emit('inboxesChanged', { team, at: Date.now() });
    this.inboxesDirty.clear();
    for (const team of this.costsDirty) this.emit('costsChanged', { team, at: Date.now() });
    this.costsDirty.clear();
  }
}
