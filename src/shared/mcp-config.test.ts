import { describe, expect, it } from 'vitest';
import { lockstepMcpServer, mcpFlagsFor } from './mcp-config';

describe('pointing an agent runtime at lockstep mcp', () => {
  const server = lockstepMcpServer(['/opt/Lockstep/lockstep', '--x'], { dataDir: '/home/ana/.clawteam' }, 'backend');

  it('runs `lockstep mcp` on the store, as the agent', () => {
    expect(server).toEqual({
      command: '/opt/Lockstep/lockstep',
      args: ['--x', 'mcp', '--data-dir', '/home/ana/.clawteam'],
      env: { CLAWTEAM_AGENT_NAME: 'backend' },
    });
    expect(lockstepMcpServer(['lockstep'], { url: 'postgres://db/x' }, 'a').args).toEqual(['mcp', '--store', 'postgres://db/x']);
  });

  it('gives Claude Code --mcp-config JSON and Codex TOML overrides; none for others', () => {
    const claude = mcpFlagsFor('claude', server) as string[];
    expect(claude[0]).toBe('--mcp-config');
    expect(JSON.parse(claude[1])).toEqual({ mcpServers: { lockstep: server } });
    expect(mcpFlagsFor('codex', server)).toEqual([
      '-c',
      'mcp_servers.lockstep.command="/opt/Lockstep/lockstep"',
      '-c',
      'mcp_servers.lockstep.args=["--x", "mcp", "--data-dir", "/home/ana/.clawteam"]',
      '-c',
      'mcp_servers.lockstep.env={ CLAWTEAM_AGENT_NAME = "backend" }',
    ]);
    expect(mcpFlagsFor('kimi', server)).toBeNull();
  });
});
