import type { ApiName } from '../shared/api';
import type { EffectiveSettings } from './settings';

/** What main tells the store process when it starts it: Electron's paths, which only main can ask for. */
export interface StoreInit {
  userDataDir: string;
  /** `--data-dir DIR` on main's command line, if given. */
  dataDirFlag?: string;
  /** The app's folder (app.getAppPath()), the packaged resources folder, and the Electron binary (agents run the CLI on it). */
  appPath: string;
  resourcesPath: string;
  execPath: string;
  /** Check every answer against the contract (development and the end-to-end tests). */
  validateOutputs: boolean;
}

export interface RunningAgent {
  team: string;
  agent: string;
}

/** What the store process answers (store-process.ts), called by main (store-client.ts). */
export type StoreMethods = {
  start(init: StoreInit): Promise<EffectiveSettings>;
  /** One call of the window: the ApiResult as JSON text, which main hands to the window as it is. */
  invoke(name: ApiName, raw: unknown, bulkGeneration: number): Promise<string>;
  runningAgents(): RunningAgent[];
  stopAgents(running: RunningAgent[]): Promise<void>;
  /** Stops the watchers and closes the store's connections, before the app quits. */
  close(): Promise<void>;
};

/** What main answers for the store process: what needs Electron (dialogs, notifications, safe storage, the theme). */
export type MainMethods = {
  /** The person picks a folder in the native dialog; null if they cancel. */
  chooseFolder(defaultPath: string): Promise<string | null>;
  notify(title: string, body: string): boolean;
  /** Electron's safeStorage, base64; null where the system offers none (or it cannot decrypt). */
  encrypt(password: string): string | null;
  decrypt(encrypted: string): string | null;
  /** The settings changed (main follows the theme, and shows the data folder from the menu). */
  settings(next: EffectiveSettings): void;
};
