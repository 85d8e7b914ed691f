import type { SweepResult, SweptClaim } from '../../shared/model';

/** What a sweep released (SweptClaim, SweepResult): shared/model.ts. */
export type { SweepResult, SweptClaim };

/** One process probe for the store (the team lock's stale-holder check uses the same). */
export { processAlive as isProcessAlive } from './claims';

// The task rules, one job per file; this module is their one entry point (`import * as ops from './task-ops'`).
export type { WriteGuards, ActorOptions, ClaimOptions, CreateTaskValues, UpdateTaskValues } from './task-guards';
export { createTask, completeTask, updateTask, deleteTask } from './task-status';
export { claimTask, claimNextTask, releaseTask, heartbeatTask, checkClaimOptions } from './task-claims';
export { sweepTeam, fixTaskFinding, fixFindingNow, type SweepOptions } from './task-sweep';
export { undoEntry, undoLastEntry, type UndoOptions } from './task-undo';
