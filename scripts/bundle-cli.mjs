// Part of `npm run build:node` (after tsc): the CLI as one file, dist/cli/lockstep.cjs, which bin/lockstep.js runs.
// Node resolving and reading ~90 compiled modules costs more at start-up than the work of a command, so esbuild joins
// them (and the pure-JS dependencies) into one script. Targets node18: the installed package runs the CLI on
// Electron 25's Node 18.15. Left outside: koffi (a native library, loaded from node_modules) and node-postgres
// (loaded only when a command opens a database, src/store/postgres/pg-lib.ts), and the MCP SDK (loaded only by
// `lockstep mcp`, src/cli/mcp).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(root, 'src', 'cli', 'main.ts')],
  outfile: path.join(root, 'dist', 'cli', 'lockstep.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  external: ['koffi', 'pg', 'pg-native', '@modelcontextprotocol/sdk'],
  logLevel: 'warning',
});
