/**
 * Running agents: start, watch, stop, restart, logs, liveness, budget, templates. One implementation for
 * the CLI and the window's main process: construct an AgentService and call it. Plain Node, no electron.
 */
export { AgentService, type AgentServiceOptions, type LaunchOptions } from './service';
export type { LaunchPlan, LaunchResult } from './launch';
export { parseTemplate, substitute, type TeamTemplate, type TemplateAgent, type TemplateTask, type TemplateFolders } from './templates';
export type { StartRequest } from './start';
export type { AgentStatus, AgentState, HeldClaim } from './liveness';
export type { StopResult } from './stop';
export type { BudgetResult } from './budget';
export type { AgentRun } from './runs';
export type { LogChunk } from './logs';
export { stripAnsi } from './logs';
export type { AgentStep, StepKind, Usage } from './steps';
export { parseText, parseLine, newParseState } from './steps';
export { RUNTIMES, RUNTIME_PRESETS, runtimeName, runtimeOf, type RuntimeName, type RuntimePreset } from './runtimes';
export { checkoutCli, type LockstepCommand } from './shim';
export { readRegistry, type RegistryEntry, type SpawnRegistry } from './registry';
export type { AgentWorktree } from './worktree';
