import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { VersionedTask } from '../../shared/domain';
import type { CostEvent } from '../../shared/messages';
import { assertName, nameProblem } from '../../shared/names';
import type { Store } from '../core/store-api';
import { AgentPaths } from './agent-paths';
import { enforceBudget, type BudgetResult } from './budget';
import type { AgentContext } from './context';
import { recordCosts } from './cost-recorder';
import { agentStatuses, type AgentStatus } from './liveness';
import { readLog, type LogChunk } from './logs';
import { latestRun, readRuns, type AgentRun } from './runs';
import { RUNTIME_PRESETS } from './runtimes';
import { checkoutCli, type LockstepCommand } from './shim';
import { runningRun, startAgent, type StartRequest } from './start';
import { newParseState, parseText, type AgentStep } from './steps';
import { releaseClaims, restartAgent, stopAgent, type StopResult } from './stop';
import { ConflictError, NotFoundError } from '../../shared/errors';
import { removeWorktree } from './worktree';
import { launchTeam, planLaunch, type LaunchPlan, type LaunchRequest, type LaunchResult } from './launch';
import { defaultTemplateFolders, listTemplates, loadTemplate, type TeamTemplate, type TemplateFolders } from './templates';

export interface AgentServiceOptions {
  store: Store;
  /** The data folder: ClawTeam's spawn registry, our run records and the logs live there (also for a database store). */
  dataDir: string;
  /** The database URL when `store` is PostgreSQL (agents get it as LOCKSTEP_STORE). */
  storeUrl?: string;
  /** How agents run `lockstep` (default: this checkout's bin/lockstep.js on this Node; the packaged app passes its own). */
  lockstep?: LockstepCommand;
  /** The environment agents inherit (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Built-in and personal template folders (default: the repository's templates/ and ~/.clawteam/templates). */
  templates?: TemplateFolders;
}

/** A launch names its template by name or .toml path, or passes one already loaded (the window's preview). */
export type LaunchOptions = Omit<LaunchRequest, 'template'> & { template: string | TeamTemplate };

/**
 * Running agents, one implementation for the CLI (`lockstep agent …`, `lockstep launch`) and the window's main
 * process. Plain Node; every method re-reads the files, so several processes (a window, CLIs, ClawTeam) can share a
 * team's agents. Errors are LockstepErrors with a sentence (see src/shared/errors.ts).
 */
export class AgentService {
  readonly ctx: AgentContext;
  readonly templateFolders: TemplateFolders;

  constructor(options: AgentServiceOptions) {
    this.ctx = {
      store: options.store,
      paths: new AgentPaths(options.dataDir),
      storeUrl: options.storeUrl,
      lockstep: options.lockstep ?? checkoutCli(),
      host: os.hostname(),
      env: options.env ?? process.env,
    };
    this.templateFolders = options.templates ?? defaultTemplateFolders();
  }

  /** Templates of both folders (the person's win over a built-in of the same name). */
  templates(): ReturnType<typeof listTemplates> {
    return listTemplates(this.templateFolders);
  }

  /** One template by name or .toml path; refusals name the file and line. */
  template(nameOrPath: string): TeamTemplate {
    return loadTemplate(nameOrPath, this.templateFolders);
  }

  /** What launching would create (members, prompts, commands, tasks), creating nothing. */
  planLaunch(options: LaunchOptions): LaunchPlan {
    return planLaunch({ ...options, template: this.resolve(options.template) });
  }

  /** Creates the team and its tasks from a template and starts every agent detached. */
  launch(options: LaunchOptions): Promise<LaunchResult> {
    return launchTeam(this.ctx, { ...options, template: this.resolve(options.template) });
  }

  private resolve(template: string | TeamTemplate): TeamTemplate {
    return typeof template === 'string' ? this.template(template) : template;
  }

  /** Starts an agent detached (see start.ts); INVALID_INPUT with one sentence when its command cannot run. */
  start(request: StartRequest): Promise<AgentRun> {
    return startAgent(this.ctx, request);
  }

  /** Liveness of every member (or one agent) of a team. */
  list(team: string, agent?: string): Promise<AgentStatus[]> {
    return agentStatuses(this.ctx, team, agent);
  }

  async status(team: string, agent: string): Promise<AgentStatus> {
    const [status] = await agentStatuses(this.ctx, team, agent);
    if (!status) throw new NotFoundError(`${agent} is not a member of team ${team} and has never run there.`, { team, agent });
    return status;
  }

  /** SIGTERM to its group, SIGKILL after `graceMs`; returns the claims it still holds (offered, not released). */
  stop(team: string, agent: string, options?: { graceMs?: number; because?: string }): Promise<StopResult> {
    return stopAgent(this.ctx, team, agent, options);
  }

  /** Releases an agent's claims (all, or `taskIds`) after the person confirmed; journaled with `reason`. */
  releaseClaims(team: string, agent: string, options: { taskIds?: string[]; reason: string }): Promise<VersionedTask[]> {
    return releaseClaims(this.ctx, team, agent, options);
  }

