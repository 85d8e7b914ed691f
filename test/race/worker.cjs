'use strict';
// A racing writer process for the process-level tests. It uses the compiled store, exactly as the CLI does.
// Usage: node worker.cjs MODE STORE TEAM ...   (see the cases below). STORE is a data folder or a postgres:// URL.
// Prints one JSON line when done.
const path = require('path');
const { openStore, isDatabaseUrl } = require(path.join(__dirname, '..', '..', 'dist', 'store', 'index.js'));
const { waitAtBarrier } = require(path.join(__dirname, '..', '..', 'dist', 'store', 'core', 'failpoints.js'));

async function main() {
  const [mode, location, team, ...rest] = process.argv.slice(2);
  const staleMs = Number(process.env.LOCKSTEP_TEST_STALE_MS || 10000);
  const acquireTimeoutMs = Number(process.env.LOCKSTEP_TEST_ACQUIRE_MS || 60000);
  // Each process holds its own connection, as a machine of its own would.
  const opened = isDatabaseUrl(location)
    ? openStore({ url: location, poolSize: 1 })
    : openStore({ dataDir: location, lock: { staleMs, acquireTimeoutMs, app: `race-${mode}` } });
  const store = opened.store;
  try {
    await run(store, mode, team, rest);
  } finally {
    await opened.close();
  }
}

async function run(store, mode, team, rest) {
  await waitAtBarrier();
  if (mode === 'merge-meta') {
    // Sequential read-modify-writes of one task, each adding a distinct metadata key.
    const [taskId, prefix, count] = rest;
    for (let i = 0; i < Number(count); i++) {
      await store.updateTask(team, taskId, { metadata: { [`${prefix}${i}`]: i } });
    }
    console.log(JSON.stringify({ ok: true }));
  } else if (mode === 'merge-meta-report') {
    // merge-meta that says each update it finished (`done KEY`), once updateTask resolved: what it reported saved.
    const [taskId, prefix, count] = rest;
    for (let i = 0; i < Number(count); i++) {
      const key = `${prefix}${i}`;
      await store.updateTask(team, taskId, { metadata: { [key]: i } });
      process.stdout.write(`done ${key}\n`);
    }
    console.log(JSON.stringify({ ok: true }));
  } else if (mode === 'update-for') {
    // Updates one task for MS milliseconds, each time setting this process's key to its count; reports the count.
    const [taskId, key, ms] = rest;
    const end = Date.now() + Number(ms);
    let done = 0;
    while (Date.now() < end) {
      await store.updateTask(team, taskId, { metadata: { [key]: done + 1 } });
      done++;
    }
    console.log(JSON.stringify({ ok: true, done }));
  } else if (mode === 'claim-next-once') {
    const [agent] = rest;
    const task = await store.claimNextTask(team, { agent });
    console.log(JSON.stringify({ ok: true, got: task ? task.id : null }));
  } else if (mode === 'claim-next') {
    // Claims until nothing is left; reports every task it got.
    const [agent] = rest;
    const got = [];
    for (;;) {
      const task = await store.claimNextTask(team, { agent });
      if (!task) break;
      got.push(task.id);
    }
    console.log(JSON.stringify({ ok: true, got }));
  } else if (mode === 'rewrite-loop') {
    // Rewrites the given tasks forever (until killed): subject and metadata.n always change together.
    const ids = rest;
    for (let n = 1; ; n++) {
      for (const id of ids) await store.updateTask(team, id, { subject: `version ${n}`, metadata: { n } });
      if (n === 1) process.stdout.write('progress\n');
    }
  } else if (mode === 'claim-complete') {
    // An agent's loop: claim the next task, complete it, until nothing is left. Reports what it claimed.
    const [agent] = rest;
    const got = [];
    for (;;) {
      const task = await store.claimNextTask(team, { agent });
      if (!task) break;
      got.push(task.id);
      await store.completeTask(team, task.id, { agent });
    }
    console.log(JSON.stringify({ ok: true, got }));
  } else if (mode === 'complete') {
    // Completes one task (its dependents are resolved in the same transaction).
    const [taskId, agent] = rest;
    const task = await store.completeTask(team, taskId, { agent, force: true, reason: 'test' });
    console.log(JSON.stringify({ ok: true, status: task.status }));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((err) => {
  console.log(JSON.stringify({ ok: false, code: err.code, message: err.message }));
  process.exit(1);
});
