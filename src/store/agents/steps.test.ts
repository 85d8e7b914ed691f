import { describe, expect, it } from 'vitest';
import { newParseState, parseText } from './steps';
import { buildArgv, runtimeOf } from './runtimes';
import { parseTemplate, substitute } from './templates';

describe("Claude Code's and Codex's JSON lines as steps", () => {
  it('claude stream-json: session, text, tool call, its result, and the cost of the run', () => {
    const lines = [
      { type: 'system', subtype: 'init', model: 'claude-sonnet-4', cwd: '/w', session_id: 's' },
      {
        type: 'assistant',
        message: {
          content: [
            { type: 'text', text: 'Reading the file.' },
            { type: 'tool_use', id: 'tu1', name: 'Read', input: { file_path: '/w/a.ts' } },
          ],
        },
      },
      {
        type: 'user',
        message: {
          content: [{ type: 'tool_result', tool_use_id: 'tu1', content: [{ type: 'text', text: 'export {}' }], is_error: false }],
        },
      },
      {
        type: 'result',
        subtype: 'success',
        result: 'Done.',
        total_cost_usd: 0.0421,
        usage: { input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 30 },
      },
    ];
    const steps = parseText(`${lines.map((l) => JSON.stringify(l)).join('\n')}\nplain text line`, 'claude');
    expect(steps.map((s) => [s.kind, s.tool ?? '', s.text])).toEqual([
      ['session', '', 'Session started (claude-sonnet-4) in /w'],
      ['text', '', 'Reading the file.'],
      ['tool', 'Read', '/w/a.ts'],
      ['result', 'Read', 'export {}'],
      ['done', '', 'Done.'],
      ['output', '', 'plain text line'],
    ]);
    expect(steps[4].usage).toEqual({
      provider: 'anthropic',
      model: 'claude-sonnet-4',
      inputTokens: 100,
      outputTokens: 30,
      costCents: 4.21,
    });
  });

  it('codex exec --json: messages, commands with their output and exit code, turn usage, failures', () => {
    const lines = [
      { type: 'thread.started', thread_id: 'th1' },
      { type: 'item.completed', item: { id: 'i0', type: 'agent_message', text: 'Running tests.' } },
      { type: 'item.started', item: { id: 'i1', type: 'command_execution', command: 'npm test', status: 'in_progress' } },
      {
        type: 'item.completed',
        item: { id: 'i1', type: 'command_execution', command: 'npm test', aggregated_output: '1 failed', exit_code: 1, status: 'failed' },
      },
      { type: 'turn.completed', usage: { input_tokens: 500, cached_input_tokens: 100, output_tokens: 50 } },
      { type: 'turn.failed', error: { message: 'rate limited' } },
    ];
    const steps = parseText(lines.map((l) => JSON.stringify(l)).join('\n'), 'codex', newParseState());
    expect(steps.map((s) => [s.kind, s.tool ?? '', s.text, s.isError ?? false])).toEqual([
      ['session', '', 'Session started (th1)', false],
      ['text', '', 'Running tests.', false],
      ['tool', 'shell', 'npm test', false],
      ['result', 'shell', '1 failed', true],
      ['done', '', 'Turn completed', false],
      ['error', '', 'rate limited', true],
    ]);
    expect(steps[4].usage).toMatchObject({ provider: 'openai', inputTokens: 500, outputTokens: 50, costCents: 0 });
  });
});

describe('runtimes pass the prompt as ClawTeam does', () => {
  it('claude -p … stream-json, codex exec --json PROMPT, anything else -p PROMPT appended', () => {
    expect(buildArgv('claude', ['claude'], 'P')).toEqual(['claude', '-p', 'P', '--output-format', 'stream-json', '--verbose']);
    expect(buildArgv('codex', ['codex'], 'P')).toEqual(['codex', 'exec', '--json', 'P']);
    expect(buildArgv('codex', ['codex', 'exec', '--model', 'o4'], 'P')).toEqual(['codex', 'exec', '--json', '--model', 'o4', 'P']);
    expect(buildArgv('custom', ['python3', 'agent.py'], 'P')).toEqual(['python3', 'agent.py', '-p', 'P']);
    expect(runtimeOf(['/usr/local/bin/claude'])).toBe('claude');
    expect(runtimeOf(['codex-cli'])).toBe('codex');
    expect(runtimeOf(['node', 'x.mjs'])).toBe('custom');
  });
});

describe('templates', () => {
  it("ClawTeam's defaults: command [claude], backend tmux, type general-purpose; unknown placeholders kept", () => {
    const t = parseTemplate(
      '[template]\nname = "x"\n[template.leader]\nname = "lead"\ntask = "{goal} for {team_name} by {agent_name} {other}"\n',
      'x.toml',
    );
    expect(t).toMatchObject({
      command: ['claude'],
      backend: 'tmux',
      leader: { name: 'lead', type: 'general-purpose' },
      agents: [],
      tasks: [],
    });
    expect(substitute(t.leader.task, { goal: 'G', team: 'T', agent: 'lead' })).toBe('G for T by lead {other}');
    expect(() => parseTemplate('[template]\nname = "x"\nbackend = "docker"\n[template.leader]\nname = "l"\n', 'y.toml')).toThrow(
      'Template y.toml, line 1: backend "docker" is not one of tmux, subprocess.',
    );
  });
});
