import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Barrier, CLI, WORKER, runNode } from './harness';
import { backendsHere, sql, type Backend } from './backends';

function raceSuite(backend: Backend): void {
describe('two processes racing to claim one task (the seed regression)', () => {
  it('lets exactly one win, refuses the other with TASK_LOCKED naming the winner, and the file shows the winner', async () => {
    const dataDir = await backend.fixture();
    const opened = backend.open(dataDir);
    const store = opened.store;
    // Ten rounds; in each, one racer holds the team lock 150 ms between reading and saving (alternating which),
    // the window in which the seed's unlocked read-modify-write lost the other claim.
    for (let round = 0; round < 10; round++) {
      const task = await store.createTask('webapp', { subject: `contested ${round}` });
      const barrier = new Barrier(backend.scratch(dataDir));
      const racers = ['alpha', 'beta'].map((agent, i) =>
        runNode(
          [CLI, 'task', 'claim', 'webapp', task.id, '--as', agent, '--json', ...backend.storeArgs(dataDir)],
          barrier.env(i === round % 2 ? { LOCKSTEP_FAILPOINT_DELAY_BEFORE_SAVE_MS: '150' } : {}),
        ),
      );
      await barrier.release(2);
      const results = await Promise.all(racers.map((r) => r.done));
      const winners = results.filter((r) => r.code === 0);
      const losers = results.filter((r) => r.code !== 0);
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(1);
      expect(losers[0].code).toBe(3);
      const winner = JSON.parse(winners[0].stdout).lockedBy as string;
      const loserError = JSON.parse(losers[0].stdout).error;
      expect(loserError.code).toBe('TASK_LOCKED');
      expect(loserError.details.holder).toBe(winner);
      expect(loserError.message).toContain(winner);
      const onDisk = await backend.readTask(dataDir, 'webapp', task.id);
      expect(onDisk.lockedBy).toBe(winner);
      expect(onDisk.status).toBe('in_progress');
    }
    await opened.close();
  });
});

describe('8 processes racing claim-next over 200 tasks', () => {
  it('claims every task exactly once and no process gets a task another got', async () => {
    const dataDir = await backend.empty();
    const opened = backend.open(dataDir);
    const store = opened.store;
    await store.createTeam({ name: 'swarm' });
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) ids.add((await store.createTask('swarm', { subject: `job ${i}`, priority: (['low', 'medium', 'high', 'urgent'] as const)[i % 4] })).id);
    await opened.close();
    const barrier = new Barrier(backend.scratch(dataDir));
    const workers = Array.from({ length: 8 }, (_, i) => runNode([WORKER, 'claim-next', dataDir, 'swarm', `agent-${i}`], barrier.env()));
    await barrier.release(8);
    const results = await Promise.all(workers.map((w) => w.done));
    const got = results.map((r) => {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').pop() as string).got as string[];
    });
    const all = got.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(ids);
    // Each task's file names the process that reported claiming it.
    for (let i = 0; i < 8; i++) {
      for (const id of got[i]) {
        const onDisk = await backend.readTask(dataDir, 'swarm', id);
        expect(onDisk.lockedBy).toBe(`agent-${i}`);
        expect(onDisk.status).toBe('in_progress');
      }
    }
    // More than one process did real work, or this was not a race.
    expect(got.filter((g) => g.length > 0).length).toBeGreaterThan(1);
  });
});

