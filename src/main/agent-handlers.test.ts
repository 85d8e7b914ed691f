import { afterEach, describe, expect, it } from 'vitest';
import type { ApiName } from '../shared/api';
import type { LogChunk } from '../store/agents';
import { AgentService } from '../store/agents';
import { LockstepStore } from '../store';
import { AGENT_CMD, cleanUp, newDataDir } from '../../test/agents/agent-harness';
import { wholeLines } from './agent-handlers';
import { createHandlers, type Handlers } from './handlers';
import type { EffectiveSettings } from './settings';

/**
 * The window's agent calls over the one AgentService, with real processes: the scripted agent follows the
 * coordination prompt with `lockstep`. Every agent started here is killed in afterEach.
 */
const dirs: string[] = [];
afterEach(() => cleanUp(dirs));

function setUp(): { handlers: Handlers; dataDir: string; watched: string[]; folders: Map<string, string> } {
  process.env.SCRIPTED_STEP_MS = '2000';
  const dataDir = newDataDir(dirs);
  const settings: EffectiveSettings = {
    dataDir,
    dataDirSource: 'test',
    agentName: 'ana',
    clawteamInterlock: true,
    theme: 'system',
    activityOpen: true,
    activityHeight: 160,
    messagesOpen: null,
  };
  const store = new LockstepStore({ dataDir, actor: { name: 'ana', via: 'app' } });
  const service = new AgentService({ store, dataDir });
  const watched: string[] = [];
  const folders = new Map<string, string>();
  const handlers = createHandlers({
    store: () => store,
    settings: () => settings,
    setAgentName: () => settings,
    setClawteamInterlock: () => settings,
    setAppearance: () => settings,
    openDataFolder: async () => settings,
    validateOutputs: true,
    agents: {
      service: () => service,
      folderFor: (team) => folders.get(team) ?? dataDir,
      rememberFolder: (team, dir) => folders.set(team, dir),
      watch: (team) => watched.push(team),
    },
  });
  return { handlers, dataDir, watched, folders };
}

/** Polls an async check until it gives a value, or fails naming what did not happen. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ok<N extends ApiName>(handlers: Handlers, name: N, input: unknown) {
  const result = await handlers[name](input);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value;
}

describe('wholeLines', () => {
  const chunk = (text: string, offset: number): LogChunk => ({ text, offset, next: offset + Buffer.byteLength(text), size: 999 });
  it('stops a forward read after its last newline, counting bytes (not characters)', () => {
    expect(wholeLines(chunk('ä1\nb2\npart', 10), true)).toMatchObject({ text: 'ä1\nb2\n', offset: 10, next: 17 });
  });
  it('starts a piece inside the log after its first newline', () => {
    expect(wholeLines(chunk('tail of ä\nwhole\n', 5), false)).toMatchObject({ text: 'whole\n', offset: 16 });
    expect(wholeLines(chunk('first\n', 0), false)).toMatchObject({ text: 'first\n', offset: 0 });
  });
});

describe('the agent calls', () => {
  it('launches a template with any command, shows liveness and coloured output, stops with the claim offered, then releases it', async () => {
    const { handlers, dataDir, watched, folders } = setUp();
    const input = { template: 'code-review', team: 'rev', goal: 'review the parser', cwd: dataDir, command: AGENT_CMD };
    const plan = await ok(handlers, 'planLaunch', input);
    expect(plan.members.map((m) => m.name)).toEqual(['review-lead', 'security-reviewer', 'quality-reviewer']);
    expect(plan.tasks).toHaveLength(3);
    const launched = await ok(handlers, 'launchTeam', input);
    expect(launched.failures).toEqual([]);
    expect(watched).toContain('rev');
    expect(folders.get('rev')).toBe(dataDir);

    // Someone claims a task and says so, in colour.
    const running = await eventually('an agent holds a claim and said so', async () => {
      const { agents } = await ok(handlers, 'listAgents', { team: 'rev' });
      return agents.find((a) => a.state === 'running' && a.claims.length > 0 && a.lastOutput?.line.includes('working on'));
    });
    const log = await ok(handlers, 'readAgentLog', { team: 'rev', agent: running.agent });
    expect(log.format).toBe('text');
    expect(log.text).toContain('\x1b[36m▶ claimed');
    // Reading on from where it ended gives only whole lines, and nothing twice.
    const more = await ok(handlers, 'readAgentLog', { team: 'rev', agent: running.agent, offset: log.next });
    expect(more.offset).toBe(log.next);
    expect(more.text === '' || more.text.endsWith('\n')).toBe(true);
    const earlier = await ok(handlers, 'readAgentLog', { team: 'rev', agent: running.agent, before: log.next });
    expect(earlier.offset).toBe(0);

    const stopped = await ok(handlers, 'stopAgent', { team: 'rev', agent: running.agent });
    expect(stopped.wasRunning).toBe(true);
    expect(stopped.claims.map((c) => c.taskId)).toEqual(running.claims.map((c) => c.taskId));
    const after = (await ok(handlers, 'listAgents', { team: 'rev' })).agents.find((a) => a.agent === running.agent);
    expect(after?.state).toBe('exited');
    expect(after?.deadWithClaims).toBe(true);
    const { released } = await ok(handlers, 'releaseAgentClaims', {
      team: 'rev',
      agent: running.agent,
      taskIds: stopped.claims.map((c) => c.taskId),
    });
    expect(released).toEqual(stopped.claims.map((c) => c.taskId));
    const again = (await ok(handlers, 'listAgents', { team: 'rev' })).agents.find((a) => a.agent === running.agent);
    expect(again?.claims).toEqual([]);
  });

  it('refuses a command that is not installed with one sentence, beside the command, and a folder that is not one', async () => {
    const { handlers, dataDir } = setUp();
    await ok(handlers, 'createTeam', { name: 't', members: ['w1'] });
    const missing = await handlers.startAgent({ team: 't', agent: 'w1', runtime: 'custom', command: ['no-such-agent-cli'], cwd: dataDir });
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.error.code).toBe('INVALID_INPUT');
    expect(missing.error.message).toMatch(/no-such-agent-cli/);
    expect(missing.error.details.command).toBe('no-such-agent-cli');
    const badFolder = await handlers.startAgent({ team: 't', agent: 'w1', runtime: 'custom', command: AGENT_CMD, cwd: `${dataDir}/nope` });
    expect(badFolder.ok || badFolder.error.details.field).toBe('cwd');
    // An argv with shell metacharacters is one word, never interpreted: the command named is exactly that word.
    const meta = await handlers.startAgent({ team: 't', agent: 'w1', runtime: 'custom', command: ['echo hi; rm -rf /'], cwd: dataDir });
    expect(meta.ok || meta.error.details.command).toBe('echo hi; rm -rf /');
  });
});
