import { app, BrowserWindow, dialog, nativeTheme, Notification, safeStorage, session, shell, type Session } from 'electron';
import * as fs from 'fs';
import * as path from 'path';
import { channelOf, type ApiOutput, type EventName, type EventPayload } from '../shared/api';
import type { VersionedTask } from '../shared/domain';
import { InvalidInputError } from '../shared/errors';
import type { AppStore } from './app-store';
import { connectDatabase, type ConnectedDatabase } from './db-connect';
import { DatabaseWatcher } from './db-watcher';
import { createHandlers } from './handlers';
import { isAllowedExternalUrl } from './security';
import { APP_INDEX, registerAppScheme, serveApp } from './app-protocol';
import { bindIpc } from './ipc';
import { buildMenu } from './menu';
import { SettingsStore, type EffectiveSettings } from './settings';
import { LockstepStore, PostgresStore } from '../store';
import { DataFolderWatcher } from './watcher';
import { AgentService } from '../store/agents';
import { AgentWatcher } from './agent-watch';
import * as os from 'os';

// Tests and several side-by-side instances set their own user-data folder.
if (process.env.LOCKSTEP_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.LOCKSTEP_USER_DATA_DIR));

const flagIndex = process.argv.indexOf('--data-dir');
const settings = new SettingsStore(app.getPath('userData'), {
  flag: flagIndex > 0 ? process.argv[flagIndex + 1] : undefined,
  env: process.env,
});

let mainWindow: BrowserWindow | null = null;
let store: AppStore;
/** Releases the open store's connections (a database); nothing for a folder. */
let closeStore: () => Promise<void> = async () => undefined;
let watcher: { stop(): Promise<void>; prime(team: string, tasks: VersionedTask[]): void } | null = null;
/** Whether the store is reachable (a database can go away): the window's banner, and calls refused meanwhile. */
let connection: ApiOutput<'getConnection'> = { state: 'connected', label: '' };
/** Running agents (issue 25): the one AgentService of the store, re-made with it; the watcher of their output. */
let agents: AgentService | null = null;
const agentWatcher = new AgentWatcher(
  () => agentService(),
  (event, payload) => send(event, payload),
);

function agentService(): AgentService {
  if (agents) return agents;
  const current = settings.effective();
  const appRoot = app.getAppPath();
  const builtinDir = [path.join(appRoot, 'templates'), path.join(process.resourcesPath ?? appRoot, 'templates')].find((d) =>
    fs.existsSync(d),
  );
  agents = new AgentService({
    store,
    dataDir: current.dataDir,
    storeUrl: current.database ? connectUrl(current.database.url) : undefined,
    // Agents run this app's own CLI: the Electron binary acting as Node on bin/lockstep.js.
    lockstep: { argv: [process.execPath, path.join(appRoot, 'bin', 'lockstep.js')], env: { ELECTRON_RUN_AS_NODE: '1' } },
    templates: { builtinDir: builtinDir ?? path.join(appRoot, 'templates'), userDir: path.join(os.homedir(), '.clawteam', 'templates') },
  });
  return agents;
}

/** Passwords given in this run (also when the system has no safe storage to remember them in). */
const sessionPasswords = new Map<string, string>();

const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
// The dev server (electron-vite dev) and DevTools are for development; an installed app (app.isPackaged) has neither.
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
// Served from lockstep://app (app-protocol.ts), not file://: the page's 'self' is its own bundle, not every local file.
registerAppScheme();
const isAppUrl = (url: string) => (devUrl ? url.startsWith(devUrl) : url.split('#')[0].split('?')[0] === APP_INDEX);

function send<E extends EventName>(event: E, payload: EventPayload<E>): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channelOf(event), payload);
}

function setConnection(next: ApiOutput<'getConnection'>): void {
  connection = next;
  send('connectionChanged', next);
}

