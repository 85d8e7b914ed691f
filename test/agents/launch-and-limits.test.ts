import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_CMD, cleanUp, cli, newDataDir, status, until } from './agent-harness';

/** `lockstep launch` from a template with real agents, the budget with costs read from JSON lines, and bad input. */
const dirs: string[] = [];
afterEach(() => cleanUp(dirs));

const toml = (s: string) => JSON.stringify(s);

function writeTemplate(dir: string, body: string, name = 'trio.toml'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

const TRIO = `[template]
name = "trio"
description = "Three scripted agents for {goal}"
command = [${AGENT_CMD.map(toml).join(', ')}]
backend = "tmux"

[template.leader]
name = "boss"
type = "lead"
task = "Lead {team_name} towards {goal}; you are {agent_name}. Keep {unknown} as is."

[[template.agents]]
name = "ann"
task = "Work on {goal}"

[[template.agents]]
name = "bob"
type = "tester"
task = "Test {goal}"

[[template.tasks]]
subject = "Plan {goal}"
owner = "boss"

[[template.tasks]]
subject = "Build {goal}"
owner = "ann"

[[template.tasks]]
subject = "Test {goal}"
owner = "bob"
`;

describe('lockstep launch', () => {
  it('launches a team of 3 from a ClawTeam template: members, tasks and three detached agents that do the work', async () => {
    const data = newDataDir(dirs);
    const file = writeTemplate(data, TRIO);
    const preview = cli(data, ['launch', file, '--team', 'crew', '--goal', 'the parser', '--dry-run']);
    expect(preview.json.members.map((m: any) => [m.name, m.leader, m.runtime])).toEqual([
      ['boss', true, 'custom'],
      ['ann', false, 'custom'],
      ['bob', false, 'custom'],
    ]);
    expect(preview.json.members[0].task).toBe('Lead crew towards the parser; you are boss. Keep {unknown} as is.');
    expect(cli(data, ['team', 'list']).json.teams).toEqual([]); // a preview creates nothing

    const launched = cli(data, ['launch', file, '--team', 'crew', '--goal', 'the parser', '--cwd', data]);
    expect(launched.code, JSON.stringify(launched.json)).toBe(0);
    expect(launched.json.failures).toEqual([]);
    expect(launched.json.runs).toHaveLength(3);
    const config = cli(data, ['team', 'show', 'crew']).json;
    expect(config.members.map((m: any) => [m.name, m.agentType])).toEqual([
      ['boss', 'lead'],
      ['ann', 'general-purpose'],
      ['bob', 'tester'],
    ]);
    await until(
      'every task completed',
      () => cli(data, ['task', 'list', 'crew']).json.tasks.every((t: any) => t.status === 'completed') || undefined,
    );
    await until('all three idle', () => ['boss', 'ann', 'bob'].every((n) => status(data, 'crew', n)?.state === 'idle') || undefined);
    const registry = JSON.parse(fs.readFileSync(path.join(data, 'teams', 'crew', 'spawn_registry.json'), 'utf8'));
    expect(Object.keys(registry).sort()).toEqual(['ann', 'bob', 'boss']);
    // Each got its own task text in its prompt, and the leader flag in its environment's terms.
    expect(registry.bob.command[3]).toContain('Test the parser');
    expect(registry.boss.command[3]).toContain('- Leader: boss');
    // A second launch of the same team is refused in words.
    expect(cli(data, ['launch', file, '--team', 'crew', '--goal', 'x']).json.error.code).toBe('ALREADY_EXISTS');
  });

  it('ships built-in templates whose prompts use lockstep', () => {
    const data = newDataDir(dirs);
    const list = cli(data, ['template', 'list']).json.templates;
    expect(list.map((t: any) => t.name)).toEqual(expect.arrayContaining(['software-dev', 'code-review', 'research']));
    const plan = cli(data, ['launch', 'software-dev', '--team', 'app', '--goal', 'a todo app', '--dry-run']).json;
    expect(plan.members[0]).toMatchObject({ name: 'tech-lead', leader: true, command: ['claude'], runtime: 'claude' });
    expect(plan.members[0].task).toContain('lockstep task create app');
    expect(plan.tasks[0].subject).toBe('Plan the work for: a todo app');
  });
});

describe('the budget', () => {
  it("costs in Claude Code's JSON lines are recorded; at the budget running agents are stopped and told why; raising it allows a start", async () => {
    const data = newDataDir(dirs);
    expect(cli(data, ['team', 'create', 't', '--member', 'lead', '--member', 'w1']).code).toBe(0);
    expect(cli(data, ['cost', 'budget', 't', '0.02']).code).toBe(0); // 2 cents
    for (const s of ['A', 'B']) cli(data, ['task', 'create', 't', s]);
    // The scripted agent prints stream-json lines; run as the claude runtime, they are parsed as Claude Code's.
    const run = cli(data, ['agent', 'start', 't', 'w1', '--runtime', 'claude', '--cwd', data, '--', ...AGENT_CMD], {
      SCRIPTED_CLAUDE: '1',
    });
    expect(run.code, JSON.stringify(run.json)).toBe(0);
    await until('w1 idle', () => status(data, 't', 'w1')?.state === 'idle' || undefined);
    const steps = cli(data, ['agent', 'logs', 't', 'w1', '--steps']).json.steps;
    expect(steps.find((s: any) => s.kind === 'session').text).toContain('scripted-1');
    expect(steps.find((s: any) => s.kind === 'tool')).toMatchObject({ tool: 'Bash' });
    expect(steps.find((s: any) => s.kind === 'done').usage).toMatchObject({
      provider: 'anthropic',
      model: 'scripted-1',
      inputTokens: 2000,
      outputTokens: 400,
    });

    const enforced = cli(data, ['agent', 'budget', 't']).json;
    expect(enforced).toMatchObject({ over: true, stopped: ['w1'], spentCents: 2.46, budgetCents: 2 });
    expect(enforced.message).toBe(
      'Team t has spent $0.02 of its $0.02 budget: stopped w1. Raise the budget (lockstep cost budget t DOLLARS) to start them again.',
    );
    expect(status(data, 't', 'w1')).toMatchObject({ state: 'exited', signal: 'SIGTERM' });
    // Recorded once, whoever asks again.
    expect(cli(data, ['agent', 'budget', 't']).json.spentCents).toBe(2.46);
    expect(cli(data, ['cost', 'show', 't']).json.byAgent).toEqual({ w1: 2.46 });

    const refused = cli(data, ['agent', 'start', 't', 'w1', '--', ...AGENT_CMD]);
    expect(refused.json.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('raise the budget') });
    expect(cli(data, ['cost', 'budget', 't', '5']).code).toBe(0);
    expect(cli(data, ['agent', 'start', 't', 'w1', '--', ...AGENT_CMD]).code).toBe(0);
  });
});

