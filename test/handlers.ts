import { createHandlers, type Handlers } from '../src/main/handlers';
import type { EffectiveSettings } from '../src/main/settings';
import type { AppStore } from '../src/main/app-store';
import { LockstepStore } from '../src/store';

/**
 * The app's main-process handlers on `dataDir`, acting as `person`, without Electron (outputs checked too); on
 * `store` instead when one is given (a database).
 */
export function createTestHandlers<S extends AppStore = LockstepStore>(dataDir: string, person = 'ana', given?: S): { handlers: Handlers; store: S } {
  let settings: EffectiveSettings = { dataDir, dataDirSource: 'test', agentName: person, clawteamInterlock: true, theme: 'system', activityOpen: true, activityHeight: 160, messagesOpen: null };
  const store = given ?? (new LockstepStore({ dataDir, actor: { name: person, via: 'app' } }) as unknown as S);
  const handlers = createHandlers({
    store: () => store,
    settings: () => settings,
    setAgentName: (agentName) => (settings = { ...settings, agentName }),
    setClawteamInterlock: (enabled) => (settings = { ...settings, clawteamInterlock: enabled }),
    setAppearance: (patch) => (settings = { ...settings, ...patch }),
    openDataFolder: async () => settings,
    validateOutputs: true,
  });
  return { handlers, store };
}
