import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import writeFileAtomic from 'write-file-atomic';
import { ACTIVITY_HEIGHT, THEMES, type Theme } from '../shared/api';
import type { Settings } from '../shared/model';
import { cleanUserName, nameProblem } from '../shared/names';
import { isDatabaseUrl, resolveDataDir } from '../store';

/** What the app remembers between runs, in its user-data folder. Plain Node: tested without Electron. */
export type SavedSettings = Partial<
  Pick<Settings, 'dataDir' | 'agentName' | 'clawteamInterlock' | 'theme' | 'activityHeight' | 'notifications'>
> & {
  /** Absent until the person shows or hides the activity view (then the window follows its height). */
  activityOpen?: boolean;
} & {
  /** Absent until the person shows or folds the messages column (then the window follows its width). */
  messagesOpen?: boolean;
  /**
   * The database last connected to from the app (it wins over `dataDir` until a folder is opened again): its URL
   * without a password, and the password (if one was given) as Electron's safeStorage encrypted it, base64.
   */
  database?: { url: string; encryptedPassword?: string };
  /** The working folder agents of each team were last started in (the Start agent dialog offers it again). */
  agentFolders?: Record<string, string>;
};

/** The database the app works on: the URL without password and a short label (shared/model.ts). */
export type DatabaseSetting = NonNullable<Settings['database']>;

/** "host:port/dbname" of a database URL, for the window (never the user or password). */
export function databaseLabel(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || u.username || 'postgres';
    return `${u.hostname || 'localhost'}:${u.port || '5432'}/${db}`;
  } catch {
    return 'the database';
  }
}

/**
 * The URL without its password (what settings keep): neither the `user:password@` part nor a query parameter that
 * carries one (`password=`, `sslpassword=`, any name with "pass" in it).
 */
export function withoutPassword(url: string): string {
  const u = new URL(url);
  u.password = '';
  for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.delete(key);
  return u.toString();
}

/** The settings in effect (what the window is told): shared/model.ts. */
export type EffectiveSettings = Settings;

/** A name for the person at this computer: the OS user name, made safe; never ClawTeam's default "agent". */
export function defaultAgentName(): string {
  let name = 'person';
  try {
    name = cleanUserName(os.userInfo().username);
  } catch {
    // No user database entry (containers): keep "person".
  }
  return name === 'agent' || nameProblem(name, 'agent') ? 'person' : name;
}

export class SettingsStore {
  private saved: SavedSettings;

  constructor(
    private readonly userDataDir: string,
    private sources: { flag?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.saved = this.load();
  }

  private get file(): string {
    return path.join(this.userDataDir, 'settings.json');
  }

  private load(): SavedSettings {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.file, 'utf8')) as SavedSettings;
      return parsed && typeof parsed === 'object' ? parsed : {};
    } catch {
      return {};
    }
  }

  /** The embedded default data folder, inside the app's user-data folder. */
  embeddedDataDir(): string {
    return path.join(this.userDataDir, 'data');
  }

  /**
   * `--data-dir` and LOCKSTEP_DATA_DIR / CLAWTEAM_DATA_DIR win (a launch that names a folder means it), then the folder
   * last opened in the app, then ClawTeam's own `data_dir` setting, then the embedded default.
   */
  effective(): EffectiveSettings {
    const env = this.sources.env ?? process.env;
    const resolved = resolveDataDir({ flag: this.sources.flag, env });
    let dataDir: string;
    let dataDirSource: string;
    // LOCKSTEP_STORE=postgres://… at launch names a database (as for the CLI); a folder named at launch wins over
    // the database last connected to in the app, which wins over the folder last opened.
    const launchStore = (env.LOCKSTEP_STORE ?? '').trim();
    let database: DatabaseSetting | undefined;
    const launchFolder = resolved.source === 'flag' || resolved.source === 'LOCKSTEP_DATA_DIR' || resolved.source === 'CLAWTEAM_DATA_DIR';
    if (isDatabaseUrl(launchStore) && resolved.source !== 'flag') database = { url: launchStore, label: databaseLabel(launchStore) };
    else if (!launchFolder && this.saved.database?.url)
      database = { url: this.saved.database.url, label: databaseLabel(this.saved.database.url) };
    if (resolved.source === 'flag' || resolved.source === 'LOCKSTEP_DATA_DIR' || resolved.source === 'CLAWTEAM_DATA_DIR') {
      ({ dir: dataDir, source: dataDirSource } = resolved);
    } else if (this.saved.dataDir) {
      dataDir = this.saved.dataDir;
      dataDirSource = 'opened in the app';
    } else if (resolved.source === 'clawteam-config') {
      ({ dir: dataDir, source: dataDirSource } = resolved);
    } else {
      dataDir = this.embeddedDataDir();
      dataDirSource = 'embedded default';
    }
    return {
      dataDir,
      dataDirSource,
      agentName: this.saved.agentName ?? defaultAgentName(),
      clawteamInterlock: this.saved.clawteamInterlock ?? env.LOCKSTEP_CLAWTEAM_INTERLOCK !== 'off',
      // A hand-edited settings file cannot make the window unusable: unknown values fall back to the defaults.
      theme: THEMES.includes(this.saved.theme as Theme) ? (this.saved.theme as Theme) : 'system',
      activityOpen: typeof this.saved.activityOpen === 'boolean' ? this.saved.activityOpen : null,
      activityHeight:
        typeof this.saved.activityHeight === 'number' &&
        this.saved.activityHeight >= ACTIVITY_HEIGHT.min &&
        this.saved.activityHeight <= ACTIVITY_HEIGHT.max
          ? Math.round(this.saved.activityHeight)
          : ACTIVITY_HEIGHT.initial,
      messagesOpen: typeof this.saved.messagesOpen === 'boolean' ? this.saved.messagesOpen : null,
      notifications: this.saved.notifications === true,
      ...(database ? { database } : {}),
    };
  }

  /** The saved password of the database in use (encrypted, base64), if it was given in the app. */
  encryptedDatabasePassword(url: string): string | undefined {
    return this.saved.database?.url === url ? this.saved.database.encryptedPassword : undefined;
  }

  /** The folder agents of `team` were last started in, if any. */
  agentFolder(team: string): string | undefined {
    const folders = this.saved.agentFolders;
    return folders && Object.prototype.hasOwnProperty.call(folders, team) ? folders[team] : undefined;
  }

  rememberAgentFolder(team: string, dir: string): void {
    if (this.agentFolder(team) === dir) return;
    this.update({ agentFolders: { ...this.saved.agentFolders, [team]: dir } });
  }

  update(patch: SavedSettings): EffectiveSettings {
    this.saved = { ...this.saved, ...patch };
    // A folder opened in the app replaces whatever the launch named, and the database (the way back to a folder);
    // a database connected to in the app replaces what the launch named too.
    if (patch.dataDir) {
      this.sources = { env: {} };
      if (!('database' in patch)) delete this.saved.database;
    }
    if (patch.database) this.sources = { env: {} };
    fs.mkdirSync(this.userDataDir, { recursive: true });
    writeFileAtomic.sync(this.file, JSON.stringify(this.saved, null, 2));
    return this.effective();
  }
}
