import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI } from '../race/harness';
import { ROOT, tempDir } from '../fixture';

/** The scripted agent (a real process following the coordination prompt with `lockstep`). */
export const SCRIPTED = path.join(ROOT, 'test', 'agents', 'scripted-agent.mjs');
export const AGENT_CMD = [process.execPath, SCRIPTED];

/**
 * Runs the real `lockstep` CLI with the global options first (`--data-dir D --json`), so a command's `-- CMD ARGS…`
 * stays last. Returns the exit code, the parsed JSON and stderr.
 */
export function cli(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; json: any; stdout: string } {
  const res = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, '--json', ...args], {
    // The `lockstep` shims go to the user's cache: a cache of the test's own, removed with its folder.
    env: { ...process.env, XDG_CACHE_HOME: path.join(dataDir, '..', `${path.basename(dataDir)}-cache`), SCRIPTED_STEP_MS: '30', ...env },
    encoding: 'utf8',
  });
  let json: any;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = { unparsable: res.stdout, stderr: res.stderr };
  }
  return { code: res.status ?? -1, json, stdout: res.stdout };
}

/** Polls `check` until it returns a value (not undefined/false), or fails after `what` has not happened in time. */
export async function until<T>(what: string, check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every run pid this data folder's records know of (all teams). */
export function recordedPids(dataDir: string): number[] {
  const dir = path.join(dataDir, '.lockstep', 'agents');
  const pids: number[] = [];
  for (const team of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    try {
      const runs = JSON.parse(fs.readFileSync(path.join(dir, team, 'runs.json'), 'utf8')).runs as Array<{ pid: number }>;
      pids.push(...runs.map((r) => r.pid).filter((p) => p > 1));
    } catch {
      // no runs
    }
  }
  return pids;
}

/** Kills every agent group a test started (afterEach), and removes its folders. */
export function cleanUp(dirs: string[], extraPids: number[] = []): void {
  for (const dir of dirs) {
    for (const pid of recordedPids(dir)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const pid of extraPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const dir of dirs.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}-cache`, { recursive: true, force: true });
  }
}

export function newDataDir(dirs: string[]): string {
  const dir = tempDir('lockstep-agents-');
  dirs.push(dir);
  return dir;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const status = (dataDir: string, team: string, agent: string): any =>
  cli(dataDir, ['agent', 'list', team]).json.agents?.find((a: { agent: string }) => a.agent === agent);
