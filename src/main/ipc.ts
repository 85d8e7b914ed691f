import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { API_NAMES, channelOf, type ApiName, type ApiResult } from '../shared/api';
import { InvalidInputError } from '../shared/errors';

/** Answers a call: the store process's answer as JSON text (store-client.ts), or an error value. */
export type Invoke = (name: ApiName, raw: unknown) => Promise<string | ApiResult<never>>;

/**
 * Binds one ipcMain.handle per contract entry and nothing else. Every call must come from the main frame of our
 * window showing our own page; anything else (another frame, a navigated page) gets an error value, not an answer.
 * The rest is relayed to the store process as it came: main reads neither the request nor the answer.
 */
export function bindIpc(invoke: Invoke, window: () => BrowserWindow | null, isAppUrl: (url: string) => boolean): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const win = window();
    const frame = event.senderFrame;
    return Boolean(
      win && !win.isDestroyed() && event.sender === win.webContents && frame && frame === win.webContents.mainFrame && isAppUrl(frame.url),
    );
  };
  for (const name of API_NAMES) {
    ipcMain.handle(channelOf(name), (event, raw: unknown) => (trusted(event) ? invoke(name, raw) : invalidSender()));
  }
  return () => {
    for (const name of API_NAMES) ipcMain.removeHandler(channelOf(name));
  };
}

export function invalidSender(): ApiResult<never> {
  return { ok: false, error: new InvalidInputError('This request did not come from the Lockstep window; it was ignored.').toJSON() };
}
