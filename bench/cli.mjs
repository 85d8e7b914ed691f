// The time an agent waits for one `lockstep` command (process start to exit), beside references run interleaved in
// the same loop: `node -e 0` (Node's own start-up) and one locked update by the ClawTeam-protocol Python writer
// (test/clawteam/clawteam_writer.py merge-meta --count 1: Python's start-up plus ClawTeam's read-modify-write).
// "unbundled" runs the tsc output (dist/cli/main.js, ~90 modules) as the launcher did before the bundle.
// Run alone: node bench/cli.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const BIN = join(root, 'bin', 'lockstep.js');
const UNBUNDLED = `require(${JSON.stringify(join(root, 'dist', 'cli', 'main.js'))}).runCli(process.argv.slice(1)).then((c) => { process.exitCode = c; })`;
const PY_WRITER = join(root, 'test', 'clawteam', 'clawteam_writer.py');
const CALLS = Number(process.env.BENCH_CLI_CALLS ?? 15);

function run(cmd, args) {
  const t0 = performance.now();
  const res = spawnSync(cmd, args, { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${res.stderr}`);
  return { ms, out: res.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

export async function cliRows() {
  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-cli-bench-'));
  try {
    const ls = (...args) => run(process.execPath, [BIN, '--data-dir', dataDir, ...args]);
    ls('team', 'create', 'cli', '--member', 'm1');
    const ids = [];
    for (let i = 0; i < 2 * CALLS + 10; i++) ids.push(JSON.parse(ls('task', 'create', 'cli', `task ${i}`, '--json').out).id);
    ls('task', 'list', 'cli'); // the first run writes the compile cache
    const variants = [
      ['node -e 0 (reference: Node start-up)', () => [process.execPath, ['-e', '0']]],
      [
        'ClawTeam-protocol Python writer, 1 update (reference)',
        () => [
          'python3',
          [PY_WRITER, 'merge-meta', '--data-dir', dataDir, '--team', 'cli', '--task', ids[0], '--prefix', 'py', '--count', '1'],
        ],
      ],
      ['lockstep task update', () => [process.execPath, [BIN, 'task', 'update', 'cli', ids[1], '--meta', 'k=v', '--data-dir', dataDir]]],
      ['lockstep task list', () => [process.execPath, [BIN, 'task', 'list', 'cli', '--data-dir', dataDir]]],
      [
        'lockstep task claim --next (member)',
        () => [process.execPath, [BIN, 'task', 'claim', 'cli', '--next', '--as', 'm1', '--data-dir', dataDir]],
      ],
      [
        'unbundled task update (before the bundle)',
        () => [process.execPath, ['-e', UNBUNDLED, 'task', 'update', 'cli', ids[2], '--meta', 'k=v', '--data-dir', dataDir]],
      ],
      [
        'unbundled task claim --next (before)',
        () => [process.execPath, ['-e', UNBUNDLED, 'task', 'claim', 'cli', '--next', '--as', 'm1', '--data-dir', dataDir]],
      ],
    ];
    const times = variants.map(() => []);
    for (let call = 0; call < CALLS; call++) {
      variants.forEach(([, make], i) => times[i].push(run(...make()).ms));
    }
    console.log(`\nOne command, process start to exit (${CALLS} calls each, interleaved; median, p90):`);
    variants.forEach(([label], i) => {
      console.log(`${label.padEnd(56)} ${median(times[i]).toFixed(0).padStart(5)} ms   p90 ${p90(times[i]).toFixed(0).padStart(5)} ms`);
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  cliRows().catch((err) => {
    console.error(`bench failed: ${err.message}`);
    process.exit(1);
  });
}
