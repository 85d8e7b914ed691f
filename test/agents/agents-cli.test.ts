import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_CMD, alive, cleanUp, cli, newDataDir, status, until } from './agent-harness';

/**
 * `lockstep agent …` end to end with real processes: the scripted agent (test/agents/scripted-agent.mjs) follows the
 * coordination prompt with the `lockstep` on its PATH. Every agent started here is killed in afterEach.
 */
const dirs: string[] = [];
afterEach(() => cleanUp(dirs));

function team(members = ['lead', 'w1']): string {
  const data = newDataDir(dirs);
  expect(cli(data, ['team', 'create', 't', ...members.flatMap((m) => ['--member', m])]).code).toBe(0);
  return data;
}

describe('lockstep agent start / list / logs / stop', () => {
  it('starts a detached agent that outlives the command, works the tasks with lockstep, reports idle, and stops on SIGTERM', async () => {
    const data = team();
    for (const s of ['Build A', 'Build B']) expect(cli(data, ['task', 'create', 't', s]).code).toBe(0);
    const started = cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--task', 'Build things', '--', ...AGENT_CMD]);
    expect(started.code, JSON.stringify(started.json)).toBe(0);
    const pid = started.json.pid as number;
    // The CLI that started it has exited; the agent still runs, in its own process group.
    expect(alive(pid)).toBe(true);
    expect(spawnSync('ps', ['-o', 'pgid=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()).toBe(String(pid));

    const idle = await until('w1 reports idle', () => (status(data, 't', 'w1')?.state === 'idle' ? status(data, 't', 'w1') : undefined));
    expect(idle.source).toBe('lockstep');
    const tasks = cli(data, ['task', 'list', 't']).json.tasks;
    expect(tasks.map((t: any) => [t.status, t.owner])).toEqual([
      ['completed', 'w1'],
      ['completed', 'w1'],
    ]);
    // It told the leader, and reported idle in ClawTeam's format.
    const log = cli(data, ['inbox', 'log', 't']).json.messages;
    expect(log.filter((m: any) => m.type === 'message' && m.to === 'lead')).toHaveLength(2);
    expect(log.find((m: any) => m.type === 'idle')).toMatchObject({ from: 'w1', to: 'lead', status: 'idle' });
    // Its environment: ClawTeam's identity variables and the prompt it follows.
    const registry = JSON.parse(fs.readFileSync(path.join(data, 'teams', 't', 'spawn_registry.json'), 'utf8'));
    expect(registry.w1).toMatchObject({ backend: 'subprocess', pid, tmux_target: '' });
    expect(registry.w1.command.slice(0, 3)).toEqual([...AGENT_CMD, '-p']);
    expect(registry.w1.command[3]).toContain('lockstep task claim t --next --as w1');

    const logs = cli(data, ['agent', 'logs', 't', 'w1']);
    expect(logs.json.text).toContain('\u001b[32m✔ completed');
    expect(logs.json.run.id).toBe(started.json.id);

    const stopped = cli(data, ['agent', 'stop', 't', 'w1']);
    expect(stopped.json).toMatchObject({ wasRunning: true, signal: 'SIGTERM', claims: [] });
    expect(alive(pid)).toBe(false);
    const after = status(data, 't', 'w1');
    expect(after).toMatchObject({ state: 'exited', exitCode: 143, signal: 'SIGTERM' });
    expect(cli(data, ['agent', 'logs', 't', 'w1']).json.text).toMatch(/received SIGTERM[\s\S]*agent exited with status 143\n$/);
    // Not started: a member nobody ran.
    expect(status(data, 't', 'lead')).toMatchObject({ state: 'not-started', summary: 'not started' });
  });

  it('stop offers the claims a stopped agent holds; --release-claims releases them, journaled', async () => {
    const data = team();
    const task = cli(data, ['task', 'create', 't', 'Long job']).json;
    expect(cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', ...AGENT_CMD], { SCRIPTED_STEP_MS: '600000' }).code).toBe(0);
    await until('w1 claims the task', () => cli(data, ['task', 'show', 't', task.id]).json.lockedBy === 'w1');
    const stopped = cli(data, ['agent', 'stop', 't', 'w1', '--grace', '2s']);
    expect(stopped.json.claims.map((c: any) => c.taskId)).toEqual([task.id]);
    expect(stopped.json.released).toEqual([]);
    // Dead, still holding its claim: named as such.
    const dead = status(data, 't', 'w1');
    expect(dead).toMatchObject({ state: 'exited', deadWithClaims: true });
    expect(dead.summary).toContain(`still holds ${task.id}`);
    const released = cli(data, ['agent', 'stop', 't', 'w1', '--release-claims', '--reason', 'w1 was stopped by the test']);
    expect(released.json).toMatchObject({ wasRunning: false, released: [task.id] });
    expect(cli(data, ['task', 'show', 't', task.id]).json).toMatchObject({ status: 'pending', lockedBy: '' });
    const history = cli(data, ['history', 't', task.id]).json.entries;
    expect(history[history.length - 1]).toMatchObject({ op: 'task.release', reason: 'w1 was stopped by the test' });
  });

  it('kill -9 of the agent turns it to exited (killed by SIGKILL); kill -9 of its whole group too (code unknown)', async () => {
    const data = team(['lead', 'w1', 'w2']);
    for (const name of ['w1', 'w2']) expect(cli(data, ['agent', 'start', 't', name, '--cwd', data, '--', ...AGENT_CMD]).code).toBe(0);
    const w1 = status(data, 't', 'w1');
    // The agent process itself is the wrapper's child.
    const child = await until('the agent process', () => {
      const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(w1.pid)], { encoding: 'utf8' }).stdout.trim();
      return out ? Number(out.split('\n')[0]) : undefined;
    });
    process.kill(child, 'SIGKILL');
    const exited = await until('w1 exited', () => (status(data, 't', 'w1').state === 'exited' ? status(data, 't', 'w1') : undefined));
    expect(exited.exitCode).toBe(137);
    expect(exited.summary).toContain('killed by SIGKILL');

    const w2 = status(data, 't', 'w2');
    process.kill(-w2.pid, 'SIGKILL');
    const gone = await until('w2 exited', () => (status(data, 't', 'w2').state === 'exited' ? status(data, 't', 'w2') : undefined));
    expect(gone.summary).toContain('exit code unknown');
  });

  it('restart runs the same command again, as a new run', async () => {
    const data = team();
    const first = cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--task', 'the same task', '--', ...AGENT_CMD]).json;
    const again = cli(data, ['agent', 'restart', 't', 'w1', '--grace', '2s']);
    expect(again.code, JSON.stringify(again.json)).toBe(0);
    expect(again.json).toMatchObject({ command: AGENT_CMD, cwd: data, task: 'the same task' });
    expect(again.json.id).not.toBe(first.id);
    expect(alive(first.pid)).toBe(false);
    expect(status(data, 't', 'w1')).toMatchObject({ state: expect.stringMatching(/running|idle/), pid: again.json.pid });
    // Starting it while it runs is refused in words.
    const twice = cli(data, ['agent', 'start', 't', 'w1', '--', ...AGENT_CMD]);
    expect(twice.json.error).toMatchObject({ code: 'ALREADY_EXISTS', message: expect.stringContaining('w1 is already running') });
  });
  it('logs --follow prints the output as it comes, up to the exit status, and ends when the agent exits', () => {
    const data = team();
    cli(data, ['task', 'create', 't', 'Only task']);
    expect(cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', ...AGENT_CMD], { SCRIPTED_LINGER: '0' }).code).toBe(0);
    const followed = cli(data, ['agent', 'logs', 't', 'w1', '--follow']);
    expect(followed.code).toBe(0);
    const lines = followed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const text = lines
      .slice(0, -1)
      .map((l) => l.text)
      .join('');
    expect(text).toContain('✔ completed');
    expect(text).toMatch(/is idle after 1 task\(s\)[\s\S]*\[lockstep\] agent exited with status 0\n$/);
    expect(status(data, 't', 'w1')).toMatchObject({ state: 'exited', exitCode: 0 });
  });
});

describe("the agent's environment", () => {
  it("ClawTeam's identity variables, the data folder, the prompt (argv and LOCKSTEP_PROMPT) and `lockstep` first on PATH", async () => {
    const data = team();
    const probe = path.join(data, 'probe.mjs');
    fs.writeFileSync(
      probe,
      [
        "import fs from 'node:fs';",
        "import path from 'node:path';",
        "const first = process.env.PATH.split(':')[0];",
        'const out = { env: Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(CLAWTEAM_|LOCKSTEP_)/.test(k))),',
        "  argv: process.argv.slice(2), cwd: process.cwd(), shim: fs.existsSync(path.join(first, 'lockstep')) };",
        `fs.writeFileSync(path.join(${JSON.stringify(data)}, process.env.CLAWTEAM_AGENT_NAME + '.json'), JSON.stringify(out));`,
      ].join('\n'),
    );
    for (const name of ['lead', 'w1']) {
      const res = cli(data, ['agent', 'start', 't', name, '--cwd', data, '--task', `task of ${name}`, '--', process.execPath, probe]);
      expect(res.code, JSON.stringify(res.json)).toBe(0);
    }
    const config = cli(data, ['team', 'show', 't']).json;
    for (const [name, leader] of [
      ['lead', '1'],
      ['w1', '0'],
    ]) {
      const seen = await until(`${name} ran`, () => {
        const file = path.join(data, `${name}.json`);
        return fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8'));
      });
      const member = config.members.find((m: any) => m.name === name);
      expect(seen.env).toMatchObject({
        CLAWTEAM_AGENT_NAME: name,
        CLAWTEAM_AGENT_ID: member.agentId,
        CLAWTEAM_AGENT_TYPE: 'general-purpose',
        CLAWTEAM_TEAM_NAME: 't',
        CLAWTEAM_AGENT_LEADER: leader,
        CLAWTEAM_WORKSPACE_DIR: data,
        CLAWTEAM_DATA_DIR: data,
        LOCKSTEP_DATA_DIR: data,
        LOCKSTEP_AGENT_NAME: name,
      });
      expect(seen.argv[0]).toBe('-p');
      expect(seen.argv[1]).toBe(seen.env.LOCKSTEP_PROMPT);
      expect(seen.argv[1]).toMatch(
        new RegExp(
          `## Identity\\n\\n- Name: ${name}\\n- ID: ${member.agentId}[\\s\\S]*- Leader: lead[\\s\\S]*## Task\\n\\ntask of ${name}`,
        ),
      );
      expect(seen.cwd).toBe(fs.realpathSync(data));
      expect(seen.shim).toBe(true);
    }
  });
});

describe('a runtime that cannot run is one sentence', () => {
  it('not on PATH, not executable, not there, exits at once', () => {
    const data = team();
    const noClaude = { PATH: '/usr/bin:/bin' };
    expect(cli(data, ['agent', 'start', 't', 'w1', '--runtime', 'claude', '--cwd', data], noClaude).json.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: '`claude` is not on your PATH: install Claude Code, or choose another runtime.',
    });
    expect(cli(data, ['agent', 'start', 't', 'w1', '--runtime', 'codex', '--cwd', data], noClaude).json.error.message).toBe(
      '`codex` is not on your PATH: install Codex, or choose another runtime.',
    );
    expect(cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', 'no-such-agent-cli']).json.error.message).toBe(
      '`no-such-agent-cli` is not on your PATH: check the command or give its full path.',
    );
    const script = path.join(data, 'agent.py');
    fs.writeFileSync(script, 'print("hi")\n', { mode: 0o644 });
    expect(cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', script]).json.error.message).toContain(
      `\`${script}\` is not executable: make it executable (chmod +x ${script}) or run it through its interpreter`,
    );
    expect(cli(data, ['agent', 'start', 't', 'w1', '--cwd', path.join(data, 'nope'), '--', ...AGENT_CMD]).json.error.message).toContain(
      'does not exist: choose an existing folder',
    );
    const early = cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', ...AGENT_CMD], { SCRIPTED_EXIT: '3' });
    expect(early.json.error.message).toMatch(
      /^`.*node` exited at once \(exit code 3\): "scripted agent: told to fail at once with status 3"/,
    );
    expect(status(data, 't', 'w1')).toMatchObject({ state: 'exited', exitCode: 3 });
    expect(fs.existsSync(path.join(data, 'teams', 't', 'spawn_registry.json'))).toBe(true);
  });
});
