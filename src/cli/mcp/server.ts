import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { NotFoundError } from '../../shared/errors';
import type { Store } from '../../store';
import { LOCKSTEP_TOOLS } from './lockstep-tools';
import { MAILBOX_TOOLS } from './mailbox-tools';
import { TEAM_TOOLS } from './team-tools';
import { checkArguments, toolError, toolResult, type ToolContext, type ToolDef } from './tool';

/**
 * `lockstep mcp`: a stdio MCP server (the official SDK's McpServer) offering ClawTeam's tools, same names and
 * parameters (an agent configured for ClawTeam's server works unchanged), and Lockstep's own, on one opened store.
 *
 * The SDK lists the tools with their schemas. Calls are dispatched here rather than by the SDK's own handler, so
 * that bad arguments, like every other failure, come back as a tool error (isError) carrying our error code and a
 * plain sentence ("INVALID_INPUT: Bad arguments for task_get: task_id is required. …", with {error: {code, message,
 * details}} as structured content), and nothing a client sends can stop the server.
 */

export const ALL_TOOLS: ToolDef[] = [...TEAM_TOOLS, ...MAILBOX_TOOLS, ...LOCKSTEP_TOOLS];

export const SERVER_INFO = { name: 'lockstep', version: '0.1.0' };

/** Runs one call: arguments checked, the tool run, its value or error as tool content. Never throws. */
export async function callTool(ctx: ToolContext, name: unknown, args: unknown): Promise<CallToolResult> {
  try {
    const tool = ALL_TOOLS.find((t) => t.name === name);
    if (!tool) throw new NotFoundError(`There is no tool "${String(name)}" here; tools/list names them all.`, { tool: name });
    return toolResult(await tool.run(ctx, checkArguments(tool, args))) as CallToolResult;
  } catch (err) {
    return toolError(err) as CallToolResult;
  }
}

/** `inFlight`: every call's promise is added while it runs (so a closing server can let them finish). */
export function createMcpServer(ctx: ToolContext, inFlight: Set<Promise<unknown>> = new Set()): McpServer {
  const run = (name: unknown, args: unknown): Promise<CallToolResult> => {
    const call = callTool(ctx, name, args);
    inFlight.add(call);
    void call.finally(() => inFlight.delete(call));
    return call;
  };
  const server = new McpServer(SERVER_INFO, {
    instructions:
      'Lockstep: a ClawTeam-compatible task board. ClawTeam tools (team_*, task_*, mailbox_*, plan_*, cost_summary, board_*) ' +
      'take ClawTeam parameters; task_claim, task_claim_next, task_heartbeat, task_release and task_complete act as your ' +
      'agent (agent_name, else this server’s CLAWTEAM_AGENT_NAME). Errors are "CODE: sentence".',
  });
  // The SDK's generic signature is too deep for the compiler over a list of tools: the plain shape of the call.
  const register = server.registerTool.bind(server) as unknown as (
    name: string,
    config: { description: string; inputSchema: ToolDef['params'] },
    cb: (args: unknown) => Promise<CallToolResult>,
  ) => void;
  for (const tool of ALL_TOOLS) {
    register(tool.name, { description: tool.description, inputSchema: tool.params }, (args) => run(tool.name, args));
  }
  // Replaces the SDK's call handler (installed by registerTool): our checks and error values instead of its own.
  server.server.setRequestHandler(CallToolRequestSchema, (request) => run(request.params.name, request.params.arguments));
  return server;
}

/** Serves MCP over stdin/stdout until the client closes the connection (or stdin ends). */
export async function serveStdio(store: Store, identity: string | undefined): Promise<void> {
  const inFlight = new Set<Promise<unknown>>();
  const server = createMcpServer({ store, identity }, inFlight);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.stdin.once('close', () => resolve());
  });
  await server.connect(transport);
  await closed;
  // A call still running when the client went (a write inside the team lock) finishes before the process ends.
  const drained = Promise.allSettled([...inFlight]);
  await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
  await server.close().catch(() => undefined);
}
