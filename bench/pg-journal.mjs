// The database side of a change's commit, without the store's JavaScript: 8 connections of one team, each running
// the statements a task change runs (team row FOR SHARE, task row FOR UPDATE, the task write, the journal entry,
// COMMIT), durable (fsync on). Two ways to journal, alternated in the same run:
//   head row  — schema 4: the team's journal-head row updated last, NOTIFY inside the transaction;
//   sequence  — schema 5: lockstep_journal_append (the team's sequence, no lock past the statement), NOTIFY right
//               after COMMIT in its own statement (sent in the same write).
// On different tasks (claims) and on one task (a hot task). Run alone: node bench/pg-journal.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresMissingReason, startCluster } from '../test/pg/cluster.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { PostgresStore } = require(join(here, '..', 'dist', 'store', 'index.js'));
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
const PROCS = 8;
const REPS = Number(process.env.BENCH_REPS ?? 3);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const reason = postgresMissingReason();
  if (reason) {
    console.log(`bench/pg-journal.mjs skipped: ${reason}`);
    return;
  }
  const cluster = await startCluster({ durable: true });
  try {
    const url = cluster.createDatabase('journal');
    const store = new PostgresStore({ url });
    await store.migrate();
    await store.createTeam({ name: 'bench' });
    const ids = [];
    for (let i = 0; i < PROCS; i++) ids.push((await store.createTask('bench', { subject: `task ${i}` })).id);
    await store.close();
    const clients = [];
    for (let i = 0; i < PROCS; i++) {
      const c = new Client({ connectionString: url });
      await c.connect();
      clients.push(c);
    }
    const admin = clients[0];
    const teamId = (await admin.query("SELECT id FROM lockstep_teams WHERE name = 'bench'")).rows[0].id;
    // Schema 4's head row, beside the real tables, for the "head row" way.
    await admin.query('CREATE TABLE bench_heads (team_id bigint PRIMARY KEY, seq bigint NOT NULL)');
    await admin.query('INSERT INTO bench_heads VALUES ($1, 1000000000)', [teamId]);
    const line = JSON.stringify({ seq: 0, at: 'now', actor: 'bench', via: 'bench', op: 'task.update', tasks: [] });

    const change = async (c, task, way, n) => {
      await c.query('BEGIN');
      await c.query('SELECT id FROM lockstep_teams WHERE id = $1 FOR SHARE', [teamId]);
      await c.query('SELECT raw FROM lockstep_tasks WHERE team_id = $1 AND id = $2 FOR UPDATE', [teamId, task]);
      await c.query("UPDATE lockstep_tasks SET metadata = jsonb_build_object('n', $3::int) WHERE team_id = $1 AND id = $2", [teamId, task, n]);
      if (way === 'head row') {
        await c.query(
          `WITH h AS (UPDATE bench_heads SET seq = seq + 1 WHERE team_id = $1 RETURNING seq),
                j AS (INSERT INTO lockstep_journal (team_id, seq, at, actor, via, op, task_ids, line)
                      SELECT $1, h.seq, 'now', 'bench', 'bench', 'task.update', ARRAY[$2::text], $3 FROM h RETURNING seq)
           SELECT pg_notify('lockstep_changes', json_build_object('team', 'bench', 'seq', j.seq)::text) FROM j`,
          [teamId, task, line],
        );
        await c.query('COMMIT');
      } else {
        const opId = `${process.pid}-${task}-${n}-${Math.random()}`;
        await c.query("SELECT lockstep_journal_append($1, 'now', 'bench', 'bench', 'task.update', ARRAY[$2::text], $3, $4)", [
          teamId,
          task,
          line,
          opId,
        ]);
        const commit = c.query('COMMIT');
        const announce = c.query(
          "SELECT pg_notify('lockstep_changes', json_build_object('team', 'bench', 'seq', seq)::text) FROM lockstep_journal WHERE op_id = $1",
          [opId],
        );
        await Promise.all([commit, announce]);
      }
    };

    const race = async (way, hot) => {
      const latencies = [];
      const end = Date.now() + DURATION_MS;
      const t0 = Date.now();
      await Promise.all(
        clients.map(async (c, i) => {
          for (let n = 0; Date.now() < end; n++) {
            const s = performance.now();
            await change(c, hot ? ids[0] : ids[i], way, n);
            latencies.push(performance.now() - s);
          }
        }),
      );
      latencies.sort((a, b) => a - b);
      return { perSecond: latencies.length / ((Date.now() - t0) / 1000), p99: percentile(latencies, 99) };
    };

    console.log(`\nOne team's commits on PostgreSQL, ${PROCS} connections, fsync on, ${DURATION_MS / 1000} s a figure, ${REPS} alternating rounds:`);
    for (const hot of [false, true]) {
      const rows = { 'head row': [], sequence: [] };
      for (let rep = 0; rep < REPS; rep++) for (const way of Object.keys(rows)) rows[way].push(await race(way, hot));
      for (const [way, runs] of Object.entries(rows)) {
        console.log(
          `${(hot ? 'one task' : 'different tasks').padEnd(16)} ${way.padEnd(9)} ` +
            `${runs.map((r) => `${r.perSecond.toFixed(0).padStart(5)}/s p99 ${r.p99.toFixed(1).padStart(6)} ms`).join('   ')}`,
        );
      }
    }
    for (const c of clients) await c.end();
  } finally {
    cluster.stop();
  }
}

main().catch((err) => {
  console.error(`bench (pg-journal) failed: ${err.message}`);
  process.exit(1);
});
