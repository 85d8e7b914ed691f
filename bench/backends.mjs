// `npm run bench` (part): the data folder and PostgreSQL side by side, racing processes, durability on for both
// (the folder fsyncs every save; the cluster runs with fsync and synchronous_commit on). Skipped, saying why, when
// PostgreSQL's server binaries are not installed.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresMissingReason, startCluster } from '../test/pg/cluster.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { copyStore, openStore, PostgresStore } = require(join(here, '..', 'dist', 'store', 'index.js'));
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const K = 50;
const NEXT_TASKS = 2000;

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');

async function race(mode, procs, location, scratch, ids) {
  const barrier = join(scratch, `barrier-${mode}-${procs}-${Date.now()}`);
  const children = Array.from({ length: procs }, () => {
    const child = spawn(process.execPath, [join(here, 'backend-worker.cjs'), mode, location, 'bench', String(DURATION_MS), ...ids], {
      env: { ...process.env, LOCKSTEP_FAILPOINT_BARRIER: barrier },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker failed: ${out}`)))));
  });
  const name = barrier.split('/').pop();
  while (readdirSync(scratch).filter((n) => n.startsWith(`${name}.ready.`)).length < procs) await new Promise((r) => setTimeout(r, 5));
  const t0 = Date.now();
  writeFileSync(barrier, '');
  const results = await Promise.all(children);
  const seconds = (Date.now() - t0) / 1000;
  const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    perSecond: results.reduce((s, r) => s + r.calls, 0) / seconds,
    refused: results.reduce((s, r) => s + r.refused, 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function seed(opened) {
  const store = opened.store;
  await store.createTeam({ name: 'bench' });
  const hot = await store.createTask('bench', { subject: 'hot task' });
  const pool = [];
  for (let i = 0; i < K; i++) pool.push((await store.createTask('bench', { subject: `pooled ${i}` })).id);
  await opened.close();
  return { hot: hot.id, pool };
}

/** A team of NEXT_TASKS pending tasks for claim --next, written as task files (as bench/run.mjs's seedTeam). */
async function seedNext(dataDir) {
  const opened = openStore({ dataDir });
  await opened.store.createTeam({ name: 'next' });
  await opened.close();
  const dir = join(dataDir, 'tasks', 'next');
  mkdirSync(dir, { recursive: true });
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; i < NEXT_TASKS; i++) {
    const id = (0x10000000 + i).toString(16);
    const at = new Date(base + i * 1000).toISOString().replace('Z', '000+00:00');
    const task = { id, subject: `seeded ${i}`, description: '', status: 'pending', priority: 'medium', owner: '', lockedBy: '',
      lockedAt: '', blocks: [], blockedBy: [], startedAt: '', createdAt: at, updatedAt: at, metadata: {} };
    writeFileSync(join(dir, `task-${id}.json`), JSON.stringify(task, null, 2));
  }
}

async function main() {
  const reason = postgresMissingReason();
  console.log('\nData folder vs PostgreSQL — one connection per process (processes stand in for machines), durable writes on both.');
  if (reason) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'lockstep-bench-backends-'));
  const cluster = await startCluster({ durable: true });
  try {
    const url = cluster.createDatabase('bench');
    const migrator = new PostgresStore({ url });
    await migrator.migrate();
    await migrator.close();
    const dataDir = join(scratch, 'data');
    // The claim --next team: the same 2,000 tasks in both (copied into the database).
    await seedNext(dataDir);
    await copyStore(dataDir, url);
    const stores = {
      folder: { location: dataDir, ...(await seed(openStore({ dataDir }))) },
      postgres: { location: url, ...(await seed(openStore({ url }))) },
    };
    console.log(`${DURATION_MS / 1000} s per figure; the folder and the database alternate, row by row, so drift on a shared machine hits both.\n`);
    console.log(`${''.padEnd(44)}${'data folder'.padEnd(40)}PostgreSQL`);
    const summary = {};
    for (const [label, mode] of [
      ['updates/s, one task', 'update'],
      [`claim attempts/s, ${K} tasks`, 'claim'],
      [`claim --next/s, ${NEXT_TASKS} tasks`, 'next'],
    ]) {
      for (const procs of [2, 8]) {
        const r = {};
        for (const backend of ['folder', 'postgres']) {
          const s = stores[backend];
          r[backend] = await race(mode, procs, s.location, scratch, mode === 'update' ? [s.hot] : mode === 'next' ? ['next'] : s.pool);
        }
        summary[`${mode}-${procs}`] = r;
        const cell = (x) => `${fmt(x.perSecond, 0).padStart(6)}/s p50 ${fmt(x.p50, 2).padStart(6)} p99 ${fmt(x.p99, 2).padStart(7)} ms`.padEnd(40);
        console.log(`${`${label}, ${procs} processes`.padEnd(44)}${cell(r.folder)}${cell(r.postgres)}`);
      }
    }
    const ratio = (k) => summary[k].postgres.perSecond / summary[k].folder.perSecond;
    console.log(
      `\nPostgreSQL / folder at 8 processes: updates of one task ${fmt(ratio('update-8'), 2)}x (target at least 1x), ` +
        `claim --next over ${NEXT_TASKS} tasks ${fmt(ratio('next-8'), 2)}x (target at least 2x), claim attempts over ${K} tasks ` +
        `${fmt(ratio('claim-8'), 2)}x; PostgreSQL p99 at 8: ${fmt(summary['update-8'].postgres.p99, 1)}, ${fmt(summary['next-8'].postgres.p99, 1)}, ` +
        `${fmt(summary['claim-8'].postgres.p99, 1)} ms (target under 50 ms). Refused claims (TASK_LOCKED) at 8: folder ` +
        `${summary['claim-8'].folder.refused}, PostgreSQL ${summary['claim-8'].postgres.refused}; claim --next finding nothing: ` +
        `folder ${summary['next-8'].folder.refused}, PostgreSQL ${summary['next-8'].postgres.refused}.`,
    );
    // Live updates: from the start of a change in one store to its notification in another's watch (LISTEN/NOTIFY).
    const watcher = new PostgresStore({ url });
    const writer = openStore({ url });
    let resolveNext = null;
    let ready;
    const connected = new Promise((r) => (ready = r));
    const stop = await watcher.watch(
      () => resolveNext?.(),
      (status) => status === 'connected' && ready(),
    );
    await connected;
    const delays = [];
    for (let i = 0; i < 100; i++) {
      const heard = new Promise((r) => (resolveNext = r));
      const t0 = performance.now();
      await writer.store.updateTask('bench', stores.postgres.hot, { metadata: { live: i } });
      await heard;
      delays.push(performance.now() - t0);
    }
    await stop();
    await watcher.close();
    await writer.close();
    delays.sort((a, b) => a - b);
    console.log(
      `Live update on PostgreSQL, from the start of a change to its notification in another connection (100 changes): ` +
        `p50 ${fmt(percentile(delays, 50), 2)} ms, p99 ${fmt(percentile(delays, 99), 2)} ms (the window must show it within 300 ms).`,
    );
  } finally {
    cluster.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench (backends) failed: ${err.message}`);
  process.exit(1);
});
