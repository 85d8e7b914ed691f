import * as fs from 'fs';
import * as path from 'path';
import { AlreadyExistsError, ConflictError, InvalidInputError } from '../../shared/errors';
import { leaderOf, type Member } from '../../shared/domain';
import { assertName } from '../../shared/names';
import type { AgentContext } from './context';
import { createLog, lastLine, logTail } from './logs';
import { describeStatus, sameProcessAlive, signalGroup, spawnDetached } from './processes';
import { buildEnv, buildPrompt } from './prompt';
import { readRegistry, registerAgent, subprocessEntry } from './registry';
import { addRun, latestRun, newRunId, readRuns, updateRun, type AgentRun } from './runs';
import { buildArgv, chooseCommand, preflight, runtimeOf, type RuntimeName } from './runtimes';
import { ensureShim } from './shim';
import { ensureWorktree } from './worktree';

export interface StartRequest {
  team: string;
  agent: string;
  /** Default: the command's own runtime when a command is given (`claude …` is Claude Code), else claude. */
  runtime?: RuntimeName;
  /** The argv without the prompt; default the runtime's program (`claude`, `codex`). */
  command?: string[];
  /** Default: the folder the team's last run used, else the caller's current folder. */
  cwd?: string;
  /** The agent's task, the heart of its prompt. */
  task?: string;
  /** ClawTeam's agent type, for a member added by this start. Default general-purpose. */
  agentType?: string;
  /** Run it in its own git worktree on its own branch, made from the repository holding `cwd`. */
  worktree?: boolean;
  /** How long to watch for a command that exits at once (ms, default 400). */
  settleMs?: number;
}

/** How long a started run is watched for an immediate failure. */
export const DEFAULT_SETTLE_MS = 400;

/** Spend >= budget (both in cents; no budget when 0): then agents are not started. */
export async function budgetProblem(ctx: AgentContext, team: string): Promise<string | null> {
  const summary = await ctx.store.costs.summary(team);
  if (!(summary.budgetCents > 0) || summary.totalCostCents < summary.budgetCents) return null;
  const $ = (c: number) => `$${(c / 100).toFixed(2)}`;
  return `Team ${team} has spent ${$(summary.totalCostCents)} of its ${$(summary.budgetCents)} budget: raise the budget (lockstep cost budget ${team} DOLLARS) to run agents again.`;
}

async function memberFor(ctx: AgentContext, team: string, agent: string, agentType: string | undefined) {
  let config = await ctx.store.getTeam(team);
  let member: Member | undefined = config.members.find((m) => m.name === agent);
  if (!member) {
    // As `clawteam spawn` does: starting an agent that is not a member yet makes it one.
    config = await ctx.store.addMember(team, { name: agent, user: '', agentType: agentType ?? 'general-purpose' });
    member = config.members.find((m) => m.name === agent) as Member;
  }
  const leader = leaderOf(config) ?? member;
  return { member, leader, isLeader: leader.name === member.name };
}

/** The run of `agent` that still runs, or null. */
export function runningRun(runs: AgentRun[], agent: string): AgentRun | null {
  const run = latestRun(runs, agent);
  return run && run.pid > 0 && run.endedMs === undefined && sameProcessAlive(run.pid, run.startedMs) ? run : null;
}

/**
 * Starts one agent: checks (team, name, not already running, budget, command, folder), then runs it detached with
 * ClawTeam's environment, `lockstep` on its PATH and the coordination prompt, its output in a new log; records it in
 * ClawTeam's spawn registry and in our run records; and watches it for `settleMs`: a command that exits at once
 * with a failure is INVALID_INPUT with one sentence (its run is kept, as exited).
 */
