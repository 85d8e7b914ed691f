import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store';
import { AgentService } from '../../src/store/agents';
import { AGENT_CMD, cleanUp, newDataDir, until } from './agent-harness';

/** The module as the window's main process uses it: in process, no CLI in between (the agents still use `lockstep`). */
const dirs: string[] = [];
afterEach(() => cleanUp(dirs));

describe('AgentService in process', () => {
  it('start, runningEverywhere, live log reads from an offset, steps, stop', async () => {
    const data = newDataDir(dirs);
    const { store } = openStore({ dataDir: data });
    const agents = new AgentService({
      store,
      dataDir: data,
      env: { ...process.env, XDG_CACHE_HOME: `${data}-cache`, SCRIPTED_STEP_MS: '30' },
    });
    await store.createTeam({ name: 't', members: [{ name: 'lead' }, { name: 'w1' }] });
    await store.createTask('t', { subject: 'One' });
    const run = await agents.start({ team: 't', agent: 'w1', command: AGENT_CMD, cwd: data });
    expect(agents.runningEverywhere().map((r) => r.id)).toEqual([run.id]);
    expect(agents.remembered('t')).toEqual({ cwd: data, runtime: 'custom', command: AGENT_CMD });

    const first = agents.readLog('t', 'w1', { offset: 0, maxBytes: 40 });
    expect(first.text).toHaveLength(40); // bounded
    await until('w1 idle', async () => (await agents.status('t', 'w1')).state === 'idle' || undefined);
    const rest = agents.readLog('t', 'w1', { offset: first.next });
    expect(first.text + rest.text).toContain('✔ completed');
    expect(agents.steps('t', 'w1', { offset: 0 }).steps.some((s) => s.kind === 'output' && s.text.includes('claimed'))).toBe(true);

    const stopped = await agents.stop('t', 'w1', { graceMs: 2000 });
    expect(stopped).toMatchObject({ wasRunning: true, signal: 'SIGTERM', claims: [] });
    expect(agents.runningEverywhere()).toEqual([]);
    expect(path.isAbsolute(path.join(data, run.log))).toBe(true);
  });
});
