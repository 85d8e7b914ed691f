import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { WORKER, copyFixture, readJson, runNode } from '../race/harness';

/** Lockstep's kernel-queued lock beside ClawTeam's writers, which block on flock(LOCK_EX). */

const PY = path.join(__dirname, 'clawteam_writer.py');

describe('a Lockstep writer beside two ClawTeam loops that block on the flock', () => {
  it('gets its turns: waits in the kernel queue with them instead of polling, so every write lands within the wait bound', async () => {
    const dataDir = copyFixture();
    const stopAt = path.join(dataDir, 'stop');
    // Two Python writers rewriting another task as fast as they can, for as long as the Lockstep writer works.
    const loops = [0, 1].map(() =>
      spawn('python3', [PY, 'bench-update', '--data-dir', dataDir, '--team', 'webapp', '--task', 'cb4e74bf', '--duration-ms', '60000', '--stop-file', stopAt], {
        stdio: 'ignore',
      }),
    );
    try {
      // 13 updates, each allowed to wait 5 s for the lock: a writer that polled while the Python writers block could
      // wait longer than that for a single turn (measured: up to 12 s) and fail with STORE_BUSY.
      const r = await runNode([WORKER, 'merge-meta', dataDir, 'webapp', '087e245f', 'beside-', '13'], {
        ...process.env,
        LOCKSTEP_TEST_ACQUIRE_MS: '5000',
      }).done;
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const metadata = readJson(path.join(dataDir, 'tasks', 'webapp', 'task-087e245f.json')).metadata as Record<string, unknown>;
      expect(Array.from({ length: 13 }, (_, i) => metadata[`beside-${i}`])).toEqual(Array.from({ length: 13 }, (_, i) => i));
    } finally {
      fs.writeFileSync(stopAt, '');
      await Promise.all(loops.map((p) => new Promise((resolve) => (p.exitCode !== null ? resolve(null) : p.on('close', resolve)))));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