describe('bad input is refused or contained, in words', () => {
  it('templates: ../ names, a template path that is no name, invalid TOML and missing fields name the line, 10 MB refused', () => {
    const data = newDataDir(dirs);
    const launch = (file: string) => cli(data, ['launch', file, '--team', 'x', '--goal', 'g', '--dry-run']).json.error;
    const escape = writeTemplate(data, TRIO.replace('name = "bob"', 'name = "../../etc"'), 'escape.toml');
    expect(launch(escape).message).toBe(
      `Template ${escape}, line 16: agent 2: agent "../../etc" may only use letters, digits, ".", "_" and "-".`,
    );
    expect(launch('../../etc/passwd').message).toContain('is neither a template name nor a .toml file');
    const broken = writeTemplate(data, '[template]\nname = "b"\ncommand = ["a",\n[template.leader]\n', 'broken.toml');
    expect(launch(broken).message).toMatch(new RegExp(`^Template ${broken}, line 4: this is not valid TOML`));
    const noLeader = writeTemplate(data, '[template]\nname = "n"\n\n[[template.agents]]\nname = "a"\n', 'no-leader.toml');
    expect(launch(noLeader).message).toBe(`Template ${noLeader}, line 1: there is no [template.leader].`);
    const shell = writeTemplate(data, TRIO.replace(/command = \[.*\]/, 'command = "claude -p hi; rm -rf ~"'), 'shell.toml');
    expect(launch(shell).message).toContain('line 1: command must be a list of words');
    const owner = writeTemplate(data, TRIO.replace('owner = "bob"', 'owner = "nobody"'), 'owner.toml');
    expect(launch(owner).message).toBe(`Template ${owner}, line 29: task 3's owner nobody is not one of the template's agents.`);
    const huge = writeTemplate(data, `${TRIO}\n# ${'x'.repeat(10 * 1024 * 1024)}\n`, 'huge.toml');
    expect(launch(huge).message).toBe(`Template ${huge} is larger than 256 KB; a team template is a page of text.`);
  });

  it('agent names that are not names are refused; argv with shell metacharacters reaches the program literally', async () => {
    const data = newDataDir(dirs);
    expect(cli(data, ['team', 'create', 't', '--member', 'lead']).code).toBe(0);
    for (const bad of ['../x', 'a b', '$(id)', '']) {
      const res = cli(data, ['agent', 'start', 't', bad, '--', ...AGENT_CMD]);
      expect(res.json.error?.code, bad).toBe('INVALID_INPUT');
    }
    const marker = path.join(data, 'pwned');
    const echo = path.join(data, 'echo-args.mjs');
    fs.writeFileSync(
      echo,
      `import fs from 'node:fs';\nfs.writeFileSync(${toml(path.join(data, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    const nasty = [`$(touch ${marker})`, `; touch ${marker}`, `\`touch ${marker}\``, '|', '&&', "'", '"', '*', '~', '$HOME', '\\'];
    const res = cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', process.execPath, echo, ...nasty]);
    expect(res.code, JSON.stringify(res.json)).toBe(0);
    const argv = await until(
      'the program wrote its argv',
      () => fs.existsSync(path.join(data, 'argv.json')) && JSON.parse(fs.readFileSync(path.join(data, 'argv.json'), 'utf8')),
    );
    expect(argv.slice(0, nasty.length)).toEqual(nasty);
    expect(argv[nasty.length]).toBe('-p');
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('a log folder that is a symbolic link is refused in words, and nothing is written where it points', () => {
    const data = newDataDir(dirs);
    const elsewhere = newDataDir(dirs);
    expect(cli(data, ['team', 'create', 't', '--member', 'lead']).code).toBe(0);
    fs.mkdirSync(path.join(data, '.lockstep', 'agents', 't'), { recursive: true });
    const logs = path.join(data, '.lockstep', 'agents', 't', 'logs');
    fs.symlinkSync(elsewhere, logs);
    const res = cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', ...AGENT_CMD]);
    expect(res.json.error).toMatchObject({
      code: 'UNSAFE_PATH',
      message: expect.stringContaining(`${logs} was left alone: it is a symbolic link`),
    });
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(status(data, 't', 'w1').state).toBe('not-started');
  });
});
