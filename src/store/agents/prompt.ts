/**
 * The coordination prompt, in ClawTeam's shape (clawteam/spawn/prompt.py): identity, workspace, task, then how to
 * work with the team — here with `lockstep` commands, which reach the same store (data folder or database).
 */
export interface PromptInput {
  agent: string;
  agentId: string;
  agentType: string;
  team: string;
  leader: string;
  task: string;
  cwd: string;
  /** Set when the agent works in its own git worktree on this branch. */
  branch?: string;
  user?: string;
}

export function buildPrompt(p: PromptInput): string {
  const t = p.team;
  const me = p.agent;
  const lines = ['## Identity', '', `- Name: ${me}`, `- ID: ${p.agentId}`];
  if (p.user) lines.push(`- User: ${p.user}`);
  lines.push(`- Type: ${p.agentType}`, `- Team: ${t}`, `- Leader: ${p.leader}`);
  lines.push('', '## Workspace', `- Working directory: ${p.cwd}`);
  if (p.branch) {
    lines.push(`- Branch: ${p.branch}`, '- This is your own git worktree: commit your work here; it does not change the main branch.');
  } else lines.push('- Work directly in this folder unless told otherwise.');
  lines.push('', '## Task', '', p.task.trim() || `Take the team's tasks, one at a time, until none is left.`);
  lines.push(
    '',
    '## Coordination Protocol',
    '',
    'The `lockstep` command on your PATH reaches the team (LOCKSTEP_AGENT_NAME is set to your name; add --json for JSON).',
    `- Your tasks: \`lockstep task list ${t} --owner ${me}\`; the whole team's: \`lockstep task list ${t}\`.`,
    `- Take the next task that is ready: \`lockstep task claim ${t} --next --as ${me} --lease 15m\` (it prints the task and its id).`,
    `- While you work on it, renew the claim now and then: \`lockstep task heartbeat ${t} <task-id> --as ${me} --lease 15m\`.`,
    `- When it is done: \`lockstep task complete ${t} <task-id> --as ${me}\`; if you must give it up: \`lockstep task release ${t} <task-id> --as ${me}\`.`,
    `- Tell the leader what you did or what blocks you: \`lockstep inbox send ${t} ${p.leader} "<summary>" --as ${me}\`.`,
    `- Read your messages: \`lockstep inbox receive ${t} --as ${me}\`.`,
    `- To ask the leader to approve a plan before you act: \`lockstep inbox send ${t} ${p.leader} "<plan>" --type plan_approval_request --field summary="<one line>" --as ${me}\`, then wait for plan_approved in your inbox.`,
    `- Report what your model calls cost: \`lockstep cost report ${t} --as ${me} --input-tokens <N> --output-tokens <N> --cost-cents <N>\`.`,
    '',
    '## Worker Loop Protocol',
    '',
    '- After each task, claim the next one. Do not exit after the first task unless the leader tells you to stop.',
    `- When nothing is left to claim and your inbox is empty, report that you are idle: \`lockstep inbox send ${t} ${p.leader} "${me} is idle" --type idle --field status=idle --field lastTask=<task-id> --as ${me}\`, then keep checking your inbox for new work.`,
    '- If the leader sends a shutdown_request, finish or release your claim and exit.',
    '',
  );
  return lines.join('\n');
}

export interface AgentEnvInput {
  agent: string;
  agentId: string;
  agentType: string;
  team: string;
  isLeader: boolean;
  cwd: string;
  prompt: string;
  /** The data folder (always: logs and the registry live there) and, for a database, its URL. */
  dataDir: string;
  storeUrl?: string;
  /** The folder holding the `lockstep` shim, put first on PATH. */
  shimDir: string;
}

/** ClawTeam's spawned environment (subprocess backend) plus Lockstep's own names for the same facts. */
export function buildEnv(base: NodeJS.ProcessEnv, e: AgentEnvInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // The window's own Node switch must not leak into an agent that happens to run Electron.
  delete env.ELECTRON_RUN_AS_NODE;
  env.LANG ??= 'en_US.UTF-8';
  Object.assign(env, {
    CLAWTEAM_AGENT_ID: e.agentId,
    CLAWTEAM_AGENT_NAME: e.agent,
    CLAWTEAM_AGENT_TYPE: e.agentType,
    CLAWTEAM_TEAM_NAME: e.team,
    CLAWTEAM_AGENT_LEADER: e.isLeader ? '1' : '0',
    CLAWTEAM_WORKSPACE_DIR: e.cwd,
    CLAWTEAM_DATA_DIR: e.dataDir,
    LOCKSTEP_DATA_DIR: e.dataDir,
    LOCKSTEP_AGENT_NAME: e.agent,
    LOCKSTEP_TEAM: e.team,
    LOCKSTEP_PROMPT: e.prompt,
  });
  if (e.storeUrl) env.LOCKSTEP_STORE = e.storeUrl;
  else delete env.LOCKSTEP_STORE; // a stale URL from the parent must not send the agent to another store
  const sep = process.platform === 'win32' ? ';' : ':';
  env.PATH = [e.shimDir, env.PATH].filter(Boolean).join(sep);
  return env;
}
