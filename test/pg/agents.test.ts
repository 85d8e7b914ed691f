import { spawnSync } from 'child_process';
import * as path from 'path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CMD, cleanUp, newDataDir, until } from '../agents/agent-harness';
import { postgresBackend } from '../race/backends';
import { CLI } from '../race/harness';

/**
 * Agents of a team kept in PostgreSQL: the run records, logs and ClawTeam's registry stay in the local data folder,
 * and the agent reaches the database through LOCKSTEP_STORE (its `lockstep` commands go there). A database-only
 * test because the folder backend is what test/agents covers.
 */
const backend = postgresBackend;
const dirs: string[] = [];
afterEach(() => cleanUp(dirs));

function cli(url: string, dataDir: string, args: string[]): { code: number; json: any } {
  const res = spawnSync(process.execPath, [CLI, '--store', url, '--json', ...args], {
    env: { ...process.env, LOCKSTEP_DATA_DIR: dataDir, XDG_CACHE_HOME: path.join(dataDir, '.cache'), SCRIPTED_STEP_MS: '30' },
    encoding: 'utf8',
  });
  let json: any;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = { unparsable: res.stdout, stderr: res.stderr };
  }
  return { code: res.status ?? -1, json };
}

describe.skipIf(backend.skipReason !== null)('postgres backend: running agents', () => {
  beforeAll(() => backend.start(), 60_000);
  afterAll(async () => {
    await backend.cleanup();
    await backend.stop();
  });

  it('an agent started against a database works the tasks there and reads as idle', async () => {
    const url = await backend.empty();
    const data = newDataDir(dirs);
    expect(cli(url, data, ['team', 'create', 't', '--member', 'lead', '--member', 'w1']).code).toBe(0);
    const task = cli(url, data, ['task', 'create', 't', 'In the database']).json;
    const run = cli(url, data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', ...AGENT_CMD]);
    expect(run.code, JSON.stringify(run.json)).toBe(0);
    await until(
      'w1 idle',
      () => cli(url, data, ['agent', 'list', 't']).json.agents?.find((a: any) => a.agent === 'w1')?.state === 'idle' || undefined,
    );
    expect(cli(url, data, ['task', 'show', 't', task.id]).json).toMatchObject({ status: 'completed', owner: 'w1' });
    expect(cli(url, data, ['agent', 'stop', 't', 'w1', '--grace', '2s']).json.wasRunning).toBe(true);
  });
});
