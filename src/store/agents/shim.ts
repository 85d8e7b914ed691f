import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * How an agent runs `lockstep`: the argv prefix of this Lockstep's own CLI. From a checkout: Node and bin/lockstep.js;
 * from the packaged app: its bundled CLI (the window passes it). `env` is set only for that command (the packaged
 * app's Electron binary needs ELECTRON_RUN_AS_NODE=1 to act as Node).
 */
export interface LockstepCommand {
  argv: string[];
  env?: Record<string, string>;
}

/** This checkout's CLI on this Node (dist/store/agents → bin/lockstep.js). */
export function checkoutCli(): LockstepCommand {
  return { argv: [process.execPath, path.resolve(__dirname, '..', '..', '..', 'bin', 'lockstep.js')] };
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The user's cache folder (XDG_CACHE_HOME, ~/Library/Caches, %LOCALAPPDATA%), where the shims live. */
function cacheHome(env: NodeJS.ProcessEnv): string {
  if (process.platform === 'win32') return env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  return env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
}

/**
 * Writes a two-line launcher of `cli` named `lockstep` (`lockstep.cmd` on Windows) and returns its folder, which goes
 * first on the agent's PATH. It lives in the user's own cache, not in the data folder: the data folder may be shared
 * (another machine, another user's agents) and nothing that agents execute should come from there. The folder is
 * named by a hash of the launcher's text, so a launcher never changes under a running agent, and several Lockstep
 * processes writing the same one write the same bytes (temp file + rename).
 */
export function ensureShim(cli: LockstepCommand, env: NodeJS.ProcessEnv = process.env): string {
  const windows = process.platform === 'win32';
  const envs = Object.entries(cli.env ?? {});
  const text = windows
    ? `@echo off\r\n${envs.map(([k, v]) => `set "${k}=${v}"\r\n`).join('')}${cli.argv.map((a) => `"${a}"`).join(' ')} %*\r\n`
    : `#!/bin/sh\n# Written by Lockstep: runs its command line for the agents it starts.\n${envs.map(([k, v]) => `${k}=${quote(v)} `).join('')}exec ${cli.argv.map(quote).join(' ')} "$@"\n`;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = path.join(cacheHome(env), 'lockstep', 'shims', hash);
  const file = path.join(dir, windows ? 'lockstep.cmd' : 'lockstep');
  try {
    if (fs.readFileSync(file, 'utf8') === text) return dir;
  } catch {
    // missing: write it
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.lockstep-${randomBytes(4).toString('hex')}.tmp`);
  fs.writeFileSync(tmp, text, { mode: 0o755, flag: 'wx' });
  fs.renameSync(tmp, file);
  return dir;
}
