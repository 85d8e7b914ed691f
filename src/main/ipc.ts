import { ipcMain, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { API_NAMES, channelOf, type ApiName, type ApiResult } from '../shared/api';
import { InvalidInputError } from '../shared/errors';
import { BULK_HELLO, BULK_READY } from '../shared/bulk';

/** Answers a call: the store process's answer as JSON text (store-client.ts), or an error value. */
export type Invoke = (name: ApiName, raw: unknown) => Promise<string | ApiResult<never>>;

/**
 * Binds one ipcMain.handle per contract entry and nothing else. Every call must come from the main frame of our
 * window showing our own page; anything else (another frame, a navigated page) gets an error value, not an answer.
 * The rest is relayed to the store process as it came: main reads neither the request nor the answer.
 */
/** The direct line for big answers (bulk.ts): the page asks for it, then says it holds it. */
export interface BulkLine {
  connect(contents: WebContents): void;
  ready(generation: number): void;
}

export function bindIpc(
  invoke: Invoke,
  window: () => BrowserWindow | null,
  isAppUrl: (url: string) => boolean,
  bulk?: BulkLine,
): () => void {
  const trusted = (event: IpcMainInvokeEvent | IpcMainEvent): boolean => {
    const win = window();
    const frame = event.senderFrame;
    return Boolean(
      win && !win.isDestroyed() && event.sender === win.webContents && frame && frame === win.webContents.mainFrame && isAppUrl(frame.url),
    );
  };
  for (const name of API_NAMES) {
    ipcMain.handle(channelOf(name), (event, raw: unknown) => (trusted(event) ? invoke(name, raw) : invalidSender()));
  }
  const hello = (event: IpcMainEvent) => trusted(event) && bulk?.connect(event.sender);
  const ready = (event: IpcMainEvent, generation: unknown) => trusted(event) && typeof generation === 'number' && bulk?.ready(generation);
  ipcMain.on(BULK_HELLO, hello);
  ipcMain.on(BULK_READY, ready);
  return () => {
    for (const name of API_NAMES) ipcMain.removeHandler(channelOf(name));
    ipcMain.removeListener(BULK_HELLO, hello);
    ipcMain.removeListener(BULK_READY, ready);
  };
}

export function invalidSender(): ApiResult<never> {
  return { ok: false, error: new InvalidInputError('This request did not come from the Lockstep window; it was ignored.').toJSON() };
}
