import type { Command } from '../command';

/**
 * `lockstep mcp`: registered with the other commands, but the MCP SDK and the tools load only when it runs
 * (import() below), so other commands do not pay for them.
 */
export const MCP_COMMAND: Command = {
  usage: 'mcp [--store URL | --data-dir DIR] [--as AGENT]',
  summary:
    "Serve ClawTeam's MCP tools (and Lockstep's claims, journal and stall radar) over stdin/stdout; the caller is --as, else CLAWTEAM_AGENT_NAME / LOCKSTEP_AGENT_NAME.",
  positionals: [],
  options: { as: { type: 'string' } },
  async run(store, _args, values) {
    const as = typeof values.as === 'string' ? values.as : undefined;
    const identity = as ?? process.env.LOCKSTEP_AGENT_NAME ?? process.env.CLAWTEAM_AGENT_NAME ?? undefined;
    Object.assign(store.actor, { via: 'mcp' });
    const { serveStdio } = await import('./server');
    await serveStdio(store, identity || undefined);
    // The session is over and stdout belongs to the protocol: close the store and leave without printing anything.
    await (store as { close?: () => Promise<void> }).close?.();
    process.exit(0);
  },
};