describe('8 processes merging metadata into one task (lost updates)', () => {
  it('keeps all 800 keys', async () => {
    const dataDir = await backend.fixture();
    const barrier = new Barrier(backend.scratch(dataDir));
    const workers = Array.from({ length: 8 }, (_, i) =>
      runNode([WORKER, 'merge-meta', dataDir, 'webapp', '087e245f', `w${i}-`, '100'], barrier.env()),
    );
    await barrier.release(8);
    const results = await Promise.all(workers.map((w) => w.done));
    for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
    const onDisk = await backend.readTask(dataDir, 'webapp', '087e245f');
    const metadata = onDisk.metadata as Record<string, unknown>;
    for (let w = 0; w < 8; w++) for (let i = 0; i < 100; i++) expect(metadata[`w${w}-${i}`]).toBe(i);
    expect(metadata.labels).toEqual(['docs']); // what was there before survives too

    // The journal has exactly one line per update, numbered 1..800, and each line starts from the version the
    // previous one left: the chain proves every read-modify-write ran alone, in lock order.
    const lines = await backend.journal(dataDir, 'webapp');
    expect(lines).toHaveLength(800);
    let previousVersion: string | null = null;
    lines.forEach((entry, i) => {
      expect(entry.seq).toBe(i + 1);
      expect(entry.op).toBe('task.update');
      expect(entry.tasks).toHaveLength(1);
      if (previousVersion) expect(entry.tasks[0].versionBefore).toBe(previousVersion);
      previousVersion = entry.tasks[0].versionAfter;
    });
    const opened = backend.open(dataDir);
    const finalVersion = (await opened.store.getTask('webapp', '087e245f')).version;
    await opened.close();
    expect(previousVersion).toBe(finalVersion);
  });
});

describe('a writer SIGKILLed at random points, 50 times', () => {
  it('never leaves a torn file, and the team lock is recovered after its stale time', async () => {
    const dataDir = await backend.fixture();
    const staleMs = 2000;
    const ids = ['087e245f', '797906f1', 'cb4e74bf'];
    const folder = backend.name === 'folder';
    let killedInsideLock = 0;
    for (let round = 0; round < 50; round++) {
      // On the database, each save pauses 5 ms before COMMIT (locks held), and the kill waits until the server
      // shows the writer inside a transaction: every kill lands mid-transaction.
      const writer = runNode([WORKER, 'rewrite-loop', dataDir, 'webapp', ...ids], {
        ...process.env,
        LOCKSTEP_TEST_STALE_MS: String(staleMs),
        ...(folder ? {} : { LOCKSTEP_FAILPOINT_DELAY_BEFORE_SAVE_MS: '5' }),
      });
      // Wait until this writer made progress: it had to take the lock the previous one may have left behind.
      await new Promise<void>((resolve, reject) => {
        writer.child.stdout?.on('data', (d: Buffer) => d.toString().includes('progress') && resolve());
        void writer.done.then((f) => reject(new Error(`writer exited early: ${f.stdout}${f.stderr}`)));
      });
      if (folder) {
        await new Promise((r) => setTimeout(r, Math.random() * 40));
      } else {
        await new Promise((r) => setTimeout(r, Math.random() * 20));
        while ((await sql(dataDir, "SELECT 1 FROM pg_stat_activity WHERE application_name = 'lockstep' AND state = 'idle in transaction'")).length === 0);
      }
      writer.child.kill('SIGKILL');
      await writer.done;
      if (folder ? fs.existsSync(path.join(dataDir, 'tasks', 'webapp', '.lockstep', 'write.lock')) : true) killedInsideLock++;
      for (const id of ids) {
        // Every file parses and holds one whole state: subject and metadata.n were written together.
        const task = await backend.readTask(dataDir, 'webapp', id);
        const n = (task.metadata as { n?: number }).n;
        if (n === undefined) expect(task.subject).not.toMatch(/^version /);
        else expect(task.subject).toBe(`version ${n}`);
        expect(task.id).toBe(id);
      }
    }
    // After the last kill, a fresh writer still gets through (after the stale time if the lock was left).
    const opened = backend.open(dataDir, { staleMs });
    const store = opened.store;
    const after = await store.updateTask('webapp', ids[0], { metadata: { after: true } });
    expect(after.metadata.after).toBe(true);
    const listed = await store.listTasks('webapp');
    expect(listed.problems).toEqual([]);
    expect(listed.tasks).toHaveLength(5);
    // The journal survived the kills: torn last lines are skipped, numbering stays strictly increasing.
    const seqs = (await store.history('webapp')).map((e) => e.seq);
    expect(seqs.length).toBeGreaterThan(50);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
    await opened.close();
    // Killing inside the lock must actually have happened for the recovery claim to mean anything.
    console.log(`crash test (${backend.name}): ${killedInsideLock} of 50 kills left the team lock behind or landed mid-transaction`);
    expect(killedInsideLock).toBeGreaterThan(0);
  });
});
}

