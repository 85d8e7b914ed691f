import { spawnSync } from 'child_process';
import { CLI } from '../race/harness';

/** Runs the real `lockstep` binary in its own process, as an agent would. */
export function lockstep(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): { code: number; json: any; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, ...args, '--json', '--data-dir', dataDir], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  let json: any = undefined;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = { unparsable: res.stdout };
  }
  return { code: res.status ?? -1, json, stderr: res.stderr };
}

/** The same, with the store named by arguments (`--data-dir DIR` or `--store URL`). */
export function lockstepAt(storeArgs: string[], args: string[], env: NodeJS.ProcessEnv = {}): { code: number; json: any; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, ...args, '--json', ...storeArgs], { env: { ...process.env, ...env }, encoding: 'utf8' });
  let json: any = undefined;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = { unparsable: res.stdout };
  }
  return { code: res.status ?? -1, json, stderr: res.stderr };
}
