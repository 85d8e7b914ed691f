'use strict';
// One process of bench/backends.mjs: runs MODE against a store (data folder or postgres:// URL) for DURATION ms after
// the barrier, one call in flight, and prints one JSON line: calls made, claims refused, each call's latency in ms.
const path = require('path');
const { openStore, isDatabaseUrl } = require(path.join(__dirname, '..', 'dist', 'store', 'index.js'));
const { waitAtBarrier } = require(path.join(__dirname, '..', 'dist', 'store', 'core', 'failpoints.js'));

async function main() {
  const [mode, location, defaultTeam, durationMs, ...ids] = process.argv.slice(2);
  const team = mode === 'next' ? ids[0] : defaultTeam; // next: the team to claim from instead of task ids
  const opened = isDatabaseUrl(location) ? openStore({ url: location, poolSize: 1 }) : openStore({ dataDir: location, lock: { app: 'bench' } });
  const store = opened.store;
  const me = `bench-${process.pid}`;
  const latencies = [];
  let calls = 0;
  let refused = 0;
  // Connect (and check the schema) and make one call of the kind raced before the start, as a long-running agent
  // would have: the first call of a process compiles its code, a cost paid once, not per call.
  if (mode !== 'next') await store.getTask(team, ids[0]);
  if (mode === 'update') await store.updateTask(team, ids[0], { metadata: { [me]: -1 } });
  else if (mode === 'next') {
    const task = await store.claimNextTask(team, { agent: me });
    if (task) await store.releaseTask(team, task.id, { agent: me });
  } else {
    const id = ids[process.pid % ids.length];
    try {
      await store.claimTask(team, id, { agent: me });
      await store.releaseTask(team, id, { agent: me });
    } catch (err) {
      if (err.code !== 'TASK_LOCKED') throw err;
    }
  }
  await waitAtBarrier();
  const end = Date.now() + Number(durationMs);
  for (let i = 0; Date.now() < end; i++) {
    const t0 = process.hrtime.bigint();
    if (mode === 'update') {
      await store.updateTask(team, ids[0], { metadata: { [me]: i } });
    } else if (mode === 'next') {
      // An agent polling `claim --next`, then handing the task back so the team keeps its size (as bench/worker.cjs).
      const task = await store.claimNextTask(team, { agent: me });
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      calls++;
      if (task) await store.releaseTask(team, task.id, { agent: me });
      else refused++;
      continue;
    } else {
      const id = ids[Math.floor(Math.random() * ids.length)];
      try {
        await store.claimTask(team, id, { agent: me });
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        calls++;
        await store.releaseTask(team, id, { agent: me });
        continue;
      } catch (err) {
        if (err.code !== 'TASK_LOCKED') throw err;
        refused++;
      }
    }
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    calls++;
  }
  await opened.close();
  console.log(JSON.stringify({ calls, refused, latencies }));
}

main().catch((err) => {
  console.log(JSON.stringify({ error: `${err.code ?? ''} ${err.message}` }));
  process.exit(1);
});
