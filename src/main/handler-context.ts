import type { ApiOutput } from '../shared/api';
import type { VersionedTask } from '../shared/domain';
import type { AgentService } from '../store/agents';
import type { AppStore } from './app-store';
import type { EffectiveSettings } from './settings';

/** What the handlers (handlers.ts and the handler files beside it) need of the app: its store, settings and windows. */
export interface HandlerContext {
  /** The store the app works on: a data folder or a database (app-store.ts). */
  store(): AppStore;
  settings(): EffectiveSettings;
  setAgentName(agentName: string): EffectiveSettings;
  setClawteamInterlock(enabled: boolean): EffectiveSettings;
  setAppearance(
    patch: Partial<Pick<EffectiveSettings, 'theme' | 'activityHeight' | 'notifications'>> & {
      activityOpen?: boolean;
      messagesOpen?: boolean;
    },
  ): EffectiveSettings;
  /** Shows a desktop notification (Electron, in main); without it (tests, no display) nothing is shown. */
  notify?(title: string, body: string): boolean | Promise<boolean>;
  /** Asks the person for a folder in a native dialog; unchanged settings if they cancel. Never takes a path. */
  openDataFolder(): Promise<EffectiveSettings>;
  /** Connects to a PostgreSQL database (validated, migrated) and works on it from now on. */
  connectDatabase?(request: { url: string; password?: string }): Promise<EffectiveSettings>;
  /** Whether the store is reachable now; calls that use the store are refused in plain words while it is not. */
  connection?(): ApiOutput<'getConnection'>;
  /** Tells the watcher what the window now shows, so later changes can be described (activity). */
  primeTeam?(team: string, tasks: VersionedTask[]): void;
  /** Check outputs against the contract too (tests and development). */
  validateOutputs?: boolean;
  /** Running agents (agent-handlers.ts): the AgentService over the open store, and the remembered folders. */
  agents?: AgentDeps;
}

/** What the store process (store-session.ts) gives the agent handlers (agent-handlers.ts): the service over the open store, the remembered folders. */
export interface AgentDeps {
  service(): AgentService;
  /** The folder agents of a team start in by default (remembered, else the last run's, else the home folder). */
  folderFor(team: string): string;
  rememberFolder(team: string, dir: string): void;
  /** The window looks at this team's agents: the store process pushes agentsChanged and agentOutput for it. */
  watch(team: string): void;
}