/** The database URL to connect with: the saved URL plus the password given in the app, if any (safeStorage). */
function connectUrl(url: string): string {
  let password = sessionPasswords.get(url);
  const encrypted = settings.encryptedDatabasePassword(url);
  if (!password && encrypted && safeStorage.isEncryptionAvailable()) {
    try {
      password = safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
    } catch {
      // Encrypted by another user or machine: fall back on PGPASSWORD / ~/.pgpass.
    }
  }
  if (!password) return url;
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

/** Opens the store (and its watcher): the database when one is set, else the effective data folder. */
async function openStore(current: EffectiveSettings, connected?: ConnectedDatabase): Promise<void> {
  agents = null;
  agentWatcher.reset();
  await watcher?.stop();
  watcher = null;
  const closePrevious = closeStore;
  closeStore = async () => undefined;
  try {
    const next = current.database ? openDatabase(current, current.database, connected) : openFolder(current);
    watcher = next;
    await next.start();
  } finally {
    await closePrevious().catch(() => undefined);
  }
}

function openDatabase(
  current: EffectiveSettings,
  database: NonNullable<EffectiveSettings['database']>,
  connected?: ConnectedDatabase,
): DatabaseWatcher {
  const label = database.label;
  const actor = { name: current.agentName, via: 'app' };
  const pg = connected?.store ?? new PostgresStore({ url: connectUrl(database.url), actor, poolSize: 4, retry: { connectionAttempts: 3 } });
  // Opened at launch (or after a name change): tables created or upgraded if need be, in the background, so a
  // server that is away does not hold the window up (its banner says so).
  if (!connected) void pg.migrate().catch(() => undefined);
  store = pg;
  closeStore = () => pg.close();
  setConnection({ state: 'connected', label });
  return new DatabaseWatcher(pg, send, (state, reason) =>
    setConnection(state === 'connected' ? { state, label } : { state, label, reason: reason ?? 'the connection was lost' }),
  );
}

function openFolder(current: EffectiveSettings): DataFolderWatcher {
  fs.mkdirSync(current.dataDir, { recursive: true });
  store = new LockstepStore({
    dataDir: current.dataDir,
    actor: { name: current.agentName, via: 'app' },
    // LOCKSTEP_LOCK_STALE_MS: shorter stale time for end-to-end tests of crash recovery (min 2000).
    lock: { app: 'lockstep-app', ...(process.env.LOCKSTEP_LOCK_STALE_MS ? { staleMs: Number(process.env.LOCKSTEP_LOCK_STALE_MS) } : {}) },
    clawteamInterlock: current.clawteamInterlock,
    onWarning: (message) => send('storeError', { code: 'IO_ERROR', message, details: {} }),
  });
  setConnection({ state: 'connected', label: current.dataDir });
  return new DataFolderWatcher(store as LockstepStore, send);
}

/** File › Connect to Database…: validated, test-connected, migrated, then the app works on it and remembers it. */
async function switchDatabase(request: { url: string; password?: string }): Promise<EffectiveSettings> {
  const connected = await connectDatabase(request, { actor: { name: settings.effective().agentName, via: 'app' } });
  let encryptedPassword: string | undefined;
  if (connected.password) {
    sessionPasswords.set(connected.url, connected.password);
    // Never in plain text: only encrypted by the system's safe storage, else kept for this run only.
    if (safeStorage.isEncryptionAvailable()) encryptedPassword = safeStorage.encryptString(connected.password).toString('base64');
  }
  const next = settings.update({ database: { url: connected.url, ...(encryptedPassword ? { encryptedPassword } : {}) } });
  await openStore(next, connected);
  send('folderChanged', next);
  if (connected.password && !encryptedPassword) {
    send('storeError', {
      code: 'INVALID_INPUT',
      message:
        'Connected. The password is kept for this run only (this system offers no safe storage for it); next time set PGPASSWORD or ~/.pgpass, or enter it again.',
      details: {},
    });
  }
  return next;
}

async function switchFolder(dataDir: string): Promise<EffectiveSettings> {
  const resolved = path.resolve(dataDir);
  if (fs.existsSync(resolved) && !fs.statSync(resolved).isDirectory()) {
    throw new InvalidInputError(`${resolved} is a file, not a folder.`);
  }
  const next = settings.update({ dataDir: resolved });
  await openStore(next);
  send('folderChanged', next);
  return next;
}

async function chooseFolder(): Promise<EffectiveSettings> {
  const options = {
    title: 'Open a data folder',
    message: 'Choose a Lockstep or ClawTeam data folder (the one holding teams/ and tasks/).',
    defaultPath: settings.effective().dataDir,
    properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
  };
  const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  if (result.canceled || result.filePaths.length === 0) return settings.effective();
  return switchFolder(result.filePaths[0]);
}

function reportError(err: unknown): void {
  send('storeError', { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err), details: {} });
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Lockstep',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#0f1420' : '#f6f7f9',
    webPreferences: {
      preload: path.join(__dirname, '..', 'preload', 'index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  // No new windows, no navigation away from the app.
  mainWindow.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url); // allow-listed pages only (security.ts)
    return { action: 'deny' };
  });
  mainWindow.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  mainWindow.on('close', (event) => {
    if (quitDecided) return;
    // Only when agents run (a quick look at the run records and pids), the person is asked before the window goes.
    let running: Array<{ team: string; agent: string }> = [];
    try {
      running = agentService()
        .runningRuns()
        .map((r) => ({ team: r.team, agent: r.agent }));
    } catch {
      // No store to look in: nothing to ask about.
    }
    if (running.length === 0) return;
    event.preventDefault();
    if (!asking) void askAboutAgents(running).finally(() => (asking = false));
    asking = true;
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  if (devUrl) void mainWindow.loadURL(devUrl);
  else void mainWindow.loadURL(APP_INDEX);
}

/** Whether closing may go ahead: asked once about running agents (leave them running, or stop them). */
let quitDecided = false;
let asking = false;

async function askAboutAgents(running: Array<{ team: string; agent: string }>): Promise<void> {
  if (running.length > 0) {
    const names = running.map((r) => `${r.agent} (${r.team})`).join(', ');
    const options = {
      type: 'question' as const,
      title: 'Agents are running',
      message: `${running.length === 1 ? '1 agent is' : `${running.length} agents are`} still running: ${names}.`,
      detail:
        'Left running, they keep working and this window finds them again next time. Stopped, their claims stay held until you release them.',
      buttons: ['Leave them running', 'Stop them', 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      noLink: true,
    };
    const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
    if (response === 2) return;
    if (response === 1) {
      const service = agentService();
      await Promise.all(
        running.map((r) =>
          service.stop(r.team, r.agent, { because: `stopped on quitting by ${settings.effective().agentName}` }).catch(() => undefined),
        ),
      );
    }
  }
  quitDecided = true;
  agentWatcher.stop();
  app.quit();
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  denyPermissions(contents.session);
});

/** The board needs no camera, microphone, notifications, geolocation, clipboard reads, …: every request is denied. */
function denyPermissions(target: Session): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
}

