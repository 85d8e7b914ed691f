import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ApiOutput, EventName, EventPayload } from '../shared/api';
import type { VersionedTask } from '../shared/domain';
import { InvalidInputError } from '../shared/errors';
import { openStore } from '../store';
import { AgentService } from '../store/agents';
import { AgentWatcher } from './agent-watch';
import type { AppStore } from './app-store';
import { connectDatabase, type ConnectedDatabase } from './db-connect';
import { DatabaseWatcher } from './db-watcher';
import type { HandlerContext } from './handler-context';
import type { SettingsStore, EffectiveSettings } from './settings';
import type { MainMethods, StoreInit } from './store-protocol';
import { DataFolderWatcher } from './watcher';

export type Send = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
type AskMain = <M extends keyof MainMethods>(
  method: M,
  ...args: Parameters<MainMethods[M]>
) => Promise<Awaited<ReturnType<MainMethods[M]>>>;

/**
 * The open store of the store process (store-process.ts): a data folder or a database, its watcher, the running
 * agents over it, and switching to another (a folder the person picked, a database). What needs Electron (the
 * folder dialog, safe storage, notifications) it asks main for (`ask`). Plain Node.
 */
export class StoreSession {
  private store!: AppStore;
  /** Releases the open store's connections (a database); nothing for a folder. */
  private closeStore: () => Promise<void> = async () => undefined;
  private watcher: { stop(): Promise<void>; prime(team: string, tasks: VersionedTask[]): void } | null = null;
  /** Whether the store is reachable (a database can go away): the window's banner, and calls refused meanwhile. */
  private connection: ApiOutput<'getConnection'> = { state: 'connected', label: '' };
  /** Running agents: the one AgentService of the store, re-made with it; the watcher of their output. */
  private agents: AgentService | null = null;
  /** The database URL the open store connected with (password included), for agents. */
  private storeUrl: string | undefined;
  readonly agentWatcher: AgentWatcher;
  /** Passwords given in this run (also when the system has no safe storage to remember them in). */
  private readonly sessionPasswords = new Map<string, string>();

  constructor(
    private readonly settings: SettingsStore,
    private readonly init: StoreInit,
    private readonly send: Send,
    private readonly ask: AskMain,
  ) {
    this.agentWatcher = new AgentWatcher(() => this.agentService(), send);
  }

  agentService(): AgentService {
    if (this.agents) return this.agents;
    const { appPath, resourcesPath, execPath } = this.init;
    const builtinDir = [path.join(appPath, 'templates'), path.join(resourcesPath, 'templates')].find((d) => fs.existsSync(d));
    this.agents = new AgentService({
      store: this.store,
      dataDir: this.settings.effective().dataDir,
      storeUrl: this.storeUrl,
      // Agents run this app's own CLI: the Electron binary acting as Node on bin/lockstep.js.
      lockstep: { argv: [execPath, path.join(appPath, 'bin', 'lockstep.js')], env: { ELECTRON_RUN_AS_NODE: '1' } },
      templates: { builtinDir: builtinDir ?? path.join(appPath, 'templates'), userDir: path.join(os.homedir(), '.clawteam', 'templates') },
    });
    return this.agents;
  }

  /** What the handlers (handlers.ts) need: this store, the settings, and main for what needs Electron. */
  handlerContext(): HandlerContext {
    const settings = this.settings;
    const changed = (next: EffectiveSettings, reopen: boolean): EffectiveSettings => {
      void this.ask('settings', next).catch(() => undefined);
      if (reopen) void this.open(next).catch((err) => this.reportError(err));
      return next;
    };
    return {
      store: () => this.store,
      settings: () => settings.effective(),
      setAgentName: (agentName) => changed(settings.update({ agentName }), true),
      setClawteamInterlock: (enabled) => changed(settings.update({ clawteamInterlock: enabled }), true),
      setAppearance: (patch) => changed(settings.update(patch), false),
      notify: (title, body) => this.ask('notify', title, body),
      // Only a folder the person picked in the native dialog (main's): the window cannot name one.
      openDataFolder: () => this.chooseFolder(),
      connectDatabase: (request) => this.switchDatabase(request),
      connection: () => this.connection,
      primeTeam: (team, tasks) => this.watcher?.prime(team, tasks),
      validateOutputs: this.init.validateOutputs,
      agents: {
        service: () => this.agentService(),
        folderFor: (team) => settings.agentFolder(team) ?? this.agentService().remembered(team)?.cwd ?? os.homedir(),
        rememberFolder: (team, dir) => settings.rememberAgentFolder(team, dir),
        watch: (team) => this.agentWatcher.watch(team),
      },
    };
  }

