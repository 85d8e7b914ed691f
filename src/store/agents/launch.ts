import * as path from 'path';
import { InvalidInputError, toSerializedError } from '../../shared/errors';
import { assertName } from '../../shared/names';
import type { AgentContext } from './context';
import type { AgentRun } from './runs';
import { chooseCommand, preflight, runtimeOf, type RuntimeName } from './runtimes';
import { startAgent } from './start';
import { substitute, type TeamTemplate } from './templates';

export interface LaunchRequest {
  template: TeamTemplate;
  team: string;
  goal: string;
  /** The agents' working folder (default the caller's). */
  cwd?: string;
  /** Runs every agent with this command instead of the template's (e.g. a scripted agent, or `codex`). */
  command?: string[];
  runtime?: RuntimeName;
}

/** What a launch would create: the members with their substituted task and command, and the tasks. */
export interface LaunchPlan {
  team: string;
  description: string;
  cwd: string;
  members: Array<{ name: string; type: string; leader: boolean; task: string; command: string[]; runtime: RuntimeName }>;
  tasks: Array<{ subject: string; description: string; owner: string }>;
}

export interface LaunchResult extends LaunchPlan {
  runs: AgentRun[];
  /** Agents that could not start (the rest did), each with its sentence. */
  failures: Array<{ agent: string; message: string }>;
}

/** The preview: the template applied to a team name and a goal. Creates nothing. */
export function planLaunch(request: LaunchRequest): LaunchPlan {
  const team = assertName(request.team, 'team');
  if (!request.goal.trim()) throw new InvalidInputError('Give the team a goal (--goal TEXT): the template builds its prompts from it.');
  if (request.goal.length > 20_000) throw new InvalidInputError('The goal is longer than 20,000 characters; shorten it.');
  const t = request.template;
  const values = { goal: request.goal, team };
  const members = [t.leader, ...t.agents].map((a, i) => {
    // A runtime chosen without a command runs that runtime's own program, not the template's.
    const chosen = request.command ?? (request.runtime ? undefined : (a.command ?? t.command));
    const runtime = request.runtime ?? runtimeOf(chosen ?? []);
    const command = chooseCommand(runtime, chosen);
    return {
      name: a.name,
      type: a.type,
      leader: i === 0,
      task: substitute(a.task, { ...values, agent: a.name }),
      command,
      runtime,
    };
  });
  const tasks = t.tasks.map((task) => ({
    subject: substitute(task.subject, { ...values, agent: task.owner }),
    description: substitute(task.description, { ...values, agent: task.owner }),
    owner: task.owner,
  }));
  return { team, description: substitute(t.description, values), cwd: path.resolve(request.cwd ?? process.cwd()), members, tasks };
}

/**
 * Launches a team from a template: checks every command first (nothing is created when one cannot run), creates the
 * team (leader first) and its tasks, then starts every agent detached. An agent that fails to start is reported
 * beside the others, which keep running.
 */
export async function launchTeam(ctx: AgentContext, request: LaunchRequest): Promise<LaunchResult> {
  const plan = planLaunch(request);
  for (const m of plan.members) {
    const problem = preflight(m.runtime, m.command, plan.cwd, ctx.env.PATH);
    if (problem) throw new InvalidInputError(`${m.name}: ${problem}`, { agent: m.name, command: m.command[0] });
  }
  await ctx.store.createTeam({
    name: plan.team,
    description: plan.description.slice(0, 10_000),
    members: plan.members.map((m) => ({ name: m.name, agentType: m.type.slice(0, 64) })),
  });
  for (const task of plan.tasks) {
    await ctx.store.createTask(plan.team, { subject: task.subject, description: task.description, owner: task.owner || undefined });
  }
  const runs: AgentRun[] = [];
  const failures: LaunchResult['failures'] = [];
  for (const m of plan.members) {
    try {
      runs.push(
        await startAgent(ctx, { team: plan.team, agent: m.name, runtime: m.runtime, command: m.command, cwd: plan.cwd, task: m.task }),
      );
    } catch (err) {
      failures.push({ agent: m.name, message: toSerializedError(err).message });
    }
  }
  return { ...plan, runs, failures };
}
