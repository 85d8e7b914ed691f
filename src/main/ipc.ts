import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_NAMES, channelOf } from '../shared/api';
import { invalidSender, type Handlers } from './handlers';

/**
 * Binds one ipcMain.handle per contract entry and nothing else. Every call must come from the main frame of our
 * window showing our own page; anything else (another frame, a navigated page) gets an error value, not an answer.
 */
export function bindIpc(handlers: Handlers, window: () => BrowserWindow | null, isAppUrl: (url: string) => boolean): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const win = window();
    const frame = event.senderFrame;
    return Boolean(
      win && !win.isDestroyed() && event.sender === win.webContents && frame && frame === win.webContents.mainFrame && isAppUrl(frame.url),
    );
  };
  for (const name of API_NAMES) {
    ipcMain.handle(channelOf(name), (event, raw: unknown) => (trusted(event) ? handlers[name](raw) : invalidSender()));
  }
  return () => {
    for (const name of API_NAMES) ipcMain.removeHandler(channelOf(name));
  };
}
