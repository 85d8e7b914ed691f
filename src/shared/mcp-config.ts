/**
 * How an agent runtime is pointed at `lockstep mcp` when Lockstep starts it: the server (command, arguments,
 * environment) and the runtime's own flags for it, as each documents them. Claude Code takes `--mcp-config JSON`
 * (`{"mcpServers": {name: {command, args, env}}}`); Codex takes config overrides `-c mcp_servers.<name>.<key>=<TOML>`
 * (its config.toml's `[mcp_servers.<name>]` table). Other runtimes: none known (null), the agent uses the CLI.
 */

export interface McpServerSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * `lockstep mcp` for one agent: `cli` is how to run the lockstep CLI (e.g. ['lockstep'], or [node, '…/lockstep.js']),
 * the store a data folder or a database URL, the agent's name in CLAWTEAM_AGENT_NAME.
 */
export function lockstepMcpServer(cli: string[], store: { dataDir: string } | { url: string }, agent: string): McpServerSpec {
  if (cli.length === 0) throw new Error('say how to run the lockstep CLI');
  const where = 'url' in store ? ['--store', store.url] : ['--data-dir', store.dataDir];
  return { command: cli[0], args: [...cli.slice(1), 'mcp', ...where], env: { CLAWTEAM_AGENT_NAME: agent } };
}

/** A TOML value: strings as basic strings (JSON's escapes are TOML's), arrays and inline tables of them. */
function toml(value: string | string[] | Record<string, string>): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k)} = ${JSON.stringify(v)}`)
    .join(', ')} }`;
}

/** The flags that give `runtime` the server `name` (added to its command line), or null when it has none we know. */
export function mcpFlagsFor(runtime: string, server: McpServerSpec, name = 'lockstep'): string[] | null {
  if (runtime === 'claude') return ['--mcp-config', JSON.stringify({ mcpServers: { [name]: server } })];
  if (runtime === 'codex') {
    const key = `mcp_servers.${name}`;
    return [
      '-c',
      `${key}.command=${toml(server.command)}`,
      '-c',
      `${key}.args=${toml(server.args)}`,
      '-c',
      `${key}.env=${toml(server.env)}`,
    ];
  }
  return null;
}
