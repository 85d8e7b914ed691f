'use strict';
// One benchmark process: runs MODE against the store for DURATION ms after the barrier, prints one JSON line.
const path = require('path');
const { LockstepStore } = require(path.join(__dirname, '..', 'dist', 'store', 'index.js'));
const { waitAtBarrier } = require(path.join(__dirname, '..', 'dist', 'store', 'core', 'failpoints.js'));

async function main() {
  const [mode, dataDir, team, durationMs, inflight, ...rest] = process.argv.slice(2);
  const journal = { enabled: process.env.BENCH_JOURNAL !== 'off' };
  const store = new LockstepStore({ dataDir, lock: { app: 'bench' }, journal });
  const latencies = [];
  let ops = 0;
  let refused = 0;
  const me = `bench-${process.pid}`;
  await waitAtBarrier();
  const end = Date.now() + Number(durationMs);
  async function loop(_, loopIndex) {
    const agent = `${me}-${loopIndex}`;
    let i = 0;
    while (Date.now() < end) {
      const t0 = process.hrtime.bigint();
      if (mode === 'update') {
        await store.updateTask(team, rest[0], { metadata: { [`${me}`]: i++ } });
      } else if (mode === 'update-grow') {
        // ClawTeam's race-test workload: a new metadata key per update, so the task grows as the run goes.
        await store.updateTask(team, rest[0], { metadata: { [`${me}-${loopIndex}-${i}`]: i++ } });
      } else if (mode === 'claim-next' || mode === 'claim-next-as') {
        // An agent polling `claim --next`, then handing the task back so the team keeps its size. claim-next-as:
        // as the member named rest[0] (every process the same member), else as a non-member.
        const who = mode === 'claim-next-as' ? rest[0] : agent;
        const task = await store.claimNextTask(team, { agent: who });
        if (task) {
          await store.releaseTask(team, task.id, { agent: who });
        } else refused++;
      } else if (mode === 'claim') {
        const id = rest[Math.floor(Math.random() * rest.length)];
        try {
          await store.claimTask(team, id, { agent });
          await store.releaseTask(team, id, { agent });
          ops++; // the release is a second locked mutation
        } catch (err) {
          if (err.code !== 'TASK_LOCKED') throw err;
          refused++;
        }
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      ops++;
    }
  }
  await Promise.all(Array.from({ length: Number(inflight) }, (_, i) => loop(_, i)));
  console.log(JSON.stringify({ ops, refused, latencies }));
}

main().catch((err) => {
  console.log(JSON.stringify({ error: err.message }));
  process.exit(1);
});
