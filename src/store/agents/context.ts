import type { Store } from '../core/store-api';
import type { AgentPaths } from './agent-paths';
import type { LockstepCommand } from './shim';

/** What every agent operation needs: the store, where the data folder is, and how agents reach `lockstep`. */
export interface AgentContext {
  store: Store;
  paths: AgentPaths;
  /** The database URL when the store is PostgreSQL (agents get it as LOCKSTEP_STORE). */
  storeUrl?: string;
  lockstep: LockstepCommand;
  host: string;
  /** The environment agents inherit (before ClawTeam's variables are added). */
  env: NodeJS.ProcessEnv;
}
