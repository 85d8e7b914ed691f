import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { copyFixture } from '../race/harness';

/** An agent's command on a data folder starts without the PostgreSQL driver (about a third of start-up time). */

const MAIN = path.join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

function modulesLoadedBy(args: string[]): { code: number; loaded: string[] } {
  const script = `require(${JSON.stringify(MAIN)}).runCli(${JSON.stringify(args)}).then((code) => {
    process.stdout.write('\\n' + JSON.stringify({ code, loaded: Object.keys(require.cache) }));
  });`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  return JSON.parse(res.stdout.slice(res.stdout.lastIndexOf('\n') + 1));
}

describe('CLI start-up on a data folder', () => {
  it('does its work without loading node-postgres or the MCP SDK', () => {
    const dir = copyFixture();
    try {
      const run = modulesLoadedBy(['task', 'list', 'webapp', '--json', '--data-dir', dir]);
      expect(run.code).toBe(0);
      expect(run.loaded.some((p) => p.includes(`${path.sep}dist${path.sep}store${path.sep}`))).toBe(true);
      expect(run.loaded.filter((p) => p.includes(`${path.sep}node_modules${path.sep}pg${path.sep}`))).toEqual([]);
      // Nor the MCP SDK and tools: only `lockstep mcp` loads them.
      expect(
        run.loaded.filter((p) => p.includes('@modelcontextprotocol') || p.includes(`${path.sep}cli${path.sep}mcp${path.sep}server`)),
      ).toEqual([]);
      expect(run.loaded.some((p) => p.includes(`${path.sep}cli${path.sep}mcp${path.sep}command`))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
