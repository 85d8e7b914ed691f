import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendsHere, folderBackend, type Backend } from '../race/backends';
import { spawn } from 'child_process';
import { CLI, collect } from '../race/harness';

/**
 * `lockstep mcp` driven by the MCP SDK's own Client over stdio, each server a real `lockstep mcp` process: the tool
 * list (ClawTeam's tools with ClawTeam's parameter names, kept below, plus Lockstep's), a claim race of 8 clients,
 * bad arguments answered with tool errors by a server that stays up, and plans answered once.
 */

/** ClawTeam 0.3's MCP tools (clawteam/mcp/tools/): [required parameters, optional parameters]. */
const CLAWTEAM_TOOLS: Record<string, [string[], string[]]> = {
  team_list: [[], []],
  team_get: [['team_name'], []],
  team_members_list: [['team_name'], []],
  team_create: [
    ['team_name', 'leader_name', 'leader_id'],
    ['description', 'user', 'leader_agent_type'],
  ],
  team_member_add: [
    ['team_name', 'member_name', 'agent_id'],
    ['agent_type', 'user'],
  ],
  task_list: [['team_name'], ['status', 'owner', 'priority', 'sort_by_priority']],
  task_get: [['team_name', 'task_id'], []],
  task_stats: [['team_name'], []],
  task_create: [
    ['team_name', 'subject'],
    ['description', 'owner', 'priority', 'blocks', 'blocked_by', 'metadata'],
  ],
  task_update: [
    ['team_name', 'task_id'],
    ['status', 'owner', 'subject', 'description', 'priority', 'add_blocks', 'add_blocked_by', 'metadata', 'caller', 'force'],
  ],
  mailbox_send: [
    ['team_name', 'from_agent', 'to'],
    [
      'content',
      'msg_type',
      'request_id',
      'key',
      'proposed_name',
      'capabilities',
      'feedback',
      'reason',
      'assigned_name',
      'agent_id',
      'message_team_name',
      'plan_file',
      'summary',
      'plan',
      'last_task',
      'status',
    ],
  ],
  mailbox_broadcast: [
    ['team_name', 'from_agent', 'content'],
    ['msg_type', 'key', 'exclude'],
  ],
  mailbox_receive: [['team_name', 'agent_name'], ['limit']],
  mailbox_peek: [['team_name', 'agent_name'], []],
  mailbox_peek_count: [['team_name', 'agent_name'], []],
  plan_submit: [['team_name', 'agent_name', 'leader_name', 'plan_content'], ['summary']],
  plan_get: [['team_name', 'plan_id', 'agent_name'], []],
  plan_approve: [['team_name', 'leader_name', 'plan_id', 'agent_name'], ['feedback']],
  plan_reject: [['team_name', 'leader_name', 'plan_id', 'agent_name'], ['feedback']],
  cost_summary: [['team_name'], []],
  board_overview: [[], []],
  board_team: [['team_name'], []],
  workspace_agent_diff: [['team_name', 'agent_name'], ['repo']],
  workspace_file_owners: [['team_name'], ['repo']],
  workspace_cross_branch_log: [['team_name'], ['limit', 'repo']],
  workspace_agent_summary: [['team_name', 'agent_name'], ['repo']],
};

/** Lockstep's own tools and the parameters each must have. */
const LOCKSTEP_TOOLS: Record<string, string[]> = {
  task_claim: ['team_name', 'task_id', 'lease_seconds', 'agent_name', 'token', 'expect'],
  task_claim_next: ['team_name', 'agent_name', 'lease_seconds'],
  task_heartbeat: ['team_name', 'task_id', 'lease_seconds', 'token'],
  task_release: ['team_name', 'task_id', 'token', 'expect', 'force', 'reason'],
  task_complete: ['team_name', 'task_id', 'token', 'expect', 'force', 'reason'],
  history: ['team_name', 'task_id', 'limit'],
  doctor: ['team_name', 'older_than_seconds'],
};

const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

async function connect(backend: Backend, location: string, agent?: string): Promise<Client> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete env.LOCKSTEP_AGENT_NAME;
  delete env.CLAWTEAM_AGENT_NAME;
  if (agent) env.CLAWTEAM_AGENT_NAME = agent;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...backend.storeArgs(location)],
    env,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'lockstep-test', version: '1.0.0' });
  clients.push(client);
  await client.connect(transport);
  return client;
}

