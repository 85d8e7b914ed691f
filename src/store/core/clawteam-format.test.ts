import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { parseJson, stringifyJson } from '../../shared/json';
import { parseTaskFileFast, taskFileSchema } from './clawteam-format';

/**
 * Every task file read goes through parseTaskFileFast first and through zod only when it declines. So for any file
 * it accepts it must give exactly zod's result (same keys, same order, same values), and it must decline every
 * file zod refuses (zod's message then says what is wrong). Checked on ClawTeam's own files and on each field of
 * them set to every kind of value, missing, null, or joined by unknown fields.
 */

const FIXTURE_TASKS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'clawteam-0.3', 'tasks');

function fixtureTasks(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const team of fs.readdirSync(FIXTURE_TASKS)) {
    const dir = path.join(FIXTURE_TASKS, team);
    for (const name of fs.readdirSync(dir).filter((n) => /^task-.*\.json$/.test(n))) {
      out.push(parseJson(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>);
    }
  }
  return out;
}

const MISSING = Symbol('missing');
const VALUES: unknown[] = [
  MISSING,
  null,
  '',
  'x',
  'pending',
  'completed',
  'high',
  0,
  true,
  [],
  ['a', 'b'],
  ['a', 1],
  [null],
  {},
  { a: 1, nested: { b: [1, 2] } },
  { '2': 'two', '1': 'one', z: 'zed' },
];

/** The same object with `key` set to `value` (or removed), keeping the other keys in their order. */
function withField(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(base)) if (k !== key) out[k] = v;
  if (value !== MISSING) out[key] = value;
  return out;
}

/** Keys in order and values, recursively: what "the same result" means. */
const exact = (v: unknown) => stringifyJson(v, 0);

function agreeWithZod(input: unknown): 'fast' | 'zod-only' {
  const fast = parseTaskFileFast(input);
  const zod = taskFileSchema.safeParse(input);
  if (!zod.success) {
    expect(fast, `accepted what zod refuses: ${stringifyJson(input, 0)}`).toBeUndefined();
    return 'zod-only';
  }
  if (fast === undefined) return 'zod-only';
  expect(exact(fast), stringifyJson(input, 0)).toBe(exact(zod.data));
  expect(Object.keys(fast)).toEqual(Object.keys(zod.data));
  // A new object: editing the result never edits what was parsed.
  expect(fast).not.toBe(input);
  if (input && typeof input === 'object' && 'metadata' in input && input.metadata && typeof input.metadata === 'object') {
    expect(fast.metadata).not.toBe(input.metadata);
  }
  return 'fast';
}

describe('reading a task file without zod for the usual case', () => {
  const tasks = fixtureTasks();

  it("gives zod's result for ClawTeam's own files, and takes the fast way for each", () => {
    expect(tasks.length).toBeGreaterThan(3);
    for (const task of tasks) expect(agreeWithZod(task)).toBe('fast');
  });

  it('agrees with zod on every field set to every kind of value, missing or null', () => {
    let fast = 0;
    let zodOnly = 0;
    for (const task of tasks) {
      for (const key of [...Object.keys(taskFileSchema.shape), 'extra', '10']) {
        for (const value of VALUES) {
          if (agreeWithZod(withField(task, key, value)) === 'fast') fast++;
          else zodOnly++;
        }
      }
    }
    // Both ways were taken many times: the comparison above really ran on each.
    expect(fast).toBeGreaterThan(100);
    expect(zodOnly).toBeGreaterThan(100);
  });

  it('leaves to zod what it cannot mirror exactly: a __proto__ key, a non-object', () => {
    const base = tasks[0];
    for (const input of [null, [], 'task', 5, parseJson('{"__proto__": {"x": 1}, "id": "a"}')]) {
      expect(parseTaskFileFast(input)).toBeUndefined();
    }
    const protoTop = parseJson(stringifyJson(base, 0).replace(/^\{/, '{"__proto__": 1, ')) as Record<string, unknown>;
    expect(parseTaskFileFast(protoTop)).toBeUndefined();
    agreeWithZod(protoTop);
    const protoMeta = withField(base, 'metadata', parseJson('{"__proto__": {"polluted": true}, "a": 1}'));
    expect(parseTaskFileFast(protoMeta)).toBeUndefined();
    agreeWithZod(protoMeta);
  });
});