const gotLock = process.env.LOCKSTEP_ALLOW_MULTIPLE === '1' || app.requestSingleInstanceLock();
if (!gotLock) app.quit();
app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

app.whenReady().then(async () => {
  serveApp(path.dirname(rendererIndex));
  // The page's prefers-color-scheme (and native controls) follow the theme chosen in the app, or the system's.
  nativeTheme.themeSource = settings.effective().theme;
  denyPermissions(session.defaultSession);
  await openStore(settings.effective());
  const handlers = createHandlers({
    store: () => store,
    settings: () => settings.effective(),
    setAgentName: (agentName) => {
      const next = settings.update({ agentName });
      void openStore(next);
      return next;
    },
    setClawteamInterlock: (enabled) => {
      const next = settings.update({ clawteamInterlock: enabled });
      void openStore(next);
      return next;
    },
    setAppearance: (patch) => {
      const next = settings.update(patch);
      nativeTheme.themeSource = next.theme;
      return next;
    },
    notify: (title, body) => {
      if (!Notification.isSupported()) return false;
      new Notification({ title, body }).show();
      return true;
    },
    // Only a folder the person picked in the native dialog: the window cannot name one.
    openDataFolder: () => chooseFolder(),
    connectDatabase: (request) => switchDatabase(request),
    connection: () => connection,
    primeTeam: (team: string, tasks: VersionedTask[]) => watcher?.prime(team, tasks),
    // Every answer checked against the contract while developing (`npm run dev`) and under the end-to-end tests
    // (LOCKSTEP_VALIDATE_OUTPUTS=1, set by playwright.config.ts); not for people using the app (`npm start`, the
    // package), where it would hold the main thread some 40–80 ms on every load of a 10,000-task team.
    validateOutputs: process.env.LOCKSTEP_VALIDATE_OUTPUTS === '1' || Boolean(devUrl),
    agents: {
      service: agentService,
      folderFor: (team) => settings.agentFolder(team) ?? agentService().remembered(team)?.cwd ?? os.homedir(),
      rememberFolder: (team, dir) => settings.rememberAgentFolder(team, dir),
      watch: (team) => agentWatcher.watch(team),
    },
  });
  agentWatcher.start();
  bindIpc(handlers, () => mainWindow, isAppUrl);
  buildMenu({
    chooseFolder: () => void chooseFolder().catch(reportError),
    showFolder: () => void shell.openPath(settings.effective().dataDir),
    command: (command) => send('menuCommand', { command }),
  });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  void watcher?.stop();
  void closeStore();
  if (process.platform !== 'darwin') app.quit();
});
