export { LockstepStore, type StoreOptions, type SweepRequest } from './store';
export { resolveDataDir, StorePaths, type ResolvedDataDir } from './paths';
export { DEFAULT_LOCK_OPTIONS, readLockHolder, type TeamLockOptions } from './team-lock';
export type { ActorOptions, ClaimOptions, SweepResult, SweptClaim } from './task-ops';
