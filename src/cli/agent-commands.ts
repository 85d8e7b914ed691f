import { InvalidInputError } from '../shared/errors';
import { parseDuration } from '../shared/time';
import { LockstepStore, resolveDataDir, type Store } from '../store';
import { AgentService, runtimeName, type AgentRun, type AgentStatus, type LaunchPlan } from '../store/agents';
import { str, type Command, type Values } from './command';

/**
 * `lockstep agent …` (start, list, stop, restart, logs, budget) on AgentService (src/store/agents), the same code
 * the window's main process calls. Registered in main.ts by one line.
 */

function grace(values: Values): number | undefined {
  const value = str(values, 'grace');
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms < 0) throw new InvalidInputError(`--grace must be a duration like 5s or 1m (got "${value}").`);
  return ms;
}

/** The agent service for the store this command opened: its data folder, or for a database the local data folder. */
export function agentService(store: Store, values: Values): AgentService {
  if (store instanceof LockstepStore) return new AgentService({ store, dataDir: store.paths.root });
  const url = str(values, 'store') ?? process.env.LOCKSTEP_STORE;
  return new AgentService({ store, dataDir: resolveDataDir({ flag: str(values, 'data-dir') }).dir, storeUrl: url });
}

const clock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

function formatStatuses(list: AgentStatus[]): string {
  if (!list.length) return 'No members and no agents in this team.';
  const width = Math.max(5, ...list.map((s) => s.agent.length));
  return list
    .map((s) => {
      const out = s.lastOutput ? `\n${' '.repeat(width + 2)}last output: ${s.lastOutput.line}` : '';
      return `${s.agent.padEnd(width)}  ${s.summary}${out}`;
    })
    .join('\n');
}

const runText = (run: AgentRun): string =>
  `Started ${run.agent} in team ${run.team} (pid ${run.pid}, ${run.runtime}) at ${clock(run.startedMs)}; log: ${run.log}` +
  (run.worktree ? `; its worktree: ${run.worktree.path} on branch ${run.worktree.branch}` : '');