type Result = { content: Array<{ type: string; text?: string }>; structuredContent?: any; isError?: boolean };
const call = (c: Client, name: string, args: Record<string, unknown>) => c.callTool({ name, arguments: args }) as Promise<Result>;
const value = (r: Result) => {
  if (r.isError) throw new Error(`tool error: ${r.content[0]?.text}`);
  return JSON.parse(r.content[0].text as string);
};

function suite(backend: Backend): void {
  it('8 MCP clients (8 servers, 8 agents) race to claim one task: one wins, seven get TASK_LOCKED naming the winner', async () => {
    const loc = await backend.fixture();
    const names = Array.from({ length: 8 }, (_, i) => `racer${i}`);
    const racers = await Promise.all(names.map((n) => connect(backend, loc, n)));
    const task = value(await call(racers[0], 'task_create', { team_name: 'webapp', subject: 'only one may take this' }));
    const results = await Promise.all(racers.map((c) => call(c, 'task_claim', { team_name: 'webapp', task_id: task.id })));
    const winners = results.flatMap((r, i) => (r.isError ? [] : [names[i]]));
    expect(winners).toHaveLength(1);
    for (const r of results.filter((x) => x.isError)) {
      expect(r.structuredContent.error).toMatchObject({ code: 'TASK_LOCKED', details: { holder: winners[0] } });
      expect(r.content[0].text).toMatch(/^TASK_LOCKED: Task .* is claimed by racer\d/);
    }
    const after = value(await call(racers[1], 'task_get', { team_name: 'webapp', task_id: task.id }));
    expect(after).toMatchObject({ status: 'in_progress', lockedBy: winners[0], owner: winners[0] });
    // ClawTeam's own way to claim: task_update to in_progress with caller. One wins here too.
    const second = value(await call(racers[0], 'task_create', { team_name: 'webapp', subject: 'claimed the ClawTeam way' }));
    const updates = await Promise.all(
      racers.map((c, i) => call(c, 'task_update', { team_name: 'webapp', task_id: second.id, status: 'in_progress', caller: names[i] })),
    );
    const updaters = updates.flatMap((r, i) => (r.isError ? [] : [names[i]]));
    expect(updaters).toHaveLength(1);
    for (const r of updates.filter((x) => x.isError))
      expect(r.structuredContent.error).toMatchObject({ code: 'TASK_LOCKED', details: { holder: updaters[0] } });
  });
}

