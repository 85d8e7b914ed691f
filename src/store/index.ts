// The store's one door for the app (src/main) and the CLI: the interface (core), both backends, the backend chooser
// (open.ts), and the few folder and database calls they need besides. The rooms behind it: core (rules and formats
// both backends share), folder (the data folder), postgres (the database), copy (a data folder into a database).
export { LockstepStore, type StoreOptions } from './folder/store';
export type { Actor, DoctorRequest, Store, SweepRequest, TrackedEntry } from './core/store-api';
export type { Finding, FindingKind, FixAction } from './core/doctor';
export type { JournalEntry, JournalTaskChange } from './core/journal-format';
export { waitAtBarrier } from './core/failpoints';
export { resolveDataDir, StorePaths, taskIdFromFileName, type ResolvedDataDir } from './folder/paths';
export { profilesPath } from './folder/team-config';
export { setFlockWaitMode } from './folder/flock';
export { DEFAULT_LOCK_OPTIONS, readLockHolder, type TeamLockOptions } from './folder/team-lock';
export type { ActorOptions, ClaimOptions, SweepResult, SweptClaim } from './core/task-ops';
export { openStore, storeLocation, isDatabaseUrl, type DeletedTeam, type OpenedStore, type OpenStoreOptions } from './open';
export { PostgresStore, type PostgresStoreOptions } from './postgres/pg-store';
export { redactUrl } from './postgres/connection';
export { SCHEMA_VERSION, schemaVersion } from './postgres/migrations';
export type { ChangeNotice } from './postgres/watch';
export { copyStore } from './copy/copy';
export type { BroadcastResult, CostService, MessageService } from './core/message-service';
export type { AnswerInput, AnswerResult, RequestService } from './core/requests';
// The data folder's guarded file calls and its kernel lock, for the agent service (src/store/agents: its registry,
// runs and logs live in the data folder too).
export { acquireFlock } from './folder/flock';
export { assertNoLinks, mkdirInside, openNoFollow, readBounded, writeInside } from './folder/safe-fs';
