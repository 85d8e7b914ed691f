import { API_NAMES, type ApiName, type EventName, type EventPayload } from '../shared/api';
import { BULK_MIN_CHARS, type BulkTicket } from '../shared/bulk';
import { toSerializedError } from '../shared/errors';
import type { MessagePortMain } from 'electron';
import { createHandlers, type Handlers } from './handlers';
import { Rpc, type RpcMessage } from './rpc';
import { SettingsStore } from './settings';
import type { MainMethods, RunningAgent, StoreInit, StoreMethods } from './store-protocol';
import { StoreSession } from './store-session';

/**
 * The store process: an Electron utility process (utilityProcess.fork from store-client.ts) in which the store, its
 * watchers, the running agents and every call's validation and work happen, so main's thread never waits on disk or
 * the database. Main relays the window's calls here (`invoke`) and this process's events to the window; what needs
 * Electron it asks main for (store-protocol.ts).
 */

const port = process.parentPort;
let session: StoreSession | null = null;
let handlers: Handlers | null = null;
let settings: SettingsStore | null = null;
/** The direct line to the page for big answers, as main last gave it. */
let bulk: { port: MessagePortMain; generation: number; sent: number } | null = null;

function send<E extends EventName>(event: E, payload: EventPayload<E>): void {
  rpc.event(event, JSON.stringify(payload));
}

const methods: StoreMethods = {
  async start(init: StoreInit) {
    settings = new SettingsStore(init.userDataDir, { flag: init.dataDirFlag, env: process.env });
    session = new StoreSession(settings, init, send, (method, ...args) => rpc.call(method, ...args));
    await session.open(settings.effective());
    handlers = createHandlers(session.handlerContext());
    session.agentWatcher.start();
    return settings.effective();
  },
  async invoke(name: ApiName, raw: unknown, bulkGeneration: number) {
    if (!handlers || !API_NAMES.includes(name)) throw new Error(`Unknown call ${String(name)}.`);
    // JSON text: main hands it on to the window without reading it; a big one (a 10,000-task team is megabytes)
    // goes straight to the page on the line it holds, and main relays only its ticket (shared/bulk.ts).
    const text = JSON.stringify(await handlers[name](raw));
    if (text.length < BULK_MIN_CHARS || !bulk || bulk.generation !== bulkGeneration) return text;
    const ticket: BulkTicket = { lockstepBulk: `${process.pid}:${++bulk.sent}` };
    bulk.port.postMessage({ id: ticket.lockstepBulk, text });
    return JSON.stringify(ticket);
  },
  runningAgents(): RunningAgent[] {
    return (session?.agentService().runningRuns() ?? []).map((r) => ({ team: r.team, agent: r.agent }));
  },
  async stopAgents(running: RunningAgent[]) {
    const service = session?.agentService();
    const because = `stopped on quitting by ${settings?.effective().agentName ?? 'the app'}`;
    await Promise.all(running.map((r) => service?.stop(r.team, r.agent, { because }).catch(() => undefined)));
  },
  async close() {
    await session?.close();
  },
};

// Alive until main ends it, also before the first call and between watchers (a packaged app's utility process can end
// once its script has run, when nothing else holds its event loop).
setInterval(() => undefined, 2 ** 30);

const rpc = new Rpc<MainMethods>((message) => port.postMessage(message), methods);
port.on('message', (event: { data: RpcMessage | { kind: 'bulk-port'; generation: number }; ports: MessagePortMain[] }) => {
  if (event.data.kind === 'bulk-port') {
    bulk?.port.close();
    const [line] = event.ports;
    line.start();
    bulk = { port: line, generation: event.data.generation, sent: 0 };
  } else rpc.receive(event.data);
});

// Something thrown outside a call: the window hears of it; the process keeps serving.
process.on('uncaughtException', (err) => send('storeError', toSerializedError(err)));
process.on('unhandledRejection', (err) => send('storeError', toSerializedError(err)));