export async function startAgent(ctx: AgentContext, request: StartRequest): Promise<AgentRun> {
  const team = assertName(request.team, 'team');
  const agent = assertName(request.agent, 'agent');
  const runs = readRuns(ctx.paths, team);
  const running = runningRun(runs, agent);
  if (running) {
    throw new AlreadyExistsError(`${agent} is already running in team ${team} (pid ${running.pid}); stop it first, or restart it.`, {
      team,
      agent,
      pid: running.pid,
    });
  }
  const elsewhere = readRegistry(ctx.paths, team)[agent];
  const elsewhereMs = typeof elsewhere?.spawned_at === 'number' ? elsewhere.spawned_at * 1000 : undefined;
  if (elsewhere && elsewhere.pid > 0 && !runs.some((r) => r.pid === elsewhere.pid) && sameProcessAlive(elsewhere.pid, elsewhereMs)) {
    throw new AlreadyExistsError(
      `${agent} is already running in team ${team} (pid ${elsewhere.pid}, started outside Lockstep); stop it first.`,
      {
        team,
        agent,
        pid: elsewhere.pid,
      },
    );
  }
  const overBudget = await budgetProblem(ctx, team);
  if (overBudget) throw new ConflictError(overBudget, { team, reason: 'budget' });

  const runtime = request.runtime ?? (request.command?.length ? runtimeOf(request.command) : 'claude');
  const command = chooseCommand(runtime, request.command);
  const lastCwd = [...runs].reverse().find((r) => r.cwd)?.cwd;
  const cwd = path.resolve(request.cwd ?? lastCwd ?? process.cwd());
  const task = request.task ?? '';
  if (task.length > 100_000) throw new InvalidInputError('The task text is longer than 100,000 characters; shorten it.');
  // Checked before anything changes (no member added, no worktree made, for a command that cannot run).
  const shimDir = ensureShim(ctx.lockstep, ctx.env);
  const problem = preflight(runtime, command, cwd, [shimDir, ctx.env.PATH].filter(Boolean).join(path.delimiter));
  if (problem) throw new InvalidInputError(problem, { team, agent, runtime, command: command[0] });

  const { member, leader, isLeader } = await memberFor(ctx, team, agent, request.agentType);
  const worktree = request.worktree ? ensureWorktree(ctx.paths, team, agent, cwd) : undefined;
  const workDir = worktree?.path ?? cwd;

  const prompt = buildPrompt({
    agent,
    agentId: member.agentId,
    agentType: member.agentType,
    team,
    leader: leader.name,
    task,
    cwd: workDir,
    branch: worktree?.branch,
    user: member.user,
  });
  const env = buildEnv(ctx.env, {
    agent,
    agentId: member.agentId,
    agentType: member.agentType,
    team,
    isLeader,
    cwd: workDir,
    prompt,
    dataDir: ctx.paths.root,
    storeUrl: ctx.storeUrl,
    shimDir,
  });
  const argv = buildArgv(runtime, command, prompt);
  const startedMs = Date.now();
  const id = newRunId(agent, startedMs);
  const log = createLog(ctx.paths, team, id);
  let spawned;
  try {
    fs.writeSync(
      log.fd,
      `[lockstep] run ${id}: ${JSON.stringify(command)} (${runtime}) in ${workDir}${worktree ? ` (branch ${worktree.branch})` : ''}\n`,
    );
    spawned = spawnDetached(argv, workDir, env, log.fd);
  } finally {
    fs.closeSync(log.fd);
  }
  const run: AgentRun = {
    id,
    team,
    agent,
    runtime,
    command,
    task,
    cwd,
    log: path.relative(ctx.paths.root, log.file),
    pid: spawned.pid,
    host: ctx.host,
    startedMs,
    ...(worktree ? { worktree } : {}),
  };
  try {
    await registerAgent(ctx.paths, team, agent, subprocessEntry(spawned.pid, argv, startedMs));
    await addRun(ctx.paths, run);
  } catch (err) {
    // An agent nobody could find again must not run: stop it before reporting why it could not be recorded.
    signalGroup(spawned.pid, 'SIGKILL');
    throw err;
  }

  const settle = request.settleMs ?? DEFAULT_SETTLE_MS;
  let timer: NodeJS.Timeout | undefined;
  // Not unref'd: a CLI must stay up to see an immediate exit (the child itself is unref'd).
  const early = await Promise.race([spawned.exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), settle)))]);
  clearTimeout(timer);
  if (!early) return run;
  const status = early.code ?? null;
  const ended = await updateRun(ctx.paths, team, id, () => ({ endedMs: Date.now(), exitCode: status, signal: early.signal }));
  if (status === 0) return ended ?? run;
  const said = lastLine(logTail(ctx.paths, run).text.replace(/\n\[lockstep\] agent exited with status \d+\s*$/, ''));
  throw new InvalidInputError(
    `\`${command[0]}\` exited at once (${describeStatus(status, early.signal)})${said ? `: "${said}"` : ''}; check the command and its log, or choose another runtime.`,
    { team, agent, runId: id, exitCode: status, log: run.log },
  );
}
