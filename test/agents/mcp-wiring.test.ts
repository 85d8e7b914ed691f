import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, cli, newDataDir, until } from './agent-harness';

/**
 * An agent started with the Claude Code runtime is given `lockstep mcp` through Claude Code's own `--mcp-config`
 * flag: a stand-in `claude` on PATH records the argv it was given, and the MCP SDK's client then starts the server
 * exactly as that configuration says and calls a tool through it, as the agent would.
 */
const dirs: string[] = [];
afterEach(() => cleanUp(dirs));

/** A `claude` that writes its argv beside it and stays up a little (a program that exits at once is refused). */
function fakeClaude(dir: string): string {
  const bin = path.join(dir, 'fake-bin');
  fs.mkdirSync(bin);
  const file = path.join(bin, 'claude');
  fs.writeFileSync(
    file,
    `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(path.join(dir, 'argv.json'))}, JSON.stringify(process.argv.slice(2)));\nsetTimeout(() => {}, 3000);\n`,
    { mode: 0o755 },
  );
  return bin;
}

describe('agents on MCP', () => {
  it('a Claude Code agent gets lockstep mcp in --mcp-config, and that server answers tool calls as the agent', async () => {
    const data = newDataDir(dirs);
    expect(cli(data, ['team', 'create', 't', '--member', 'lead', '--member', 'w1']).code).toBe(0);
    expect(cli(data, ['task', 'create', 't', 'Build A']).code).toBe(0);
    const work = path.join(data, '..', `${path.basename(data)}-work`);
    fs.mkdirSync(work);
    dirs.push(work);
    const bin = fakeClaude(work);
    const started = cli(data, ['agent', 'start', 't', 'w1', '--runtime', 'claude', '--cwd', work], {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    });
    expect(started.code, JSON.stringify(started.json)).toBe(0);

    const argv: string[] = await until('the agent records its argv', () => {
      const f = path.join(work, 'argv.json');
      return fs.existsSync(f) && fs.statSync(f).size > 0 ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined;
    });
    expect(argv).toContain('-p');
    expect(argv.slice(argv.indexOf('--output-format'), argv.indexOf('--output-format') + 2)).toEqual(['--output-format', 'stream-json']);
    const config = JSON.parse(argv[argv.indexOf('--mcp-config') + 1]);
    const server = config.mcpServers.lockstep;
    expect(server.args).toEqual(['mcp', '--data-dir', data]);
    expect(server.env).toEqual({ CLAWTEAM_AGENT_NAME: 'w1' });

    const client = new Client({ name: 'mcp-wiring-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: server.command, args: server.args, env: server.env }));
    try {
      const claimed = await client.callTool({ name: 'task_claim_next', arguments: { team_name: 't' } });
      expect(claimed.isError, JSON.stringify(claimed.content)).toBeFalsy();
      const shown = cli(data, ['task', 'list', 't']).json;
      const tasks = Array.isArray(shown) ? shown : shown.tasks;
      expect(tasks.find((t: { subject: string }) => t.subject === 'Build A')).toMatchObject({ status: 'in_progress', lockedBy: 'w1' });
    } finally {
      await client.close();
    }
  });
});
