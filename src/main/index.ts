import { app, BrowserWindow, dialog, nativeTheme, Notification, safeStorage, session, shell } from 'electron';
import * as path from 'path';
import { channelOf, type EventName, type EventPayload } from '../shared/api';
import { APP_INDEX, registerAppScheme, serveApp } from './app-protocol';
import { bindIpc } from './ipc';
import { buildMenu } from './menu';
import type { EffectiveSettings } from './settings';
import { StoreClient } from './store-client';
import type { MainMethods } from './store-protocol';
import { AppWindow, denyPermissions } from './window';

/**
 * The main process: the window, the menu, dialogs, notifications, safe storage and the lockstep:// protocol. The
 * store, its watchers and the running agents live in the store process (store-process.ts, an Electron utility
 * process): main relays the window's calls to it and its events to the window, so main's thread never waits on disk
 * or a database.
 */

// Tests and several side-by-side instances set their own user-data folder.
if (process.env.LOCKSTEP_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.LOCKSTEP_USER_DATA_DIR));
const flagIndex = process.argv.indexOf('--data-dir');

const rendererIndex = path.join(__dirname, '..', 'renderer', 'index.html');
// The dev server (electron-vite dev) and DevTools are for development; an installed app (app.isPackaged) has neither.
const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
// Served from lockstep://app (app-protocol.ts), not file://: the page's 'self' is its own bundle, not every local file.
registerAppScheme();
const isAppUrl = (url: string) => (devUrl ? url.startsWith(devUrl) : url.split('#')[0].split('?')[0] === APP_INDEX);

/** The settings in effect, as the store process (their one writer) last told main. */
let settings: EffectiveSettings | null = null;

function send<E extends EventName>(event: E, payload: EventPayload<E>): void {
  window.send(channelOf(event), JSON.stringify(payload));
}

/** What the store process asks of main: what needs Electron. */
const mainMethods: MainMethods = {
  async chooseFolder(defaultPath) {
    const options = {
      title: 'Open a data folder',
      message: 'Choose a Lockstep or ClawTeam data folder (the one holding teams/ and tasks/).',
      defaultPath,
      properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
    };
    const win = window.current();
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
  },
  notify(title, body) {
    if (!Notification.isSupported()) return false;
    new Notification({ title, body }).show();
    return true;
  },
  encrypt: (password) => (safeStorage.isEncryptionAvailable() ? safeStorage.encryptString(password).toString('base64') : null),
  decrypt(encrypted) {
    if (!safeStorage.isEncryptionAvailable()) return null;
    try {
      return safeStorage.decryptString(Buffer.from(encrypted, 'base64'));
    } catch {
      return null; // encrypted by another user or machine: PGPASSWORD / ~/.pgpass instead
    }
  },
  settings(next) {
    settings = next;
    // The page's prefers-color-scheme (and native controls) follow the theme chosen in the app, or the system's.
    nativeTheme.themeSource = next.theme;
  },
};

const store = new StoreClient({
  init: {
    userDataDir: app.getPath('userData'),
    dataDirFlag: flagIndex > 0 ? process.argv[flagIndex + 1] : undefined,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath ?? app.getAppPath(),
    execPath: process.execPath,
    // Every answer checked against the contract while developing (`npm run dev`) and under the end-to-end tests
    // (LOCKSTEP_VALIDATE_OUTPUTS=1, set by playwright.config.ts); not for people using the app (`npm start`, the
    // package), where it would cost some 40–80 ms on every load of a 10,000-task team.
    validateOutputs: process.env.LOCKSTEP_VALIDATE_OUTPUTS === '1' || Boolean(devUrl),
  },
  main: mainMethods,
  onEvent: (name, json) => window.send(channelOf(name as EventName), json),
  // Said in the window's status line; calls meanwhile are answered with an error in words (store-client.ts).
  onDeath: (message, restarting) => send('storeError', { code: 'STORE_UNAVAILABLE', message, details: { restarting } }),
  // Started again: a fresh store and watchers, so the window reads everything again (as after opening a folder).
  onRestart: (next) => {
    mainMethods.settings(next);
    const win = window.current();
    if (win) store.connectWindow(win.webContents); // a fresh line for big answers to the new store process
    send('folderChanged', next);
  },
});

const window = new AppWindow({
  url: devUrl ?? APP_INDEX,
  isAppUrl,
  runningAgents: () => store.runningAgents(3000),
  stopAgents: (running) => store.stopAgents(running),
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  denyPermissions(contents.session);
});

const gotLock = process.env.LOCKSTEP_ALLOW_MULTIPLE === '1' || app.requestSingleInstanceLock();
if (!gotLock) app.quit();
app.on('second-instance', () => window.focus());

app.whenReady().then(async () => {
  serveApp(path.dirname(rendererIndex));
  denyPermissions(session.defaultSession);
  // A store that cannot open still leaves a window: its calls answer with the error in words.
  await store
    .start()
    .then(mainMethods.settings, (err) => console.error(`Lockstep could not open its store: ${err instanceof Error ? err.message : err}`));
  bindIpc(
    (name, raw) => store.invoke(name, raw),
    () => window.current(),
    isAppUrl,
    { connect: (contents) => store.connectWindow(contents), ready: (generation) => store.windowReady(generation) },
  );
  buildMenu({
    // The same call as the window's File › Open: main's dialog, then the store process opens the folder.
    chooseFolder: () =>
      void store.invoke('openDataFolder', {}).then((result) => {
        const answer = typeof result === 'string' ? JSON.parse(result) : result;
        if (!answer.ok) send('storeError', answer.error);
      }),
    showFolder: () => void (settings && shell.openPath(settings.dataDir)),
    command: (command) => send('menuCommand', { command }),
  });
  window.create();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window.create();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
// The store closes its connections and its process ends (never started again).
app.on('will-quit', () => void store.stop());
