import { describe, expect, it } from 'vitest';
import { JsonProblem, LosslessNumber, parseJson, sameJson, stringifyJson } from './json';
import { LosslessParser } from './json-lossless';

/**
 * The fast paths (JSON.parse after a look at the places numbers can stand, JSON.stringify for plain data, sameJson)
 * must give exactly what the exact parser and printer give. Checked on hand-picked traps and on random documents
 * built from them.
 */

const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '1.0',
  '1.5',
  '0.1',
  '0.10',
  '1e5',
  '1E5',
  '1e-7',
  '12345678901234567891',
  '123456789012345',
  '9007199254740993',
  '0.14285714285714285',
  '-2.50',
  '100',
];
const STRINGS = [
  '',
  'x',
  '00:00:00.123456+00:00',
  '2026-01-01T12:30:45.5+00:00',
  'ratio: 1.0',
  'a, 1.0]',
  '[1e5',
  '\\"',
  'é ü 中',
  '\\u0041',
  ':-0',
];

function randomDoc(rnd: () => number, depth: number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const r = rnd();
  if (depth > 3 || r < 0.3) return pick(NUMBERS);
  if (r < 0.5) return JSON.stringify(pick(STRINGS).replace(/\\u0041/, 'A')).replace('A', '\\u0041');
  if (r < 0.55) return pick(['true', 'false', 'null']);
  const n = Math.floor(rnd() * 4);
  const ws = () => pick(['', ' ', '\n  ', '\t']);
  if (r < 0.75) return `[${ws()}${Array.from({ length: n }, () => randomDoc(rnd, depth + 1)).join(`,${ws()}`)}${ws()}]`;
  const keys = Array.from({ length: n }, (_, i) => JSON.stringify(pick(STRINGS) + i));
  return `{${ws()}${keys.map((k) => `${k}${ws()}:${ws()}${randomDoc(rnd, depth + 1)}`).join(`,${ws()}`)}${ws()}}`;
}

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

const exact = (text: string) => new LosslessParser(text).parseDocument();

describe('parseJson', () => {
  it('gives what the exact parser gives, number for number, on random documents', () => {
    const rnd = seeded(29);
    for (let i = 0; i < 3000; i++) {
      const text = randomDoc(rnd, 0);
      const fast = parseJson(text);
      expect(stringifyJson(fast, 0)).toBe(stringifyJson(exact(text), 0));
      expect(stringifyJson(fast, 2)).toBe(stringifyJson(exact(text), 2));
    }
  });

  it('keeps numbers JavaScript would change, even next to strings that look like numbers', () => {
    const value = parseJson('{"at": "12:00:00.10", "n": 1.0, "m": [1e5, -0, 12345678901234567891], "k": 7}') as Record<string, unknown>;
    expect(value.n).toBeInstanceOf(LosslessNumber);
    expect((value.m as unknown[]).map(String)).toEqual(['1e5', '-0', '12345678901234567891']);
    expect(value.k).toBe(7);
    expect(stringifyJson(value, 0)).toBe('{"at":"12:00:00.10","n":1.0,"m":[1e5,-0,12345678901234567891],"k":7}');
  });

  it('refuses nesting deeper than the limit, with the position, whichever path parsed it', () => {
    const deep = `${'['.repeat(65)}${']'.repeat(65)}`;
    expect(() => parseJson(deep)).toThrow(/nested deeper than 64 levels \(at line 1, column 65\)/);
    expect(() => parseJson(`${'['.repeat(65)}1.0${']'.repeat(65)}`)).toThrow(JsonProblem);
    expect(parseJson(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeInstanceOf(Array);
    expect(() => parseJson(`[${'['.repeat(200000)}`)).toThrow(/nested deeper/);
  });

  it('reports bad JSON with a line and column and without quoting it', () => {
    expect(() => parseJson('{"secret": "hunter2", }')).toThrow(/not valid JSON \(expected a key at line 1, column 23\)/);
    expect(() => parseJson('{"secret": "hunter2", }')).not.toThrow(/hunter2/);
    expect(() => parseJson('[00]')).toThrow(JsonProblem);
  });

  it('keeps a __proto__ key as data', () => {
    const value = parseJson('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('stringifyJson', () => {
  it('prints like JSON.stringify for plain data and keeps LosslessNumber text', () => {
    const plain = { a: [1, 'x', null, undefined, { b: true }], c: undefined, d: -0, e: NaN, f: 'é\u2028\ud800' };
    for (const indent of [0, 2]) expect(stringifyJson(plain, indent)).toBe(JSON.stringify(plain, null, indent));
    expect(stringifyJson({ n: new LosslessNumber('1.0'), d: new Date(0) }, 0)).toBe('{"n":1.0,"d":"1970-01-01T00:00:00.000Z"}');
    expect(stringifyJson(undefined)).toBe('null');
  });
});

describe('sameJson', () => {
  it('agrees with comparing JSON.stringify outputs', () => {
    const values: unknown[] = [
      1,
      -0,
      0,
      NaN,
      null,
      undefined,
      'a',
      true,
      [],
      {},
      [1, 2],
      [2, 1],
      { a: 1, b: 2 },
      { b: 2, a: 1 },
      { a: undefined },
      { a: [1, { c: 'x' }] },
      { a: [1, { c: 'y' }] },
      new LosslessNumber('1.0'),
      new LosslessNumber('1'),
      [1, undefined],
      [1],
    ];
    for (const x of values) {
      for (const y of values)
        expect(sameJson(x, y), `${String(JSON.stringify(x))} vs ${String(JSON.stringify(y))}`).toBe(
          JSON.stringify(x) === JSON.stringify(y),
        );
    }
  });
});
