import { InvalidInputError, NotFoundError } from '../../shared/errors';
import type { VersionedTask } from '../../shared/domain';
import { assertName } from '../../shared/names';
import type { AgentContext } from './context';
import { agentStatuses, type HeldClaim } from './liveness';
import { logTail } from './logs';
import { exitStatusFromTail, groupAlive, pidAlive, signalGroup } from './processes';
import { readRegistry } from './registry';
import { latestRun, readRuns, updateRun } from './runs';
import { runningRun, startAgent } from './start';
import type { AgentRun } from './runs';

/** How long a stopped agent gets between SIGTERM and SIGKILL. */
export const DEFAULT_GRACE_MS = 5_000;

export interface StopResult {
  team: string;
  agent: string;
  /** False when it was not running (nothing was signalled). */
  wasRunning: boolean;
  /** The last signal it needed: SIGTERM, or SIGKILL after the grace period. */
  signal: 'SIGTERM' | 'SIGKILL' | null;
  /** Claims it still holds: offered for release (releaseClaims), never released without the caller's say. */
  claims: HeldClaim[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGTERM to the group, then SIGKILL once `graceMs` has passed; bounded, never waits forever. */
async function terminate(pid: number, group: boolean, graceMs: number): Promise<'SIGTERM' | 'SIGKILL'> {
  const alive = () => (group ? groupAlive(pid) : pidAlive(pid));
  const send = (sig: NodeJS.Signals) => (group ? signalGroup(pid, sig) : process.kill(pid, sig));
  try {
    send('SIGTERM');
  } catch {
    return 'SIGTERM';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive()) return 'SIGTERM';
    await sleep(50);
  }
  try {
    send('SIGKILL');
  } catch {
    // gone in between
  }
  for (let i = 0; i < 40 && alive(); i++) await sleep(50);
  return 'SIGKILL';
}

/**
 * Stops an agent: its run's whole process group (one Lockstep started), or the registry's pid (one ClawTeam
 * started, as `clawteam`'s stop_agent does, then SIGKILL too). Records how it ended. Its claims are returned, not
 * released: the caller asks the person and calls releaseClaims.
 */
export async function stopAgent(
  ctx: AgentContext,
  teamName: string,
  agentName: string,
  options: { graceMs?: number; because?: string } = {},
): Promise<StopResult> {
  const team = assertName(teamName, 'team');
  const agent = assertName(agentName, 'agent');
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const runs = readRuns(ctx.paths, team);
  const run = runningRun(runs, agent) ?? orphanedGroup(latestRun(runs, agent));
  let signal: StopResult['signal'] = null;
  if (run) {
    signal = await terminate(run.pid, process.platform !== 'win32', graceMs);
    const tail = logTail(ctx.paths, run).text;
    await updateRun(ctx.paths, team, run.id, (now) =>
      now.endedMs !== undefined
        ? null
        : { endedMs: Date.now(), exitCode: exitStatusFromTail(tail), signal, stoppedBecause: options.because ?? 'stopped' },
    );
  } else {
    const entry = readRegistry(ctx.paths, team)[agent];
    const status = (await agentStatuses(ctx, team, agent))[0];
    if (entry && entry.pid > 0 && status?.source === 'registry' && status.state !== 'exited') {
      signal = await terminate(entry.pid, false, graceMs);
    } else if (!status) {
      throw new NotFoundError(`${agent} is not a member of team ${team} and has never run there.`, { team, agent });
    }
  }
  const after = (await agentStatuses(ctx, team, agent))[0];
  return { team, agent, wasRunning: signal !== null, signal, claims: after?.claims ?? [] };
}

/** A run whose wrapper is gone but whose group still has processes (the wrapper alone was killed). */
function orphanedGroup(run: AgentRun | null): AgentRun | null {
  return run && run.endedMs === undefined && run.pid > 0 && groupAlive(run.pid) ? run : null;
}

/**
 * Releases the claims `taskIds` that `agent` holds (all of them when omitted), as that agent, with `reason`
 * journaled. Only after the person confirmed (the CLI's --release-claims, the window's dialog).
 */
export async function releaseClaims(
  ctx: AgentContext,
  teamName: string,
  agentName: string,
  options: { taskIds?: string[]; reason: string },
): Promise<VersionedTask[]> {
  const team = assertName(teamName, 'team');
  const agent = assertName(agentName, 'agent');
  if (!options.reason?.trim()) throw new InvalidInputError('Say why the claims are released (it is journaled).');
  const status = (await agentStatuses(ctx, team, agent))[0];
  const held = status?.claims.map((c) => c.taskId) ?? [];
  const wanted = options.taskIds ?? held;
  const released: VersionedTask[] = [];
  for (const id of wanted) {
    if (!held.includes(id)) throw new InvalidInputError(`${agent} does not hold task ${id}.`, { team, agent, taskId: id });
    released.push(await ctx.store.releaseTask(team, id, { agent, reason: options.reason }));
  }
  return released;
}

/** Stops the agent if it runs, then runs the same command again (same runtime, folder and task). */
export async function restartAgent(ctx: AgentContext, teamName: string, agentName: string, options: { graceMs?: number } = {}) {
  const team = assertName(teamName, 'team');
  const agent = assertName(agentName, 'agent');
  const last = latestRun(readRuns(ctx.paths, team), agent);
  if (!last) throw new NotFoundError(`${agent} has never been started by Lockstep in team ${team}: start it first.`, { team, agent });
  await stopAgent(ctx, team, agent, { graceMs: options.graceMs, because: 'restarted' });
  return startAgent(ctx, {
    team,
    agent,
    runtime: last.runtime,
    command: last.command,
    cwd: last.cwd,
    task: last.task,
    worktree: !!last.worktree,
  });
}
