import { spawn } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CLI } from '../race/harness';

/** Everything under `dir` as lstat sees it: files by content hash, links by target, folders by name. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch {
      return;
    }
    if (stat.isSymbolicLink()) out[rel] = `link -> ${fs.readlinkSync(p)}`;
    else if (stat.isDirectory()) {
      out[rel] = 'dir';
      for (const e of fs.readdirSync(p)) walk(path.join(p, e), rel ? `${rel}/${e}` : e);
    } else out[rel] = `file ${createHash('sha1').update(fs.readFileSync(p)).digest('hex')}`;
  };
  walk(dir, '');
  return out;
}

export interface CliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

/** The real `lockstep` binary in its own process (async, so several can run at once). */
export function lockstepAsync(dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  const child = spawn(process.execPath, [CLI, ...args, '--json', '--data-dir', dataDir], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => {
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = { unparsable: stdout };
      }
      resolve({ code: code ?? -1, signal, json, stdout, stderr });
    }),
  );
}

/** Runs `jobs` with at most `limit` at a time (the machine has 2 cores). */
export async function pool<T>(jobs: Array<() => Promise<T>>, limit = 3): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, jobs.length) }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  });
  await Promise.all(lanes);
  return results;
}
