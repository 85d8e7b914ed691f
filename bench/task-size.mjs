// an update's cost does not grow with the task. One process, sequential locked updates (one
// metadata key each, fsync on) of a ~1 KB task and a ~50 KB task (long description, a few hundred metadata keys of
// the kinds agents write: strings, counters, small objects), in alternating blocks so drift hits both alike.
// Run alone: node bench/task-size.mjs
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { LockstepStore } = require(join(here, '..', 'dist', 'store', 'index.js'));

function bigMetadata() {
  const meta = {};
  for (let i = 0; i < 450; i++) {
    if (i % 3 === 0) meta[`note-${i}`] = `step ${i}: checked the build, ran the tests, wrote the summary`;
    else if (i % 3 === 1) meta[`count-${i}`] = i * 37;
    else meta[`run-${i}`] = { exit: 0, files: [`src/a${i}.ts`, `src/b${i}.ts`], ok: true };
  }
  return meta;
}

export async function taskSizeRows(blocks = 10, perBlock = 50) {
  console.log('\nCost of an update by task size (one process, fsync on; goal: the big task ≤ 1.3× the small one):');
  for (const writers of [1, 2]) await sizeRow(writers, blocks, perBlock);
}

async function sizeRow(writers, blocks, perBlock) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-size-bench-'));
  try {
    const stores = Array.from({ length: writers }, () => new LockstepStore({ dataDir, lock: { app: 'bench' } }));
    const store = stores[0];
    await store.createTeam({ name: 'size' });
    const small = await store.createTask('size', { subject: 'small task', description: 'Do the small thing. '.repeat(25) });
    const big = await store.createTask('size', { subject: 'big task', description: 'A long plan. '.repeat(1200), metadata: bigMetadata() });
    const bytes = (id) => statSync(join(dataDir, 'tasks', 'size', `task-${id}.json`)).size;
    const spent = { small: 0, big: 0 };
    const cpu = { small: 0, big: 0 };
    let n = 0;
    for (let block = 0; block < blocks; block++) {
      for (const [key, id] of block % 2
        ? [
            ['big', big.id],
            ['small', small.id],
          ]
        : [
            ['small', small.id],
            ['big', big.id],
          ]) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        for (let i = 0; i < perBlock; i++) await stores[n % writers].updateTask('size', id, { metadata: { seq: n++ } });
        const c = process.cpuUsage(c0);
        cpu[key] += (c.user + c.system) / 1000;
        spent[key] += performance.now() - t0;
      }
    }
    const each = (ms) => ms / (blocks * perBlock);
    console.log(
      `Task size, ${writers === 1 ? 'one writer          ' : 'two stores in turns '} sequential updates (${blocks * perBlock} each, alternating blocks of ${perBlock}): ` +
        `${(bytes(small.id) / 1024).toFixed(1)} KB task ${each(spent.small).toFixed(3)} ms, ` +
        `${(bytes(big.id) / 1024).toFixed(1)} KB task ${each(spent.big).toFixed(3)} ms: ratio ${(spent.big / spent.small).toFixed(2)} (goal ≤ 1.3); ` +
        `CPU time ${each(cpu.small).toFixed(3)} vs ${each(cpu.big).toFixed(3)} ms: ratio ${(cpu.big / cpu.small).toFixed(2)}`,
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  taskSizeRows().catch((err) => {
    console.error(`bench failed: ${err.message}`);
    process.exit(1);
  });
}