describe('lockstep mcp: the tool list', () => {
  beforeAll(() => folderBackend.start());
  afterAll(() => folderBackend.cleanup());

  it("lists every ClawTeam tool with ClawTeam's parameter names (and which are required), and Lockstep's own", async () => {
    const client = await connect(folderBackend, await folderBackend.fixture());
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const t of tools) {
      expect(t.description, t.name).toBeTruthy();
      expect(t.inputSchema.type, t.name).toBe('object');
    }
    for (const [name, [required, optional]] of Object.entries(CLAWTEAM_TOOLS)) {
      const tool = byName.get(name);
      expect(tool, `missing ClawTeam tool ${name}`).toBeDefined();
      expect(Object.keys(tool?.inputSchema.properties ?? {}).sort(), name).toEqual([...required, ...optional].sort());
      expect([...(tool?.inputSchema.required ?? [])].sort(), name).toEqual([...required].sort());
    }
    for (const [name, params] of Object.entries(LOCKSTEP_TOOLS)) {
      expect(Object.keys(byName.get(name)?.inputSchema.properties ?? {}), name).toEqual(expect.arrayContaining(params));
    }
    expect((byName.get('task_update')?.inputSchema.properties as any).force).toMatchObject({ type: ['boolean', 'null'] });
    expect((byName.get('task_create')?.inputSchema.properties as any).blocked_by).toBeDefined();
  });

  it('bad arguments give a tool error (our code, a plain sentence) and the server stays up; a plan is answered once', async () => {
    const client = await connect(folderBackend, await folderBackend.fixture(), 'frontend');
    const missing = await call(client, 'task_get', { team_name: 'webapp' });
    expect(missing).toMatchObject({
      isError: true,
      content: [
        { type: 'text', text: 'INVALID_INPUT: Bad arguments for task_get: task_id is required. Its parameters: team_name, task_id.' },
      ],
    });
    const wrong = await call(client, 'task_list', { team_name: 42, sort_by_priority: 'yes' });
    expect(wrong.structuredContent.error.code).toBe('INVALID_INPUT');
    expect(wrong.structuredContent.error.details.problems).toEqual([
      'team_name must be text (got number)',
      'sort_by_priority must be true or false (got string)',
    ]);
    expect((await call(client, 'task_get', { team_name: '../etc', task_id: 'x' })).structuredContent.error.code).toBe('INVALID_INPUT');
    expect((await call(client, 'task_get', { team_name: 'nowhere', task_id: 'abcd1234' })).structuredContent.error.code).toBe('NOT_FOUND');
    expect((await call(client, 'no_such_tool', {})).structuredContent.error.code).toBe('NOT_FOUND');
    expect((await call(client, 'task_list', { team_name: 'webapp', status: 'done' })).content[0].text).toContain('Unknown status "done"');
    // Not even an object of arguments: the request itself is refused, and the server answers the next one.
    await expect(
      client.request({ method: 'tools/call', params: { name: 'task_get', arguments: 'x' } } as any, CallToolResultSchema),
    ).rejects.toThrow();
    expect((await call(client, 'workspace_agent_diff', { team_name: 'webapp', agent_name: 'frontend' })).structuredContent.error.code).toBe(
      'NOT_FOUND',
    );

    const { planId } = value(
      await call(client, 'plan_submit', { team_name: 'webapp', agent_name: 'frontend', leader_name: 'lead', plan_content: '# P' }),
    );
    expect(value(await call(client, 'plan_get', { team_name: 'webapp', plan_id: planId, agent_name: 'frontend' }))).toEqual({
      planId,
      agentName: 'frontend',
      content: '# P',
    });
    expect(
      value(
        await call(client, 'plan_approve', {
          team_name: 'webapp',
          leader_name: 'lead',
          plan_id: planId,
          agent_name: 'frontend',
          feedback: 'ok',
        }),
      ),
    ).toEqual({ ok: true, planId });
    const twice = await call(client, 'plan_reject', {
      team_name: 'webapp',
      leader_name: 'tester',
      plan_id: planId,
      agent_name: 'frontend',
    });
    expect(twice.structuredContent.error).toMatchObject({ code: 'CONFLICT', details: { answeredBy: 'lead', decision: 'approved' } });
    const inbox = value(await call(client, 'mailbox_receive', { team_name: 'webapp', agent_name: 'frontend' }));
    expect(inbox).toMatchObject([{ type: 'plan_approved', from: 'lead', requestId: planId, feedback: 'ok' }]);

    // Lockstep's tools act as the server's agent (CLAWTEAM_AGENT_NAME=frontend); a stale token is refused.
    const t = value(await call(client, 'task_create', { team_name: 'webapp', subject: 'fenced' }));
    const claimed = value(await call(client, 'task_claim', { team_name: 'webapp', task_id: t.id, lease_seconds: 60 }));
    expect(claimed.lockedBy).toBe('frontend');
    const token = claimed.metadata.lockstep.claim.token;
    expect(
      (await call(client, 'task_complete', { team_name: 'webapp', task_id: t.id, token: token + 1 })).structuredContent.error.code,
    ).toBe('CLAIM_LOST');
    expect(value(await call(client, 'task_heartbeat', { team_name: 'webapp', task_id: t.id, token })).lockedBy).toBe('frontend');
    expect(value(await call(client, 'task_complete', { team_name: 'webapp', task_id: t.id, token })).status).toBe('completed');
    expect(value(await call(client, 'history', { team_name: 'webapp', task_id: t.id })).entries.map((e: any) => e.op)).toEqual([
      'task.create',
      'task.claim',
      'task.heartbeat',
      'task.complete',
    ]);
  });
});

describe('lockstep mcp: the raw stream', () => {
  afterAll(() => folderBackend.cleanup());

  it('ignores a line that is not JSON, answers a call sent just before stdin ends, then exits 0', async () => {
    const dir = await folderBackend.fixture();
    const child = spawn(process.execPath, [CLI, 'mcp', '--data-dir', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    const done = collect(child);
    const send = (m: unknown) => child.stdin.write(`${typeof m === 'string' ? m : JSON.stringify(m)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send('this is not JSON {');
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'task_create', arguments: { team_name: 'webapp', subject: 'last words' } },
    });
    child.stdin.end();
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const answers = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers.map((a) => a.id)).toEqual([1, 2]);
    expect(JSON.parse(answers[1].result.content[0].text)).toMatchObject({ subject: 'last words', status: 'pending' });
  });
});

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend: lockstep mcp`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    suite(backend);
  });
}
