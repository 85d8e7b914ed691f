import { contextBridge, ipcRenderer } from 'electron';
import { API_NAMES, EVENT_NAMES, channelOf, type EventName, type LockstepApi } from '../shared/api';
import { BULK_HELLO, BULK_PORT, BULK_READY, isBulkTicket } from '../shared/bulk';

/**
 * window.lockstep: exactly one method per contract entry plus on(event, cb) → unsubscribe. Only plain data crosses:
 * no ipcRenderer, no event objects, no generic channel access. Answers and events come from the store process as
 * JSON text (main passes them on without reading them); they are read here.
 */
const read = (data: unknown): unknown => (typeof data === 'string' ? JSON.parse(data) : data);

// Big answers come straight from the store process on a line of their own (shared/bulk.ts); main relays their ticket.
const arrived = new Map<string, string>();
const waiting = new Map<string, (text: string) => void>();
ipcRenderer.on(BULK_PORT, (event, message: { generation: number }) => {
  const [line] = event.ports;
  line.onmessage = ({ data }: { data: { id: string; text: string } }) => {
    const take = waiting.get(data.id);
    if (take) {
      waiting.delete(data.id);
      take(data.text);
    } else arrived.set(data.id, data.text);
  };
  ipcRenderer.send(BULK_READY, message.generation);
});
ipcRenderer.send(BULK_HELLO);

/** The answer behind a ticket: already arrived, or arriving (sent before its ticket); else, after a while, an error. */
function redeem(id: string): Promise<unknown> {
  const text = arrived.get(id);
  if (text !== undefined) {
    arrived.delete(id);
    return Promise.resolve(JSON.parse(text));
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (!waiting.delete(id)) return;
      const message = "Lockstep's store process answered, but the answer did not reach the window. Try again.";
      resolve({ ok: false, error: { code: 'STORE_UNAVAILABLE', message, details: {} } });
    }, 30_000);
    waiting.set(id, (later) => {
      clearTimeout(timer);
      resolve(JSON.parse(later));
    });
  });
}

const api: Record<string, unknown> = {};
for (const name of API_NAMES) {
  api[name] = async (input: unknown) => {
    const answer = read(await ipcRenderer.invoke(channelOf(name), input));
    return isBulkTicket(answer) ? redeem(answer.lockstepBulk) : answer;
  };
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
