import type { VersionedTask } from '../../src/shared/domain';
import type { ApiName, EventName, EventPayload, LockstepApi } from '../../src/shared/api';
import { LockstepStore } from '../../src/store';
import { copyFixture, readTask } from '../fixture';
import { createTestHandlers } from '../handlers';

export { readTask };

/**
 * What the window's `window.lockstep` is in renderer tests: the app's real handlers (validation, store, errors as
 * values) on a temp copy of the ClawTeam fixture, with the events main would push emitted by the test. Every call is
 * logged so a test can say which calls the renderer made.
 */

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
  const dataDir = copyFixture('lockstep-renderer-');
  const { handlers, store } = createTestHandlers(dataDir, person);
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

/** A task as the store returns it, for tests that need one without a disk. */
export function makeTask(id: string, patch: Partial<VersionedTask> = {}): VersionedTask {
  return {
    id,
    subject: `Task ${id}`,
    description: '',
    status: 'pending',
    priority: 'medium',
    owner: '',
    lockedBy: '',
    lockedAt: '',
    blocks: [],
    blockedBy: [],
    startedAt: '',
    createdAt: '2026-01-01T00:00:00.000000+00:00',
    updatedAt: '2026-01-01T00:00:00.000000+00:00',
    metadata: {},
    version: `v-${id}`,
    ...patch,
  };
}
