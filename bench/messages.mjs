// `npm run bench` (messages): team messages delivered/s and received/s with 4 senders and 4 receivers racing on
// ClawTeam's inbox files, Lockstep (fsync on, exactly-once receive) beside ClawTeam's own protocol (the standard
// library Python peer of test/clawteam, no fsync) measured in the same run, and the same Lockstep workers on a
// PostgreSQL database (a throwaway durable cluster; skipped, saying why, without one). Also checks nothing was lost
// or doubled.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { LockstepStore, PostgresStore } = require(join(here, '..', 'dist', 'store', 'index.js'));
const { postgresMissingReason, startCluster } = await import('../test/pg/cluster.mjs');
const SECONDS = Number(process.env.BENCH_DURATION_MS ?? 4000) / 1000;
const PY = join(here, '..', 'test', 'clawteam', 'clawteam_inbox.py');
const WORKER = join(here, 'messages-worker.cjs');

function run(cmd, args, env) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve({ ...JSON.parse(out), endedAt: Date.now() }) : reject(new Error(`${cmd} failed: ${out}`)))),
  );
}

/** side: 'lockstep' | 'clawteam' | 'postgres'; shared: all receivers on one inbox, else one inbox each. */
async function scenario(side, shared) {
  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-msg-bench-'));
  let db = null;
  try {
    const receivers = ['r0', 'r1', 'r2', 'r3'];
    const team = { name: 'bench', members: [...receivers, 's0', 's1', 's2', 's3'].map((name) => ({ name })) };
    if (side === 'postgres') {
      db = new PostgresStore({ url: cluster.createDatabase() });
      await db.migrate();
      await db.createTeam(team);
    } else {
      await new LockstepStore({ dataDir }).createTeam(team);
    }
    const where = db ? db.url : dataDir;
    const barrier = join(dataDir, 'barrier');
    const until = join(dataDir, 'senders-done');
    const env = { LOCKSTEP_FAILPOINT_BARRIER: barrier };
    const targets = shared ? ['r0'] : receivers;
    const inboxOf = (i) => (shared ? 'r0' : receivers[i]);
    const senders = [0, 1, 2, 3].map((i) =>
      side !== 'clawteam'
        ? run(process.execPath, [WORKER, 'send', where, 'bench', `s${i}`, targets.join(','), String(SECONDS)], env)
        : run('python3', [PY, 'send', '--data-dir', dataDir, '--team', 'bench', '--from', `s${i}`, '--to', targets.join(','), '--content', `s${i}-`, '--seconds', String(SECONDS), '--barrier', barrier]),
    );
    const receiving = [0, 1, 2, 3].map((i) =>
      side !== 'clawteam'
        ? run(process.execPath, [WORKER, 'drain', where, 'bench', inboxOf(i), until], env)
        : run('python3', [PY, 'receive', '--data-dir', dataDir, '--team', 'bench', '--inbox', inboxOf(i), '--until-file', until, '--barrier', barrier]),
    );
    while (readdirSync(dataDir).filter((n) => n.startsWith('barrier.ready.')).length < 8) await new Promise((r) => setTimeout(r, 5));
    const t0 = Date.now();
    writeFileSync(barrier, '');
    const sent = await Promise.all(senders);
    const sendSeconds = (Math.max(...sent.map((s) => s.endedAt)) - t0) / 1000;
    writeFileSync(until, '');
    const got = await Promise.all(receiving);
    const receiveSeconds = (Math.max(...got.map((g) => g.endedAt)) - t0) / 1000;
    const total = sent.reduce((s, r) => s + r.count, 0);
    const seen = new Map();
    for (const g of got) for (const id of g.ids ?? g.messages.map((m) => m.content)) seen.set(id, (seen.get(id) ?? 0) + 1);
    const received = [...seen.values()].reduce((a, b) => a + b, 0);
    const doubled = [...seen.values()].filter((n) => n > 1).length;
    return { total, delivered: total / sendSeconds, received: received / receiveSeconds, lost: total - seen.size, doubled };
  } finally {
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US').padStart(6);

console.log(`\nTeam messages: 4 senders + 4 receivers at once for ${SECONDS} s (messages/s; received/s = all received by the time the last receiver is done)`);
console.log('                                           delivered/s  received/s  messages  lost  read twice');
const missing = postgresMissingReason();
const cluster = missing ? null : await startCluster({ durable: true });
const LABELS = { lockstep: 'Lockstep (fsync, exactly-once)', clawteam: 'ClawTeam protocol (Python, reference)', postgres: 'Lockstep on PostgreSQL (durable)' };
try {
  for (const shared of [false, true]) {
    for (const side of ['lockstep', 'clawteam', 'postgres']) {
      if (side === 'postgres' && !cluster) {
        console.log(`${LABELS.postgres}: skipped (${missing})`);
        continue;
      }
      const r = await scenario(side, shared);
      const label = `${LABELS[side]}${shared ? ', one shared inbox' : ', own inboxes'}`;
      console.log(`${label.padEnd(50)} ${fmt(r.delivered)}      ${fmt(r.received)}    ${String(r.total).padStart(6)}  ${String(r.lost).padStart(4)}  ${String(r.doubled).padStart(10)}`);
    }
  }
} finally {
  cluster?.stop();
}
