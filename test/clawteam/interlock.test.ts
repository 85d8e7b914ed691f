import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { Barrier, CLI, WORKER, copyFixture, readJson, runNode } from '../race/harness';
import { spawn } from 'child_process';
import { collect } from '../race/harness';

/** Lockstep and ClawTeam's own (Python, flock-based) writers sharing one team. */

const PY_WRITER = path.join(__dirname, 'clawteam_writer.py');

function runPython(args: string[]) {
  const child = spawn('python3', [PY_WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, done: collect(child) };
}

describe('4 Python ClawTeam writers and 4 Lockstep writers merging into one task', () => {
  it('keeps all 800 keys: Lockstep holds ClawTeam flock as well as its own lock', async () => {
    const dataDir = copyFixture();
    const barrier = new Barrier(dataDir);
    const racers = [
      ...Array.from({ length: 4 }, (_, i) =>
        runPython(['merge-meta', '--data-dir', dataDir, '--team', 'webapp', '--task', '087e245f', '--prefix', `py${i}-`, '--count', '100', '--barrier', barrier.file]),
      ),
      ...Array.from({ length: 4 }, (_, i) => runNode([WORKER, 'merge-meta', dataDir, 'webapp', '087e245f', `js${i}-`, '100'], barrier.env())),
    ];
    await barrier.release(8);
    const results = await Promise.all(racers.map((r) => r.done));
    for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
    const metadata = readJson(path.join(dataDir, 'tasks', 'webapp', 'task-087e245f.json')).metadata as Record<string, unknown>;
    for (const prefix of ['py0-', 'py1-', 'py2-', 'py3-', 'js0-', 'js1-', 'js2-', 'js3-']) {
      for (let i = 0; i < 100; i++) expect(metadata[`${prefix}${i}`], `${prefix}${i}`).toBe(i);
    }
    // ClawTeam's lock file is still the plain file it was.
    expect(fs.statSync(path.join(dataDir, 'tasks', 'webapp', '.tasks.lock')).isFile()).toBe(true);
  });
});

describe('Python and Lockstep claimers racing for the same tasks', () => {
  it('gives each task exactly one winner, and the file shows it', async () => {
    const dataDir = copyFixture();
    const store = new LockstepStore({ dataDir });
    for (let round = 0; round < 8; round++) {
      const task = await store.createTask('webapp', { subject: `contested across languages ${round}` });
      const barrier = new Barrier(dataDir);
      const racers = [
        ...['py-a', 'py-b'].map((agent) =>
          runPython(['claim', '--data-dir', dataDir, '--team', 'webapp', '--task', task.id, '--as', agent, '--barrier', barrier.file]),
        ),
        ...['js-a', 'js-b'].map((agent) =>
          runNode([CLI, 'task', 'claim', 'webapp', task.id, '--as', agent, '--json', '--data-dir', dataDir], barrier.env()),
        ),
      ];
      await barrier.release(4);
      const results = await Promise.all(racers.map((r) => r.done));
      const winners = results.map((r, i) => ({ r, agent: ['py-a', 'py-b', 'js-a', 'js-b'][i] })).filter(({ r }) => r.code === 0);
      expect(winners, results.map((r) => r.stdout + r.stderr).join('\n')).toHaveLength(1);
      for (const r of results) if (r.code !== 0) expect(r.code).toBe(3);
      const onDisk = readJson(path.join(dataDir, 'tasks', 'webapp', `task-${task.id}.json`));
      expect(onDisk.lockedBy).toBe(winners[0].agent);
      expect(onDisk.status).toBe('in_progress');
    }
  });
});

describe('a task written by ClawTeam round-trips through Lockstep', () => {
  it('keeps every field, unknown ones included, ClawTeam timestamps, and ignores ClawTeam temp files', async () => {
    const dataDir = copyFixture();
    const file = path.join(dataDir, 'tasks', 'webapp', 'task-087e245f.json');
    const original = readJson(file);
    fs.writeFileSync(file, JSON.stringify({ ...original, futureField: { nested: [1, 2] }, note: 'kept' }, null, 2));
    // A ClawTeam writer killed mid-save leaves these behind: readers must not see them as tasks.
    fs.writeFileSync(path.join(dataDir, 'tasks', 'webapp', 'task-087e245f-x1y2.tmp'), '{"id": "087e2');
    fs.writeFileSync(path.join(dataDir, 'tasks', 'webapp', 'tmpab12cd.tmp'), '');
    const store = new LockstepStore({ dataDir });
    await store.updateTask('webapp', '087e245f', { priority: 'high' });
    const rewritten = readJson(file);
    expect(rewritten.futureField).toEqual({ nested: [1, 2] });
    expect(rewritten.note).toBe('kept');
    expect(rewritten.metadata).toEqual({ labels: ['docs'] });
    expect(rewritten.createdAt).toBe(original.createdAt);
    expect(rewritten.updatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(Object.keys(rewritten).slice(0, 14)).toEqual(Object.keys(original));
    const listed = await store.listTasks('webapp');
    expect(listed.problems).toEqual([]);
    expect(listed.tasks.map((t) => t.id).sort()).toEqual(['087e245f', '797906f1', 'cb4e74bf', 'dd0eba2d', 'fdbd3860']);

    // ClawTeam rewrites it (dropping unknown top-level fields, keeping metadata, its own timestamp format)...
    const py = runPython(['merge-meta', '--data-dir', dataDir, '--team', 'webapp', '--task', '087e245f', '--prefix', 'ct-', '--count', '1']);
    expect((await py.done).code).toBe(0);
    // ...and Lockstep reads and claims it as usual.
    const claimed = await store.claimTask('webapp', '087e245f', { agent: 'lockstep-agent' });
    expect(claimed.metadata['ct-0']).toBe(0);
    expect(claimed.priority).toBe('high');
    expect(claimed.lockedBy).toBe('lockstep-agent');
  });
});
