// `npm run bench` (MCP): the time an MCP tool call takes through `lockstep mcp`, as an agent sees it: the SDK's own
// Client over stdio to a real `lockstep mcp` process on a data folder, one call after the other (p50 / p99 / max in
// ms, after a warm-up). A read (task_get), the cheapest read (mailbox_peek_count), and a durable write (task_update
// of one metadata key: the team lock, fsync, the journal). Target: p50 under 5 ms for a read.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { LockstepStore } = require(join(here, '..', 'dist', 'store', 'index.js'));
const CLI = join(here, '..', 'bin', 'lockstep.js');
const CALLS = Number(process.env.BENCH_MCP_CALLS ?? 500);

const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-mcp-bench-'));
const client = new Client({ name: 'lockstep-bench', version: '1.0.0' });
try {
  const store = new LockstepStore({ dataDir });
  await store.createTeam({ name: 'bench', description: '', members: ['lead', 'a1', 'a2', 'a3'].map((name) => ({ name })) });
  for (let i = 0; i < 50; i++) await store.createTask('bench', { subject: `task ${i}` });
  const task = await store.createTask('bench', { subject: 'the one' });

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--data-dir', dataDir],
    env: { ...process.env, CLAWTEAM_AGENT_NAME: 'a1' },
  });
  await client.connect(transport);

  const calls = {
    'task_get (read)': (i) => ({ name: 'task_get', arguments: { team_name: 'bench', task_id: task.id } }),
    'mailbox_peek_count (read)': () => ({ name: 'mailbox_peek_count', arguments: { team_name: 'bench', agent_name: 'lead' } }),
    'task_update metadata (write)': (i) => ({
      name: 'task_update',
      arguments: { team_name: 'bench', task_id: task.id, metadata: { n: i } },
    }),
  };
  console.log(`\nMCP tool calls through \`lockstep mcp\` on a data folder (SDK client over stdio, ${CALLS} calls each, one at a time)`);
  console.log('                                   p50 ms   p99 ms   max ms');
  for (const [label, make] of Object.entries(calls)) {
    for (let i = 0; i < 30; i++) await client.callTool(make(i));
    const times = [];
    for (let i = 0; i < CALLS; i++) {
      const start = process.hrtime.bigint();
      const r = await client.callTool(make(i));
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (r.isError) throw new Error(`${label}: ${r.content[0].text}`);
    }
    times.sort((a, b) => a - b);
    const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2).padStart(7);
    console.log(`${label.padEnd(34)} ${at(0.5)}  ${at(0.99)}  ${times[times.length - 1].toFixed(2).padStart(7)}`);
  }
} finally {
  await client.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
