import { app, BrowserWindow, dialog, nativeTheme, shell, type Session } from 'electron';
import * as path from 'path';
import { isAllowedExternalUrl } from './security';
import type { RunningAgent } from './store-protocol';

export interface WindowOptions {
  /** The page: the dev server's URL, or lockstep://app/ (app-protocol.ts). */
  url: string;
  isAppUrl(url: string): boolean;
  /** The agents running now (asked of the store process: a moment at most). */
  runningAgents(): Promise<RunningAgent[]>;
  stopAgents(running: RunningAgent[]): Promise<void>;
}

/**
 * The one window: created locked down (sandboxed, no navigation away, no new windows, no permissions), and closed
 * only after asking about running agents (leave them running, or stop them), if any.
 */
export class AppWindow {
  private window: BrowserWindow | null = null;
  /** Whether closing may go ahead: asked once about running agents. */
  private closeDecided = false;
  private asking = false;
  /** The app was asked to quit (not only this window to close): once decided, it quits. */
  private quitAsked = false;

  constructor(private readonly options: WindowOptions) {
    app.on('before-quit', () => (this.quitAsked = true));
  }

  current(): BrowserWindow | null {
    return this.window && !this.window.isDestroyed() ? this.window : null;
  }

  /** Sends an event to the page (its payload as JSON text, as the preload expects). */
  send(channel: string, json: string): void {
    this.current()?.webContents.send(channel, json);
  }

  focus(): void {
    const win = this.current();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  }

  create(): void {
    const win = new BrowserWindow({
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
    this.window = win;
    this.closeDecided = false;
    win.once('ready-to-show', () => win.show());
    // No new windows, no navigation away from the app.
    win.webContents.setWindowOpenHandler(({ url }) => {
      if (isAllowedExternalUrl(url)) void shell.openExternal(url); // allow-listed pages only (security.ts)
      return { action: 'deny' };
    });
    win.webContents.on('will-navigate', (event, url) => {
      if (!this.options.isAppUrl(url)) event.preventDefault();
    });
    win.on('close', (event) => {
      if (this.closeDecided) return;
      // Only when agents run (asked of the store process), the person is asked before the window goes.
      event.preventDefault();
      if (this.asking) return;
      this.asking = true;
      void this.decideClose(win).finally(() => (this.asking = false));
    });
    win.on('closed', () => {
      if (this.window === win) this.window = null;
    });
    void win.loadURL(this.options.url);
  }

  private async decideClose(win: BrowserWindow): Promise<void> {
    const quitAsked = this.quitAsked;
    this.quitAsked = false;
    const running = await this.options.runningAgents();
    if (running.length === 0) {
      this.closeDecided = true;
      if (quitAsked) app.quit();
      else if (!win.isDestroyed()) win.close();
      return;
    }
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
    const { response } = win.isDestroyed() ? await dialog.showMessageBox(options) : await dialog.showMessageBox(win, options);
    if (response === 2) return;
    if (response === 1) await this.options.stopAgents(running);
    this.closeDecided = true;
    app.quit();
  }
}

/** The board needs no camera, microphone, notifications, geolocation, clipboard reads, …: every request is denied. */
export function denyPermissions(target: Session): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
}