function formatPlan(plan: LaunchPlan): string {
  const lines = [`Team ${plan.team}${plan.description ? `: ${plan.description}` : ''} (agents run in ${plan.cwd})`];
  for (const m of plan.members)
    lines.push(`  ${m.leader ? '★' : '-'} ${m.name} (${m.type}) runs ${JSON.stringify(m.command)} [${m.runtime}]`);
  for (const t of plan.tasks) lines.push(`  task: ${t.subject}${t.owner ? ` → ${t.owner}` : ''}`);
  return lines.join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const AGENT_COMMANDS: Record<string, Command> = {
  'agent start': {
    usage:
      'agent start TEAM NAME [--runtime claude|codex|custom] [--cwd DIR] [--task TEXT] [--type AGENT_TYPE] [--worktree] [-- CMD ARGS...]',
    summary:
      "Start an agent detached (it outlives this command), with ClawTeam's environment, `lockstep` on its PATH and the coordination prompt; its output goes to a log.",
    positionals: ['TEAM', 'NAME', 'CMD...'],
    options: {
      runtime: { type: 'string' },
      cwd: { type: 'string' },
      task: { type: 'string' },
      type: { type: 'string' },
      worktree: { type: 'boolean' },
    },
    async run(store, [team, name, ...command], v) {
      const run = await agentService(store, v).start({
        team,
        agent: name,
        runtime: runtimeName(str(v, 'runtime')),
        command: command.length ? command : undefined,
        cwd: str(v, 'cwd'),
        task: str(v, 'task'),
        agentType: str(v, 'type'),
        worktree: v.worktree === true,
      });
      return { json: run, text: runText(run) };
    },
  },
  'agent list': {
    usage: 'agent list TEAM',
    summary: 'Every member with its agent: running, idle, exited (with code) or not started, since when, and its last output.',
    positionals: ['TEAM'],
    options: {},
    async run(store, [team], v) {
      const list = await agentService(store, v).list(team);
      return { json: { agents: list }, text: formatStatuses(list) };
    },
  },
  'agent stop': {
    usage: 'agent stop TEAM NAME [--grace DURATION] [--release-claims --reason TEXT]',
    summary:
      'Stop an agent: SIGTERM to its process group, SIGKILL after the grace period (default 5s). Its claims are listed; --release-claims releases them (journaled).',
    positionals: ['TEAM', 'NAME'],
    options: { grace: { type: 'string' }, 'release-claims': { type: 'boolean' }, reason: { type: 'string' } },
    async run(store, [team, name], v) {
      const agents = agentService(store, v);
      const result = await agents.stop(team, name, { graceMs: grace(v), because: 'stopped from the command line' });
      const lines = [result.wasRunning ? `Stopped ${name} (${result.signal}).` : `${name} was not running.`];
      let released: string[] = [];
      if (result.claims.length && v['release-claims']) {
        const tasks = await agents.releaseClaims(team, name, { reason: str(v, 'reason') ?? `${name} was stopped` });
        released = tasks.map((t) => t.id);
        lines.push(`Released ${released.join(', ')}.`);
      } else if (result.claims.length) {
        const ids = result.claims.map((c) => c.taskId).join(', ');
        lines.push(`${name} still holds ${ids}: release with lockstep agent stop ${team} ${name} --release-claims --reason TEXT`);
      }
      return { json: { ...result, released }, text: lines.join('\n') };
    },
  },
  'agent restart': {
    usage: 'agent restart TEAM NAME [--grace DURATION]',
    summary: 'Stop the agent if it runs, then run the same command again (same runtime, folder and task).',
    positionals: ['TEAM', 'NAME'],
    options: { grace: { type: 'string' } },
    async run(store, [team, name], v) {
      const run = await agentService(store, v).restart(team, name, { graceMs: grace(v) });
      return { json: run, text: runText(run) };
    },
  },
  'agent logs': {
    usage: 'agent logs TEAM NAME [--run RUN_ID] [--bytes N] [--steps] [--follow]',
    summary:
      "An agent's output (its newest run's last 64 KB, or --bytes N); --steps turns Claude Code's and Codex's JSON lines into steps; --follow keeps printing until it exits.",
    positionals: ['TEAM', 'NAME'],
    options: { run: { type: 'string' }, bytes: { type: 'string' }, steps: { type: 'boolean' }, follow: { type: 'boolean' } },
    async run(store, [team, name], v) {
      const agents = agentService(store, v);
      const bytesText = str(v, 'bytes');
      if (bytesText !== undefined && !/^\d+$/.test(bytesText))
        throw new InvalidInputError(`--bytes must be a whole number (got "${bytesText}").`);
      const bytes = bytesText === undefined ? 65_536 : Math.max(1, Number(bytesText));
      const runId = str(v, 'run');
      const json = v.json === true;
      if (v.steps) {
        const result = agents.steps(team, name, { runId, offset: -bytes });
        const text = result.steps
          .map(
            (s) =>
              `${s.kind.padEnd(7)} ${s.tool ? `${s.tool}: ` : ''}${s.text}${s.usage ? ` [${s.usage.inputTokens} in, ${s.usage.outputTokens} out, ${s.usage.costCents}¢]` : ''}`,
          )
          .join('\n');
        return { json: result, text };
      }
      const first = agents.readLog(team, name, { runId, offset: -bytes });
      if (!v.follow) return { json: first, text: first.text.replace(/\n$/, '') };
      // Follow: print as the log grows, until the run has ended and everything is printed.
      const write = (text: string, offset: number) => process.stdout.write(json ? `${JSON.stringify({ offset, text })}\n` : text);
      write(first.text, first.offset);
      let next = first.next;
      let ended = false;
      for (;;) {
        const chunk = agents.readLog(team, name, { runId: first.run.id, offset: next });
        if (chunk.text) write(chunk.text, chunk.offset);
        next = chunk.next;
        if (chunk.text) continue;
        if (ended) break; // one more read after the end: the last lines and the exit status are in
        const status = await agents.status(team, name);
        ended = status.run?.id !== first.run.id || (status.state !== 'running' && status.state !== 'idle');
        if (!ended) await sleep(250);
      }
      return { json: { run: first.run, next }, text: '' };
    },
  },
  'agent worktree-remove': {
    usage: 'agent worktree-remove TEAM NAME [--force]',
    summary:
      "Remove a stopped agent's own worktree and branch; refused, naming what would be lost, when it holds uncommitted or unmerged work, unless --force.",
    positionals: ['TEAM', 'NAME'],
    options: { force: { type: 'boolean' } },
    async run(store, [team, name], v) {
      const result = await agentService(store, v).removeWorktree(team, name, { force: v.force === true });
      return { json: result, text: `Removed ${result.removed}${result.lost.length ? ` (discarded ${result.lost.join(' and ')})` : ''}.` };
    },
  },
  'agent budget': {
    usage: 'agent budget TEAM',
    summary: "Record the token costs in the agents' logs, and stop the team's running agents when spend has reached its budget.",
    positionals: ['TEAM'],
    options: {},
    async run(store, [team], v) {
      const result = await agentService(store, v).enforceBudget(team);
      const $ = (c: number) => `$${(c / 100).toFixed(2)}`;
      const text =
        result.message ||
        (result.budgetCents > 0
          ? `Team ${team} has spent ${$(result.spentCents)} of its ${$(result.budgetCents)} budget.`
          : `Team ${team} has spent ${$(result.spentCents)} and has no budget.`);
      return { json: result, text };
    },
  },
  launch: {
    usage: 'launch TEMPLATE --team NAME --goal TEXT [--cwd DIR] [--runtime R] [--dry-run] [-- CMD ARGS...]',
    summary:
      'Create a team from a ClawTeam TOML template (a built-in or ~/.clawteam/templates name, or a .toml path) and start every agent detached; --dry-run shows what it would create; `-- CMD` runs every agent with that command.',
    positionals: ['TEMPLATE', 'CMD...'],
    options: {
      team: { type: 'string' },
      goal: { type: 'string' },
      cwd: { type: 'string' },
      runtime: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    async run(store, [template, ...command], v) {
      const team = str(v, 'team');
      const goal = str(v, 'goal');
      if (!team || goal === undefined) throw new InvalidInputError('Say which team to create and its goal: --team NAME --goal TEXT.');
      const agents = agentService(store, v);
      const options = {
        template,
        team,
        goal,
        cwd: str(v, 'cwd'),
        runtime: runtimeName(str(v, 'runtime')),
        command: command.length ? command : undefined,
      };
      if (v['dry-run']) {
        const plan = agents.planLaunch(options);
        return { json: plan, text: formatPlan(plan) };
      }
      const result = await agents.launch(options);
      const lines = [
        formatPlan(result),
        ...result.runs.map(runText),
        ...result.failures.map((f) => `Could not start ${f.agent}: ${f.message}`),
      ];
      return { json: result, text: lines.join('\n') };
    },
  },
  'template list': {
    usage: 'template list',
    summary: 'Team templates: your own (~/.clawteam/templates) and the built-in ones.',
    positionals: [],
    options: {},
    async run(store, _args, v) {
      const list = agentService(store, v).templates();
      const text = list.length
        ? list.map((t) => `${t.name.padEnd(20)} ${t.builtin ? 'built-in' : 'yours   '}  ${t.problem ?? t.description}`).join('\n')
        : 'No templates found.';
      return { json: { templates: list }, text };
    },
  },
};