  reportError(err: unknown): void {
    this.send('storeError', { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), details: {} });
  }

  private setConnection(next: ApiOutput<'getConnection'>): void {
    this.connection = next;
    this.send('connectionChanged', next);
  }

  /** The database URL to connect with: the saved URL plus the password given in the app, if any (safeStorage). */
  private async connectUrl(url: string): Promise<string> {
    let password = this.sessionPasswords.get(url);
    const encrypted = this.settings.encryptedDatabasePassword(url);
    // Encrypted by another user or machine, or no safe storage: PGPASSWORD / ~/.pgpass instead.
    if (!password && encrypted) password = (await this.ask('decrypt', encrypted).catch(() => null)) ?? undefined;
    if (!password) return url;
    const u = new URL(url);
    u.password = password;
    return u.toString();
  }

  /** Opens the store (and its watcher): the database when one is set, else the effective data folder. */
  async open(current: EffectiveSettings, connected?: ConnectedDatabase): Promise<void> {
    this.agents = null;
    this.agentWatcher.reset();
    await this.watcher?.stop();
    this.watcher = null;
    const closePrevious = this.closeStore;
    this.closeStore = async () => undefined;
    try {
      this.storeUrl = current.database ? await this.connectUrl(current.database.url) : undefined;
      const next = current.database ? this.openDatabase(current, current.database, connected) : this.openFolder(current);
      this.watcher = next;
      await next.start();
    } finally {
      await closePrevious().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.agentWatcher.stop();
    await this.watcher?.stop();
    this.watcher = null;
    await this.closeStore().catch(() => undefined);
  }

  private openDatabase(
    current: EffectiveSettings,
    database: NonNullable<EffectiveSettings['database']>,
    connected?: ConnectedDatabase,
  ): DatabaseWatcher {
    const label = database.label;
    const actor = { name: current.agentName, via: 'app' };
    const pg =
      connected?.store ?? openStore({ url: this.storeUrl ?? database.url, actor, poolSize: 4, retry: { connectionAttempts: 3 } }).store;
    // Opened at launch (or after a name change): tables created or upgraded if need be, in the background, so a
    // server that is away does not hold the window up (its banner says so).
    if (!connected) void pg.migrate().catch(() => undefined);
    this.store = pg;
    this.closeStore = () => pg.close();
    this.setConnection({ state: 'connected', label });
    return new DatabaseWatcher(pg, this.send, (state, reason) =>
      this.setConnection(state === 'connected' ? { state, label } : { state, label, reason: reason ?? 'the connection was lost' }),
    );
  }

  private openFolder(current: EffectiveSettings): DataFolderWatcher {
    fs.mkdirSync(current.dataDir, { recursive: true });
    const { store } = openStore({
      dataDir: current.dataDir,
      actor: { name: current.agentName, via: 'app' },
      // LOCKSTEP_LOCK_STALE_MS: shorter stale time for end-to-end tests of crash recovery (min 2000).
      lock: { app: 'lockstep-app', ...(process.env.LOCKSTEP_LOCK_STALE_MS ? { staleMs: Number(process.env.LOCKSTEP_LOCK_STALE_MS) } : {}) },
      clawteamInterlock: current.clawteamInterlock,
      onWarning: (message) => this.send('storeError', { code: 'IO_ERROR', message, details: {} }),
    });
    this.store = store;
    this.setConnection({ state: 'connected', label: current.dataDir });
    return new DataFolderWatcher(store, this.send);
  }

  /** File › Connect to Database…: validated, test-connected, migrated, then the app works on it and remembers it. */
  private async switchDatabase(request: { url: string; password?: string }): Promise<EffectiveSettings> {
    const connected = await connectDatabase(request, { actor: { name: this.settings.effective().agentName, via: 'app' } });
    let encryptedPassword: string | undefined;
    if (connected.password) {
      this.sessionPasswords.set(connected.url, connected.password);
      // Never in plain text: only encrypted by the system's safe storage, else kept for this run only.
      encryptedPassword = (await this.ask('encrypt', connected.password).catch(() => null)) ?? undefined;
    }
    const next = this.settings.update({ database: { url: connected.url, ...(encryptedPassword ? { encryptedPassword } : {}) } });
    void this.ask('settings', next).catch(() => undefined);
    await this.open(next, connected);
    this.send('folderChanged', next);
    if (connected.password && !encryptedPassword) {
      this.send('storeError', {
        code: 'INVALID_INPUT',
        message:
          'Connected. The password is kept for this run only (this system offers no safe storage for it); next time set PGPASSWORD or ~/.pgpass, or enter it again.',
        details: {},
      });
    }
    return next;
  }

  private async switchFolder(dataDir: string): Promise<EffectiveSettings> {
    const resolved = path.resolve(dataDir);
    if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) {
      throw new InvalidInputError(`${resolved} is a file, not a folder.`);
    }
    const next = this.settings.update({ dataDir: resolved });
    void this.ask('settings', next).catch(() => undefined);
    await this.open(next);
    this.send('folderChanged', next);
    return next;
  }

  private async chooseFolder(): Promise<EffectiveSettings> {
    const picked = await this.ask('chooseFolder', this.settings.effective().dataDir);
    if (!picked) return this.settings.effective();
    return this.switchFolder(picked);
  }
}
