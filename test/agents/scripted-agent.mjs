#!/usr/bin/env node
// A scripted agent for tests: a real process that follows Lockstep's coordination prompt with the `lockstep` CLI it
// finds on its PATH, as a model would. It claims the next ready task, prints coloured progress, completes it, tells
// the leader, and when nothing is left reports idle (`lockstep lifecycle idle`: ClawTeam's `idle` message) and keeps checking for work until it
// is stopped or the leader sends a shutdown_request.
//
// Identity comes from ClawTeam's environment (CLAWTEAM_AGENT_NAME, CLAWTEAM_TEAM_NAME); the leader from the prompt
// (`-p PROMPT`, as Lockstep passes it to any command, or LOCKSTEP_PROMPT). Behaviour for tests, from the environment:
//   SCRIPTED_STEP_MS     pause between progress steps (default 100)
//   SCRIPTED_LINGER=0    exit after reporting idle instead of waiting for more work
//   SCRIPTED_EXIT=N      exit at once with status N (a runtime that fails immediately)
//   SCRIPTED_CLAUDE=1    also print Claude Code stream-json lines, with a `result` carrying tokens and cost
import { spawnSync } from 'node:child_process';

const argv = process.argv.slice(2);
const promptAt = argv.indexOf('-p');
const prompt = promptAt >= 0 ? argv[promptAt + 1] : (process.env.LOCKSTEP_PROMPT ?? '');
const me = process.env.CLAWTEAM_AGENT_NAME;
const team = process.env.CLAWTEAM_TEAM_NAME;
const leader = /^- Leader: (.+)$/m.exec(prompt)?.[1] ?? me;
const stepMs = Number(process.env.SCRIPTED_STEP_MS ?? 100);
const claude = process.env.SCRIPTED_CLAUDE === '1';

if (process.env.SCRIPTED_EXIT !== undefined) {
  console.error(`scripted agent: told to fail at once with status ${process.env.SCRIPTED_EXIT}`);
  process.exit(Number(process.env.SCRIPTED_EXIT));
}
if (!me || !team) {
  console.error('scripted agent: CLAWTEAM_AGENT_NAME and CLAWTEAM_TEAM_NAME must be set (Lockstep sets them)');
  process.exit(2);
}

const c = { cyan: '\x1b[36m', yellow: '\x1b[33m', green: '\x1b[32m', red: '\x1b[31m', dim: '\x1b[2m', off: '\x1b[0m' };
const say = (colour, text) => console.log(`${colour}${text}${c.off}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const json = (event) => claude && console.log(JSON.stringify(event));

function lockstep(...args) {
  const res = spawnSync('lockstep', [...args, '--json'], { encoding: 'utf8' });
  if (res.error) throw new Error(`cannot run lockstep: ${res.error.message}`);
  let out = null;
  try {
    out = JSON.parse(res.stdout);
  } catch {
    // not JSON
  }
  if (res.status !== 0) say(c.red, `lockstep ${args[0]} ${args[1]} failed: ${out?.error?.message ?? res.stderr}`);
  return out;
}

let stopping = false;
process.on('SIGTERM', () => {
  say(c.red, `■ ${me} received SIGTERM, exiting`);
  process.exit(143);
});

json({ type: 'system', subtype: 'init', model: 'scripted-1', cwd: process.cwd(), session_id: 'scripted' });
say(c.dim, `${me} of team ${team} starting; leader ${leader}`);
let lastTask = '';
let done = 0;
async function work() {
  for (;;) {
    const task = lockstep('task', 'claim', team, '--next', '--as', me, '--lease', '15m');
    if (!task || !task.id) return;
    lastTask = task.id;
    say(c.cyan, `▶ claimed ${task.id}: ${task.subject}`);
    json({
      type: 'assistant',
      message: { content: [{ type: 'tool_use', id: `t${task.id}`, name: 'Bash', input: { command: `work on ${task.id}` } }] },
    });
    for (let i = 1; i <= 3; i++) {
      await sleep(stepMs);
      say(c.yellow, `  … working on ${task.id} (${i}/3)`);
    }
    json({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: `t${task.id}`, content: 'ok' }] } });
    lockstep('task', 'complete', team, task.id, '--as', me);
    lockstep('inbox', 'send', team, leader, `Completed ${task.id}: ${task.subject}`, '--as', me);
    say(c.green, `✔ completed ${task.id}`);
    done++;
  }
}

await work();
lockstep('lifecycle', 'idle', team, ...(lastTask ? ['--last-task', lastTask] : []), '--as', me);
say(c.dim, `${me} is idle after ${done} task(s)`);
json({
  type: 'result',
  subtype: 'success',
  result: `${done} task(s) done`,
  total_cost_usd: 0.0123 * done,
  usage: { input_tokens: 1000 * done, output_tokens: 200 * done },
});
if (process.env.SCRIPTED_LINGER === '0') process.exit(0);
while (!stopping) {
  await sleep(1000);
  const inbox = lockstep('inbox', 'receive', team, '--as', me);
  for (const m of inbox?.messages ?? []) {
    if (m.type === 'shutdown_request') {
      say(c.red, `■ ${me} shutting down at ${m.from}'s request`);
      stopping = true;
    }
  }
}
process.exit(0);
