export { LockstepStore, type DoctorRequest, type StoreOptions, type SweepRequest } from './store';
export type { Finding, FindingKind, FixAction } from './doctor';
export type { JournalEntry, JournalTaskChange } from './journal';
export { resolveDataDir, StorePaths, type ResolvedDataDir } from './paths';
export { DEFAULT_LOCK_OPTIONS, readLockHolder, type TeamLockOptions } from './team-lock';
export type { ActorOptions, ClaimOptions, SweepResult, SweptClaim } from './task-ops';
export { openStore, storeLocation, isDatabaseUrl, type DeletedTeam, type OpenedStore, type OpenStoreOptions, type Store } from './open';
export { PostgresStore, type PostgresStoreOptions } from './postgres/pg-store';
