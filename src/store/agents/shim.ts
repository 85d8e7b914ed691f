import * as fs from 'fs';
import * as path from 'path';
import { mkdirInside, openNoFollow, readBounded, writeInside } from '../safe-fs';
import type { AgentPaths } from './agent-paths';

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

/**
 * Writes `.lockstep/bin/lockstep` (and `lockstep.cmd` on Windows), a two-line launcher of `cli`, and returns its
 * folder, which goes first on the agent's PATH. Written atomically, never through a link; rewritten when it differs.
 */
export function ensureShim(paths: AgentPaths, cli: LockstepCommand): string {
  const dir = paths.shimDir();
  mkdirInside(paths.root, dir);
  if (process.platform === 'win32') {
    const envs = Object.entries(cli.env ?? {}).map(([k, v]) => `set "${k}=${v}"\r\n`);
    const line = cli.argv.map((a) => `"${a}"`).join(' ');
    writeIfChanged(paths.root, path.join(dir, 'lockstep.cmd'), `@echo off\r\n${envs.join('')}${line} %*\r\n`);
    return dir;
  }
  const envs = Object.entries(cli.env ?? {}).map(([k, v]) => `${k}=${quote(v)} `);
  const text = `#!/bin/sh\n# Written by Lockstep: runs this Lockstep's command line for the agents it starts.\n${envs.join('')}exec ${cli.argv.map(quote).join(' ')} "$@"\n`;
  const file = path.join(dir, 'lockstep');
  writeIfChanged(paths.root, file, text);
  const fd = openNoFollow(file);
  if (fd !== null) {
    try {
      if ((fs.fstatSync(fd).mode & 0o777) !== 0o755) fs.fchmodSync(fd, 0o755);
    } finally {
      fs.closeSync(fd);
    }
  }
  return dir;
}

function writeIfChanged(root: string, file: string, text: string): void {
  const now = readBounded(file, 64 * 1024);
  if (now.kind === 'ok' && now.bytes.toString('utf8') === text) return;
  writeInside(root, file, text); // refuses a link or a folder there (UNSAFE_PATH)
}
