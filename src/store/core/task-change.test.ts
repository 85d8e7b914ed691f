import { describe, expect, it } from 'vitest';
import type { Task } from '../../shared/domain';
import { LosslessNumber, stringifyJson } from '../../shared/json';
import { taskChange } from './task-change';
import type { LoadedTask } from './task-format';

/** taskChange (the journal's record of what a mutation changed) against the plain rule it implements. */

function reference(id: string, before: LoadedTask | null, after: LoadedTask | null) {
  const flat = (l: LoadedTask | null): Record<string, unknown> => {
    if (!l) return {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(l.task)) {
      if (k === 'metadata') for (const [mk, mv] of Object.entries(v as Record<string, unknown>)) out[`metadata.${mk}`] = mv;
      else out[k] = v;
    }
    return out;
  };
  const b = flat(before);
  const a = flat(after);
  const changedBefore: Record<string, unknown> = {};
  const changedAfter: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) === JSON.stringify(a[key])) continue;
    if (key in b) changedBefore[key] = b[key];
    if (key in a) changedAfter[key] = a[key];
  }
  if (before && after && Object.keys(changedBefore).length + Object.keys(changedAfter).length === 0) return null;
  return {
    id,
    before: before ? changedBefore : null,
    after: after ? changedAfter : null,
    versionBefore: before?.version ?? null,
    versionAfter: after?.version ?? null,
  };
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const META_VALUES: unknown[] = [1, 2, 'x', 'y', null, true, [1, 2], { a: 1 }, { a: 2 }, new LosslessNumber('1.0'), undefined];

function randomTask(rnd: () => number, version: string): LoadedTask {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const metadata: Record<string, unknown> = {};
  for (const key of ['a', 'b', 'c', 'd', '__proto__', 'lockstep'])
    if (rnd() < 0.6)
      Object.defineProperty(metadata, key, { value: pick(META_VALUES), enumerable: true, writable: true, configurable: true });
  const task = {
    id: 't1',
    subject: pick(['s', 't']),
    description: '',
    status: pick(['pending', 'in_progress']),
    priority: 'medium',
    owner: pick(['', 'm1']),
    lockedBy: '',
    lockedAt: '',
    blocks: pick([[], ['x'], ['x', 'y']]),
    blockedBy: [],
    startedAt: '',
    createdAt: '',
    updatedAt: pick(['1', '2']),
    metadata,
  } as unknown as Task;
  return { task, extra: {}, version, path: '/x/task-t1.json' };
}

describe('taskChange', () => {
  it('records the same changes, in the same order, as comparing every printed field', () => {
    const rnd = seeded(7);
    for (let i = 0; i < 3000; i++) {
      const before = rnd() < 0.1 ? null : randomTask(rnd, 'v1');
      const after = rnd() < 0.1 ? null : randomTask(rnd, 'v2');
      expect(stringifyJson(taskChange('t1', before, after), 0)).toBe(stringifyJson(reference('t1', before, after), 0));
    }
  });
});