/** The folder's own lock: a writer whose lock was taken over as stale. */
function folderOnlySuite(backend: Backend): void {
describe('a writer whose lock was taken over as stale', () => {
  it('fails its operation with LOCK_COMPROMISED instead of saving, and its process does not crash', async () => {
    const dataDir = await backend.fixture();
    const lockDir = path.join(dataDir, 'tasks', 'webapp', '.lockstep', 'write.lock');
    const env = { ...process.env, LOCKSTEP_TEST_STALE_MS: '2000' };
    // The slow writer holds the lock 4.5 s between reading and saving, its event loop blocked (so proper-lockfile
    // cannot refresh the lock): past the 2 s stale time another writer takes it over.
    const slow = runNode([WORKER, 'merge-meta', dataDir, 'webapp', '087e245f', 'slow-', '1'], {
      ...env,
      LOCKSTEP_FAILPOINT_DELAY_BEFORE_SAVE_MS: '4500',
    });
    while (!fs.existsSync(lockDir)) await new Promise((r) => setTimeout(r, 5));
    const fast = runNode([WORKER, 'merge-meta', dataDir, 'webapp', '087e245f', 'fast-', '1'], env);
    const [slowResult, fastResult] = await Promise.all([slow.done, fast.done]);
    expect(fastResult.code, fastResult.stdout + fastResult.stderr).toBe(0);
    expect(slowResult.code).toBe(1); // the worker reports the error and exits normally: no crash, no signal
    expect(slowResult.signal).toBeNull();
    expect(JSON.parse(slowResult.stdout.trim()).code).toBe('LOCK_COMPROMISED');
    const metadata = (await backend.readTask(dataDir, 'webapp', '087e245f')).metadata as Record<string, unknown>;
    expect(metadata['fast-0']).toBe(0);
    expect(metadata['slow-0']).toBeUndefined();
  });
});
}

