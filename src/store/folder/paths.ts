import * as os from 'os';
import * as path from 'path';
import { assertName } from '../../shared/names';
import { readTextOrNull } from './safe-read';

/** Where ClawTeam keeps its settings; this file stays at this path whatever the data folder is. */
export function clawteamConfigPath(home: string = os.homedir()): string {
  return path.join(home, '.clawteam', 'config.json');
}

export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

export interface DataDirSources {
  flag?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

export interface ResolvedDataDir {
  dir: string;
  source: 'flag' | 'LOCKSTEP_DATA_DIR' | 'CLAWTEAM_DATA_DIR' | 'clawteam-config' | 'default';
}

/**
 * `--data-dir` › LOCKSTEP_DATA_DIR › CLAWTEAM_DATA_DIR › `data_dir` in ~/.clawteam/config.json › ~/.clawteam.
 * The config-file step matters for apps started from a desktop menu, which see no shell variables.
 */
export function resolveDataDir(sources: DataDirSources = {}): ResolvedDataDir {
  const env = sources.env ?? process.env;
  const home = sources.home ?? os.homedir();
  const pick = (value: string | undefined, source: ResolvedDataDir['source']): ResolvedDataDir | null =>
    value && value.trim() ? { dir: path.resolve(expandHome(value.trim(), home)), source } : null;
  return (
    pick(sources.flag, 'flag') ??
    pick(env.LOCKSTEP_DATA_DIR, 'LOCKSTEP_DATA_DIR') ??
    pick(env.CLAWTEAM_DATA_DIR, 'CLAWTEAM_DATA_DIR') ??
    pick(readClawteamDataDirSetting(home), 'clawteam-config') ?? {
      dir: path.join(home, '.clawteam'),
      source: 'default',
    }
  );
}

function readClawteamDataDirSetting(home: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readTextOrNull(clawteamConfigPath(home), 1024 * 1024) ?? 'null');
    if (parsed && typeof parsed === 'object' && 'data_dir' in parsed) {
      const value = (parsed as { data_dir: unknown }).data_dir;
      return typeof value === 'string' ? value : undefined;
    }
  } catch {
    // No config file or not JSON: fall through to the default, as ClawTeam does.
  }
  return undefined;
}

/** File layout of one data folder, exactly as ClawTeam lays it out. Every name is validated before use. */
export class StorePaths {
  constructor(readonly root: string) {}

  teamsDir(): string {
    return path.join(this.root, 'teams');
  }

  tasksRoot(): string {
    return path.join(this.root, 'tasks');
  }

  teamDir(team: string): string {
    return path.join(this.teamsDir(), assertName(team, 'team'));
  }

  teamConfig(team: string): string {
    return path.join(this.teamDir(team), 'config.json');
  }

  inboxDir(team: string, inbox: string): string {
    return path.join(this.teamDir(team), 'inboxes', assertName(inbox, 'member'));
  }

  tasksDir(team: string): string {
    return path.join(this.tasksRoot(), assertName(team, 'team'));
  }

  taskFile(team: string, id: string): string {
    return path.join(this.tasksDir(team), `task-${assertName(id, 'task id')}.json`);
  }

  /**
   * Lockstep's own folder inside a team's task folder (ClawTeam only looks at `task-*.json` there). The write lock
   * lives alone in it so that lock waiters, which watch this folder, wake only when the lock comes and goes, not
   * on every task write.
   */
  lockstepDir(team: string): string {
    return path.join(this.tasksDir(team), '.lockstep');
  }

  /** proper-lockfile's lock folder. Never ClawTeam's `.tasks.lock`, which must stay a plain file for flock. */
  writeLock(team: string): string {
    return path.join(this.lockstepDir(team), 'write.lock');
  }

  /** Deleted teams, kept so a deletion can be undone (bounded; see LockstepStore.deleteTeam). */
  trashDir(): string {
    return path.join(this.root, '.lockstep', 'trash');
  }

  /** ClawTeam's flock target (an empty regular file). */
  clawteamLock(team: string): string {
    return path.join(this.tasksDir(team), '.tasks.lock');
  }
}

const TASK_FILE_RE = /^task-([A-Za-z0-9._-]{1,64})\.json$/;

/** The task id a file name holds, or null for anything else (temp files, locks, ClawTeam's scratch files). */
export function taskIdFromFileName(name: string): string | null {
  const m = TASK_FILE_RE.exec(name);
  return m ? m[1] : null;
}

/**
 * Temp files writers leave behind when killed, by their exact name patterns only (sweep and doctor remove nothing
 * else): write-file-atomic's `task-<id>.json.<hash>` (8 hex digits), and Python's tempfile.mkstemp as ClawTeam
 * calls it, `task-<id>-<8 chars>.tmp` and its default `tmp<8 chars>.tmp`.
 */
export function isTempFileName(name: string): boolean {
  return (
    /^task-[A-Za-z0-9._-]{1,64}\.json\.[0-9a-f]{8}$/.test(name) ||
    /^task-[A-Za-z0-9._-]{1,64}-[a-z0-9_]{8}\.tmp$/.test(name) ||
    /^tmp[a-z0-9_]{8}\.tmp$/.test(name)
  );
}
