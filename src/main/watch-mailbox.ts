import * as fs from 'fs';
import * as path from 'path';
import { NAME_PATTERN } from '../shared/names';

/**
 * What a path under the data folder is for messages and costs (relative path parts):
 *   teams/<team>/events/evt-*.json           a history entry   → 'event' (never .tmp)
 *   teams/<team>/inboxes                     folder            → 'dir'
 *   teams/<team>/inboxes/<inbox>             an inbox          → 'inbox'
 *   teams/<team>/inboxes/<inbox>/msg-*.json|.consumed          → 'inbox-file' (never .tmp-*.json)
 *   costs/<team>/cost-*.json                 a cost event      → 'cost' (never summary.json, *.tmp, *.lock)
 * Any other path under events/, inboxes/ or costs/ → 'ignore'; paths that are none of these → null (the task
 * watcher's own rules apply). The chokidar watcher follows only inboxes (small folders); events/ and costs/ are
 * ignored there and followed by BigFolderWatcher instead.
 */
export type MailboxPathKind = 'dir' | 'event' | 'inbox' | 'inbox-file' | 'cost' | 'ignore';

const safe = (name: string | undefined): boolean => name !== undefined && NAME_PATTERN.test(name) && name !== '.' && name !== '..';

export function mailboxPathKind(rel: string[]): MailboxPathKind | null {
  if (rel[0] === 'costs') {
    if (rel.length === 3 && safe(rel[1]) && /^cost-.+\.json$/.test(rel[2])) return 'cost';
    return 'ignore';
  }
  if (rel[0] !== 'teams' || rel.length < 3 || !safe(rel[1])) return null;
  if (rel[2] === 'events') {
    if (rel.length === 4 && /^evt-.+\.json$/.test(rel[3])) return 'event';
    return 'ignore';
  }
  if (rel[2] === 'inboxes') {
    if (rel.length === 3) return 'dir';
    if (!safe(rel[3])) return 'ignore';
    if (rel.length === 4) return 'inbox';
    if (rel.length === 5 && /^msg-.+\.(json|consumed)$/.test(rel[4])) return 'inbox-file';
    return 'ignore';
  }
  return null;
}

/**
 * Follows the folders that grow to thousands of files (a team's message history `teams/<team>/events` and its
 * cost events `costs/<team>`) with one plain fs.watch per folder, which names the file that changed: nothing is
 * listed again when a file lands (a general watcher re-reads the whole folder on every change, which costs
 * hundreds of milliseconds at 10,000 files). Small folders above them are watched too, only to notice a team or
 * one of these folders appearing.
 */
export class BigFolderWatcher {
  private readonly watchers = new Map<string, { w: fs.FSWatcher; ino: number }>();
  private closed = false;

  constructor(
    private readonly root: string,
    private readonly onEvent: (team: string, name: string) => void,
    private readonly onCost: (team: string) => void,
  ) {}

  start(): void {
    this.watch(this.root, (name, event) => {
      if (event === 'rename' && (name === 'teams' || name === 'costs')) this.drop(path.join(this.root, name));
      if (name === null || name === 'teams' || name === 'costs') this.scan();
    });
    this.scan(true);
  }

  close(): void {
    this.closed = true;
    for (const { w } of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  /**
   * Attaches watchers to folders not watched yet. Files that landed in a folder before its watcher was attached
   * (it was created a moment ago) are reported then; at start everything already there is history, not news.
   */
  private scan(initial = false): void {
    if (this.closed) return;
    // Folders deleted or replaced (a team removed and made again, a snapshot restored) get a fresh watcher.
    for (const [dir, { w, ino }] of this.watchers) {
      let now: number | null = null;
      try {
        now = fs.statSync(dir).ino;
      } catch {
        // gone
      }
      if (now !== ino) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    const teamsDir = path.join(this.root, 'teams');
    const costsDir = path.join(this.root, 'costs');
    // A team folder that comes and goes (removed, restored from a snapshot) gets fresh watchers: the old ones
    // watch a folder that no longer exists (its inode number may even be reused by the new one).
    this.watch(teamsDir, (name, event) => {
      if (name !== null && event === 'rename') this.drop(path.join(teamsDir, name));
      this.scan();
    });
    this.watch(costsDir, (name, event) => {
      if (name !== null && event === 'rename') this.drop(path.join(costsDir, name));
      this.scan();
    });
    for (const team of list(teamsDir).filter((t) => safe(t))) {
      const teamDir = path.join(teamsDir, team);
      this.watch(teamDir, (name) => {
        if (name === null || name === 'events') this.scan();
      });
      const events = path.join(teamDir, 'events');
      const all = () => list(events).filter((x) => /^evt-.+\.json$/.test(x));
      const added = this.watch(events, (name) => {
        if (name !== null && /^evt-.+\.json$/.test(name) && fs.existsSync(path.join(events, name))) this.onEvent(team, name);
        else if (name === null) for (const n of all()) this.onEvent(team, n);
      });
      if (added && !initial) for (const n of all()) this.onEvent(team, n);
    }
    for (const team of list(costsDir).filter((t) => safe(t))) {
      const added = this.watch(path.join(costsDir, team), (name) => {
        if (name === null || /^cost-.+\.json$/.test(name)) this.onCost(team);
      });
      if (added && !initial) this.onCost(team);
    }
  }

  /** Closes the watchers of `dir` and every folder under it. */
  private drop(dir: string): void {
    for (const [d, { w }] of this.watchers) {
      if (d === dir || d.startsWith(dir + path.sep)) {
        w.close();
        this.watchers.delete(d);
      }
    }
  }

  /**
   * One fs.watch per existing folder; a folder that vanishes drops its watcher (a later scan adds it again).
   * True when a watcher was attached now.
   */
  private watch(dir: string, onName: (name: string | null, event: string) => void): boolean {
    if (this.closed || this.watchers.has(dir)) return false;
    let w: fs.FSWatcher;
    let ino: number;
    try {
      const st = fs.statSync(dir);
      if (!st.isDirectory()) return false;
      ino = st.ino;
      w = fs.watch(dir, { persistent: false }, (event, name) => onName(name === null ? null : String(name), event));
    } catch {
      return false; // not there yet
    }
    w.on('error', () => {
      w.close();
      this.watchers.delete(dir);
    });
    this.watchers.set(dir, { w, ino });
    return true;
  }
}

function list(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
