import { createHandlers, type Handlers } from '../src/main/handlers';
import type { EffectiveSettings } from '../src/main/settings';
import { LockstepStore } from '../src/store';

/** The app's main-process handlers on `dataDir`, acting as `person`, without Electron (outputs checked too). */
export function createTestHandlers(dataDir: string, person = 'ana'): { handlers: Handlers; store: LockstepStore } {
  let settings: EffectiveSettings = { dataDir, dataDirSource: 'test', agentName: person, clawteamInterlock: true, theme: 'system', activityOpen: true, activityHeight: 160, messagesOpen: null };
  const store = new LockstepStore({ dataDir, actor: { name: person, via: 'app' } });
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
