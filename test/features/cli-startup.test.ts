import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { copyFixture } from '../race/harness';

/** An agent's command on a data folder starts without the PostgreSQL driver (about a third of start-up time). */

const MAIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
const BUNDLE = path.join(__dirname, '..', '..', 'dist', 'cli', 'lockstep.cjs');
const BIN = path.join(__dirname, '..', '..', 'bin', 'lockstep.js');

function modulesLoadedBy(entry: string, args: string[]): { code: number; loaded: string[] } {
  const script = `require(${JSON.stringify(entry)}).runCli(${JSON.stringify(args)}).then((code) => {
    process.stdout.write('\\n' + JSON.stringify({ code, loaded: Object.keys(require.cache) }));
  });`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return JSON.parse(res.stdout.slice(res.stdout.lastIndexOf('\n') + 1));
}

const pgModules = (loaded: string[]) => loaded.filter((p) => p.includes(`${path.sep}node_modules${path.sep}pg${path.sep}`));

describe('CLI start-up on a data folder', () => {
  it('does its work without loading node-postgres or the MCP SDK', () => {
    const dir = copyFixture();
    try {
      const run = modulesLoadedBy(MAIN, ['task', 'list', 'webapp', '--json', '--data-dir', dir]);
      expect(run.code).toBe(0);
      expect(run.loaded.some((p) => p.includes(`${path.sep}dist${path.sep}store${path.sep}`))).toBe(true);
      expect(pgModules(run.loaded)).toEqual([]);
      // Nor the MCP SDK and tools: only `lockstep mcp` loads them.
      expect(
        run.loaded.filter((p) => p.includes('@modelcontextprotocol') || p.includes(`${path.sep}cli${path.sep}mcp${path.sep}server`)),
      ).toEqual([]);
      expect(run.loaded.some((p) => p.includes(`${path.sep}cli${path.sep}mcp${path.sep}command`))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs from one bundled file, which loads neither node-postgres nor the compiled modules', () => {
    const dir = copyFixture();
    try {
      const run = modulesLoadedBy(BUNDLE, ['task', 'list', 'webapp', '--json', '--data-dir', dir]);
      expect(run.code).toBe(0);
      expect(run.loaded.filter((p) => p.includes(`${path.sep}dist${path.sep}`))).toEqual([BUNDLE]);
      expect(pgModules(run.loaded)).toEqual([]);
      expect(run.loaded.filter((p) => p.includes('@modelcontextprotocol'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same answer through the launcher with and without the compile cache', () => {
    const dir = copyFixture();
    try {
      const list = (env: Record<string, string>) =>
        spawnSync(process.execPath, [BIN, 'task', 'list', 'webapp', '--json', '--data-dir', dir], {
          encoding: 'utf8',
          env: { ...process.env, ...env },
        });
      const plain = list({ LOCKSTEP_COMPILE_CACHE: 'off' });
      expect(plain.status).toBe(0);
      // Twice with the cache: the first run may write it, the second reads it.
      for (let i = 0; i < 2; i++) {
        const cached = list({});
        expect(cached.status).toBe(0);
        expect(cached.stdout).toBe(plain.stdout);
        expect(cached.stderr).toBe(plain.stderr);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
