import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ApiName, EventName, EventPayload, LockstepApi } from '../../../shared/api';
import { createHandlers } from '../../../main/handlers';
import type { EffectiveSettings } from '../../../main/settings';
import { LockstepStore } from '../../../main/store';

/**
 * What the window's `window.lockstep` is in renderer tests: the app's real handlers (validation, store, errors as
 * values) on a temp copy of the ClawTeam fixture, with the events main would push emitted by the test. Every call is
 * logged so a test can say which calls the renderer made.
 */

export const FIXTURE = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared', 'fixtures', 'clawteam-0.3');

export function copyFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-renderer-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const writable = (p: string) => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) writable(path.join(p, e));
  };
  writable(dir);
  return dir;
}

export interface TestBridge {
  api: LockstepApi;
  dataDir: string;
  /** The store as the app's person uses it. */
  store: LockstepStore;
  /** Another process's view of the same folder (an agent). */
  agent(name: string): LockstepStore;
  calls: { name: ApiName; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export function createTestBridge(person = 'ana'): TestBridge {
  const dataDir = copyFixture();
  let settings: EffectiveSettings = { dataDir, dataDirSource: 'test', agentName: person, clawteamInterlock: true };
  const store = new LockstepStore({ dataDir, actor: { name: person, via: 'app' } });
  const handlers = createHandlers({
    store: () => store,
    settings: () => settings,
    setAgentName: (agentName) => (settings = { ...settings, agentName }),
    setClawteamInterlock: (enabled) => (settings = { ...settings, clawteamInterlock: enabled }),
    openDataFolder: async () => settings,
    validateOutputs: true,
  });
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls: TestBridge['calls'] = [];
  const api = new Proxy({} as LockstepApi, {
    get(_target, prop: string) {
      if (prop === 'on') {
        return (event: string, cb: (payload: unknown) => void) => {
          if (!listeners.has(event)) listeners.set(event, new Set());
          listeners.get(event)?.add(cb);
          return () => listeners.get(event)?.delete(cb);
        };
      }
      const handler = (handlers as Record<string, (raw: unknown) => Promise<unknown>>)[prop];
      if (!handler) return undefined;
      return (input: unknown) => {
        calls.push({ name: prop as ApiName, input });
        return handler(input);
      };
    },
  });
  return {
    api,
    dataDir,
    store,
    agent: (name) => new LockstepStore({ dataDir, actor: { name, via: 'cli' } }),
    calls,
    emit: (event, payload) => listeners.get(event)?.forEach((cb) => cb(payload)),
  };
}

export function readTask(dataDir: string, team: string, id: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'tasks', team, `task-${id}.json`), 'utf8')) as Record<string, unknown>;
}