/** Connections cut by the server (pg_terminate_backend) while processes write: nothing lost, nothing half-applied. */
function databaseOnlySuite(backend: Backend): void {
  const inTransaction = async (url: string, except: number[] = []): Promise<number> => {
    for (;;) {
      const rows = await sql(url, "SELECT pid FROM pg_stat_activity WHERE application_name = 'lockstep' AND state = 'idle in transaction'");
      const pid = rows.map((r) => r.pid as number).find((p) => !except.includes(p));
      if (pid !== undefined) return pid;
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  describe('a writer whose connection is cut mid-transaction', () => {
    it('applies its change exactly once on a new connection, and nobody ever sees half of it', async () => {
      const url = await backend.fixture();
      // Completing dd0eba2d changes three rows in one transaction: it, and the two tasks that wait for it.
      const slow = runNode([WORKER, 'complete', url, 'webapp', 'dd0eba2d', 'backend'], { ...process.env, LOCKSTEP_FAILPOINT_DELAY_BEFORE_SAVE_MS: '1500' });
      const pid = await inTransaction(url);
      // Its rows are written (not committed) and it waits before COMMIT: cut it now.
      expect((await sql(url, 'SELECT pg_terminate_backend($1) AS ok', [pid]))[0].ok).toBe(true);
      const seen = await Promise.all(['dd0eba2d', '797906f1', 'cb4e74bf'].map((id) => backend.readTask(url, 'webapp', id)));
      expect(seen.map((t) => t.status)).toEqual(['in_progress', 'blocked', 'blocked']);
      expect(seen[1].blockedBy).toEqual(['dd0eba2d']);
      // It comes back on a new connection (a new server process) and commits.
      const again = await inTransaction(url, [pid]);
      expect(again).not.toBe(pid);
      const result = await slow.done;
      expect(result.code, result.stdout + result.stderr).toBe(0);
      const after = await Promise.all(['dd0eba2d', '797906f1', 'cb4e74bf'].map((id) => backend.readTask(url, 'webapp', id)));
      expect(after.map((t) => t.status)).toEqual(['completed', 'pending', 'blocked']);
      expect(after[1].blockedBy).toEqual([]);
      expect(after[2].blockedBy).toEqual(['797906f1']);
      const completes = (await backend.journal(url, 'webapp')).filter((e) => e.op === 'task.complete');
      expect(completes).toHaveLength(1);
      expect(completes[0].tasks.map((t: { id: string }) => t.id).sort()).toEqual(['797906f1', 'cb4e74bf', 'dd0eba2d']);
    });

    it('a COMMIT whose reply never arrives is found committed on reconnect, and applied once', async () => {
      const url = await backend.fixture();
      // Failpoint: every mutation's first COMMIT succeeds but the writer is told its connection dropped.
      const env = { ...process.env, LOCKSTEP_FAILPOINT_PG_LOSE_COMMIT_REPLY: '1' };
      const merged = await runNode([WORKER, 'merge-meta', url, 'webapp', '087e245f', 'lost-', '10'], env).done;
      expect(merged.code, merged.stdout + merged.stderr).toBe(0);
      const claimed = await runNode([WORKER, 'claim-next', url, 'webapp', 'solo'], env).done;
      expect(claimed.code, claimed.stdout + claimed.stderr).toBe(0);
      expect(JSON.parse(claimed.stdout.trim()).got).toEqual(['087e245f']); // the claim it made, not a second one
      const metadata = (await backend.readTask(url, 'webapp', '087e245f')).metadata as Record<string, unknown>;
      for (let i = 0; i < 10; i++) expect(metadata[`lost-${i}`]).toBe(i);
      const entries = await backend.journal(url, 'webapp');
      expect(entries.map((e) => e.op)).toEqual([...Array(10).fill('task.update'), 'task.claim-next', 'task.claim-next']);
      expect(entries.at(-2)?.tasks.map((t: { id: string }) => t.id)).toEqual(['087e245f']);
    });

    it('8 processes merging into one task while the server cuts connections 20 times: every update once, in one chain', async () => {
      const url = await backend.fixture();
      const barrier = new Barrier(backend.scratch(url));
      const workers = Array.from({ length: 8 }, (_, i) => runNode([WORKER, 'merge-meta', url, 'webapp', '087e245f', `w${i}-`, '50'], barrier.env()));
      await barrier.release(8);
      let cut = 0;
      const running = Promise.all(workers.map((w) => w.done));
      let finished = false;
      void running.then(() => (finished = true));
      while (!finished && cut < 20) {
        const rows = await sql(url, "SELECT pid FROM pg_stat_activity WHERE application_name = 'lockstep' AND state <> 'idle' ORDER BY random() LIMIT 1");
        if (rows.length) {
          await sql(url, 'SELECT pg_terminate_backend($1)', [rows[0].pid]);
          cut++;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      const results = await running;
      for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
      console.log(`connection cuts during the merge: ${cut}`);
      expect(cut).toBeGreaterThan(0);
      const metadata = (await backend.readTask(url, 'webapp', '087e245f')).metadata as Record<string, unknown>;
      for (let w = 0; w < 8; w++) for (let i = 0; i < 50; i++) expect(metadata[`w${w}-${i}`]).toBe(i);
      const entries = await backend.journal(url, 'webapp');
      expect(entries).toHaveLength(400);
      let previous: string | null = null;
      // Numbers increase; one may be skipped: a connection cut after its transaction took a number from the team's
      // journal sequence, before COMMIT, leaves that number unused (migration 5).
      entries.forEach((entry, i) => {
        if (i > 0) expect(entry.seq).toBeGreaterThan(entries[i - 1].seq);
        if (previous) expect(entry.tasks[0].versionBefore).toBe(previous);
        previous = entry.tasks[0].versionAfter;
      });
    });
  });
}

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    raceSuite(backend);
    if (backend.name === 'folder') folderOnlySuite(backend);
    else databaseOnlySuite(backend);
  });
}
