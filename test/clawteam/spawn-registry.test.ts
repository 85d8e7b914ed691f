import { spawn, spawnSync } from 'child_process';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_CMD, alive, cleanUp, cli, newDataDir, status, until } from '../agents/agent-harness';

/**
 * ClawTeam reads what Lockstep wrote and the other way round, through a Python peer written from ClawTeam 0.3's
 * spawn registry code (clawteam_spawn.py): its get_registry / is_agent_alive / list_dead_agents on an agent
 * Lockstep started, Lockstep's liveness of an agent ClawTeam's SubprocessBackend started, and both writers'
 * read-modify-writes of the registry interlocked by the flock of spawn_registry.json.lock.
 */
const PEER = path.join(__dirname, 'clawteam_spawn.py');
const dirs: string[] = [];
const pids: number[] = [];
afterEach(() => cleanUp(dirs, pids));

function peer(args: string[]): any {
  const res = spawnSync('python3', [PEER, ...args], { encoding: 'utf8' });
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout);
}

function team(): string {
  const data = newDataDir(dirs);
  expect(cli(data, ['team', 'create', 't', '--member', 'lead', '--member', 'w1']).code).toBe(0);
  return data;
}

describe("ClawTeam's spawn registry, both ways", () => {
  it("ClawTeam's is_agent_alive and get_registry see an agent Lockstep started, alive and then dead", () => {
    const data = team();
    const run = cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', ...AGENT_CMD]).json;
    const registry = peer(['registry', '--data-dir', data, '--team', 't']);
    expect(registry.w1).toMatchObject({ backend: 'subprocess', tmux_target: '', pid: run.pid });
    expect(typeof registry.w1.spawned_at).toBe('number');
    expect(registry.w1.command.slice(0, 2)).toEqual(AGENT_CMD);
    expect(peer(['alive', '--data-dir', data, '--team', 't', '--agent', 'w1'])).toEqual({ alive: true });
    expect(peer(['alive', '--data-dir', data, '--team', 't', '--agent', 'lead'])).toEqual({ alive: null });

    expect(cli(data, ['agent', 'stop', 't', 'w1', '--grace', '2s']).json.wasRunning).toBe(true);
    expect(peer(['alive', '--data-dir', data, '--team', 't', '--agent', 'w1'])).toEqual({ alive: false });
    expect(peer(['dead', '--data-dir', data, '--team', 't'])).toEqual({ dead: ['w1'] });
  });

  it("an agent ClawTeam's SubprocessBackend started shows its liveness through Lockstep, from the registry pid", async () => {
    const data = team();
    const { pid } = peer(['spawn', '--data-dir', data, '--team', 't', '--agent', 'w1', '--', 'sleep', '300']);
    pids.push(pid);
    const running = status(data, 't', 'w1');
    expect(running).toMatchObject({ state: 'running', source: 'registry', pid });
    expect(running.summary).toContain('started outside Lockstep');
    // Not started twice.
    expect(cli(data, ['agent', 'start', 't', 'w1', '--', ...AGENT_CMD]).json.error.message).toBe(
      `w1 is already running in team t (pid ${pid}, started outside Lockstep); stop it first.`,
    );
    // Lockstep can stop it too (ClawTeam's way: the pid, not a group), then it reads as exited.
    const stopped = cli(data, ['agent', 'stop', 't', 'w1', '--grace', '2s']).json;
    expect(stopped).toMatchObject({ wasRunning: true, signal: 'SIGTERM' });
    await until('the sleep is gone', () => !alive(pid) || undefined);
    expect(status(data, 't', 'w1')).toMatchObject({ state: 'exited', source: 'registry' });
  });

  it("Lockstep waits for ClawTeam's flock of spawn_registry.json.lock: neither writer's entry is lost", async () => {
    const data = team();
    peer(['register-many', '--data-dir', data, '--team', 't', '--prefix', 'peer', '--count', '3']);
    // ClawTeam holds the lock across its read-modify-write while Lockstep starts an agent.
    const python = spawn('python3', [PEER, 'hold', '--data-dir', data, '--team', 't', '--agent', 'held', '--seconds', '1.5']);
    let out = '';
    python.stdout.on('data', (d) => (out += String(d)));
    const done = new Promise<number>((resolve) => python.on('exit', (code) => resolve(code ?? -1)));
    await until('ClawTeam holds the lock', () => out.includes('locked') || undefined);
    expect(cli(data, ['agent', 'start', 't', 'w1', '--cwd', data, '--', ...AGENT_CMD]).code).toBe(0);
    expect(await done).toBe(0);
    const registry = peer(['registry', '--data-dir', data, '--team', 't']);
    expect(Object.keys(registry).sort()).toEqual(['held', 'peer0', 'peer1', 'peer2', 'w1']);
    expect(registry.w1.backend).toBe('subprocess');
  });
  it('an agent nobody registered is judged by its claims: a live claim pid or an unexpired lease is running; a dead pid is named as holding claims', () => {
    const data = team();
    cli(data, ['team', 'add-member', 't', 'w2']);
    cli(data, ['team', 'add-member', 't', 'w3']);
    const a = cli(data, ['task', 'create', 't', 'A']).json;
    const b = cli(data, ['task', 'create', 't', 'B']).json;
    const sleeper = spawn('sleep', ['300']);
    pids.push(sleeper.pid as number);
    expect(cli(data, ['task', 'claim', 't', a.id, '--as', 'w1', '--pid', String(sleeper.pid)]).code).toBe(0);
    expect(cli(data, ['task', 'claim', 't', b.id, '--as', 'w2', '--lease', '10m']).code).toBe(0);
    expect(status(data, 't', 'w1')).toMatchObject({ state: 'running', source: 'claims' });
    expect(status(data, 't', 'w2')).toMatchObject({ state: 'running', source: 'claims' });
    // A claim as ClawTeam makes it (no pid, no lease): Lockstep does not guess.
    const c = cli(data, ['task', 'create', 't', 'C']).json;
    expect(cli(data, ['task', 'claim', 't', c.id, '--as', 'w3']).code).toBe(0);
    expect(status(data, 't', 'w3')).toMatchObject({ state: 'unknown', source: 'claims', deadWithClaims: false });
    sleeper.kill('SIGKILL');
    return until('the holder is gone', () => status(data, 't', 'w1').state === 'exited' || undefined).then(() => {
      const dead = status(data, 't', 'w1');
      expect(dead).toMatchObject({ deadWithClaims: true, claims: [{ taskId: a.id, pid: sleeper.pid }] });
      expect(dead.summary).toContain(`still holds ${a.id}: release to let others take them`);
    });
  });
});