  restart(team: string, agent: string, options?: { graceMs?: number }): Promise<AgentRun> {
    return restartAgent(this.ctx, team, agent, options);
  }

  /**
   * The runs Lockstep started that still run, in every team of the data folder. Synchronous and cheap (run records
   * and pids only): the window asks it while it is being closed.
   */
  runningRuns(): AgentRun[] {
    let teams: string[];
    try {
      teams = fs.readdirSync(path.join(this.ctx.paths.root, '.lockstep', 'agents'));
    } catch {
      return [];
    }
    const out: AgentRun[] = [];
    for (const team of teams.filter((t) => !nameProblem(t, 'team'))) {
      const runs = readRuns(this.ctx.paths, team);
      for (const agent of new Set(runs.map((r) => r.agent))) {
        const run = runningRun(runs, agent);
        if (run) out.push(run);
      }
    }
    return out;
  }

  /**
   * Removes the agent's worktree and branch (never while it runs). CONFLICT naming what would be lost (uncommitted
   * changes, commits not merged into its base) unless `force`: ask the person first.
   */
  async removeWorktree(team: string, agent: string, options: { force?: boolean } = {}): Promise<{ removed: string; lost: string[] }> {
    const status = await this.status(team, agent);
    if (status.state === 'running' || status.state === 'idle') {
      throw new ConflictError(`${agent} is still running in its worktree; stop it first.`, { team, agent });
    }
    const withTree = this.runs(team, agent).filter((r) => r.worktree);
    return removeWorktree(withTree[withTree.length - 1]?.worktree, options);
  }

  /**
   * Every run Lockstep started that still runs, in every team of this data folder: what the window's "quit with
   * agents running?" question lists (then `stop` each, or leave them: they run on).
   */
  runningEverywhere(): AgentRun[] {
    const root = path.join(this.ctx.paths.root, '.lockstep', 'agents');
    const teams = fs.existsSync(root) ? fs.readdirSync(root).filter((t) => !nameProblem(t, 'team')) : [];
    const out: AgentRun[] = [];
    for (const team of teams) {
      const runs = readRuns(this.ctx.paths, team);
      for (const agent of new Set(runs.map((r) => r.agent))) {
        const run = runningRun(runs, agent);
        if (run) out.push(run);
      }
    }
    return out;
  }

  /** What the team's newest run used (the window's start dialog remembers the folder per team), or null. */
  remembered(team: string, agent?: string): Pick<AgentRun, 'cwd' | 'runtime' | 'command'> | null {
    const runs = this.runs(team, agent);
    const last = runs.length ? runs.reduce((a, b) => (b.startedMs >= a.startedMs ? b : a)) : null;
    return last && { cwd: last.cwd, runtime: last.runtime, command: last.command };
  }

  /** Every run of a team (or of one agent), oldest first. */
  runs(team: string, agent?: string): AgentRun[] {
    const runs = readRuns(this.ctx.paths, assertName(team, 'team'));
    return agent === undefined ? runs : runs.filter((r) => r.agent === agent);
  }

  /** A bounded piece of a run's log (default: the newest run's last 64 KB). The window pages older output on request. */
  readLog(team: string, agent: string, options: { runId?: string; offset?: number; maxBytes?: number } = {}): LogChunk & { run: AgentRun } {
    const run = this.findRun(team, agent, options.runId);
    return { ...readLog(this.ctx.paths, run, options.offset, options.maxBytes), run };
  }

  /** The readable steps (text, tool call, result, cost) of a piece of a run's log. */
  steps(
    team: string,
    agent: string,
    options: { runId?: string; offset?: number; maxBytes?: number } = {},
  ): { steps: AgentStep[]; next: number; run: AgentRun } {
    const chunk = this.readLog(team, agent, options);
    const state = newParseState();
    state.model = chunk.run.model ?? '';
    return { steps: parseText(chunk.text, RUNTIME_PRESETS[chunk.run.runtime]?.format ?? 'text', state), next: chunk.next, run: chunk.run };
  }

  /** Records the token costs of Claude Code and Codex runs read from their logs since the last call. */
  recordCosts(team: string, agent?: string): Promise<CostEvent[]> {
    return recordCosts(this.ctx, team, agent);
  }

  /** Records costs, then stops the team's running agents when spend has reached the budget, and says why. */
  enforceBudget(team: string, options?: { graceMs?: number }): Promise<BudgetResult> {
    return enforceBudget(this.ctx, team, options);
  }

  private findRun(team: string, agent: string, runId?: string): AgentRun {
    const runs = readRuns(this.ctx.paths, assertName(team, 'team'));
    const run = runId ? runs.find((r) => r.id === runId && r.agent === agent) : latestRun(runs, assertName(agent, 'agent'));
    if (!run) throw new NotFoundError(`${agent} has no ${runId ? `run ${runId}` : 'run'} in team ${team}.`, { team, agent, runId });
    return run;
  }
}
