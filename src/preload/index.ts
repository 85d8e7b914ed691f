import { contextBridge, ipcRenderer } from 'electron';
import { API_NAMES, EVENT_NAMES, channelOf, type EventName, type LockstepApi } from '../shared/api';

/**
 * window.lockstep: exactly one method per contract entry plus on(event, cb) → unsubscribe. Only plain data crosses:
 * no ipcRenderer, no event objects, no generic channel access. Answers and events come from the store process as
 * JSON text (main passes them on without reading them); they are read here.
 */
const read = (data: unknown): unknown => (typeof data === 'string' ? JSON.parse(data) : data);

const api: Record<string, unknown> = {};
for (const name of API_NAMES) {
  api[name] = async (input: unknown) => read(await ipcRenderer.invoke(channelOf(name), input));
}
api.on = (event: EventName, callback: (payload: unknown) => void) => {
  if (!EVENT_NAMES.includes(event)) throw new Error(`Unknown Lockstep event "${String(event)}".`);
  if (typeof callback !== 'function') throw new Error('on(event, callback) needs a function.');
  const listener = (_event: unknown, payload: unknown) => callback(read(payload));
  ipcRenderer.on(channelOf(event), listener);
  return () => {
    ipcRenderer.removeListener(channelOf(event), listener);
  };
};

contextBridge.exposeInMainWorld('lockstep', api as unknown as LockstepApi);
