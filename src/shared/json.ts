/**
 * JSON as data, not trust: a parser that keeps every number exactly as written and refuses what would exhaust the
 * stack, and a printer that writes those numbers back unchanged.
 *
 * - A number whose text a JS number would print differently (`1.0`, `1e5`, `12345678901234567891`) is kept as a
 *   LosslessNumber holding its text; every other number is a plain JS number. Printing writes the text back, so a
 *   rewrite by Lockstep leaves ClawTeam's numbers byte for byte.
 * - Nesting deeper than `maxDepth` is refused before anything is built (a 200,000-deep array is a clear problem,
 *   not a stack overflow).
 * - Error messages give a line and column, never the bytes around them (the file may be somebody else's secret).
 * The common case costs what the native JSON.parse and JSON.stringify cost: a number JavaScript would change can only
 * follow `:`, `,` or `[`, so one regular-expression pass over those places decides whether the exact parser
 * (json-lossless.ts) is needed, and the nesting is checked on the parsed value. Printing is JSON.stringify unless
 * the value holds a LosslessNumber (or anything else JSON.stringify would print differently).
 */

import { JsonProblem, LosslessNumber, LosslessParser, lineCol, scan } from './json-lossless';

export { JsonProblem, LosslessNumber };

export const DEFAULT_MAX_DEPTH = 64;

/** A number as JS sees it: LosslessNumber → Number(text); anything else unchanged. */
export function numeric(value: unknown): unknown {
  return value instanceof LosslessNumber ? Number(value.text) : value;
}

/** A whole number from a number, a LosslessNumber or a string of digits (files written by others); else null. */
export function toSafeInteger(value: unknown): number | null {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (value instanceof LosslessNumber) n = Number(value.text);
  else if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) n = Number(value.trim());
  else return null;
  return Number.isSafeInteger(n) ? n : null;
}

/** Where a number can stand in JSON (after `:`, `,`, `[` or at the start), and the number's text. */
const NUMBER_PLACES = /(?:^|[:,[])\s*(-?\d[\d.eE+-]*)/g;

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Every number in the text prints back the same as a JS number. A candidate that is no JSON number (`00` of a
 * time inside a string) cannot be one: in valid JSON each number stands whole at such a place, and invalid JSON
 * fails JSON.parse. A candidate inside a string that looks like a changed number only costs the exact path.
 */
function numbersKeepTheirText(text: string): boolean {
  NUMBER_PLACES.lastIndex = 0;
  for (let m = NUMBER_PLACES.exec(text); m; m = NUMBER_PLACES.exec(text)) {
    const number = m[1];
    // A whole number of up to 15 characters prints back the same (`-0` and leading zeros aside): no conversion.
    if (number.length <= 15 && number !== '-0' && !/[.eE]/.test(number) && number.charCodeAt(number[0] === '-' ? 1 : 0) !== 48) continue;
    if (String(Number(number)) !== number && JSON_NUMBER.test(number)) return false;
  }
  return true;
}

/** Whether `value` nests deeper than `levels` (an object or array is one level). Recurses at most `levels` deep. */
function nestsDeeper(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestsDeeper(value[i], levels - 1)) return true;
  } else {
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) if (nestsDeeper((value as Record<string, unknown>)[keys[i]], levels - 1)) return true;
  }
  return false;
}

/** Parses JSON text; throws JsonProblem (with a line and column, no quoted bytes). */
export function parseJson(text: string, maxDepth = DEFAULT_MAX_DEPTH): unknown {
  if (numbersKeepTheirText(text)) {
    let value: unknown;
    let parsed = false;
    try {
      value = JSON.parse(text); // iterative in V8: deep nesting cannot overflow the stack here
      parsed = true;
    } catch {
      // Below: the exact path says where, without quoting the text.
    }
    if (parsed && !nestsDeeper(value, maxDepth)) return value;
  }
  const { tooDeep, lossy } = scan(text, maxDepth);
  if (tooDeep !== null) throw new JsonProblem(`nested deeper than ${maxDepth} levels (at ${lineCol(text, tooDeep)})`);
  if (!lossy) {
    try {
      return JSON.parse(text);
    } catch {
      // Fall through: our parser says where, without quoting the text.
    }
  }
  return new LosslessParser(text).parseDocument();
}

/**
 * JSON.stringify(value, null, indent) (indent 0: compact), except that LosslessNumbers print their text exactly.
 * Same output as JSON.stringify for everything else.
 */
export function stringifyJson(value: unknown, indent = 2): string {
  if (printsAsNative(value)) return JSON.stringify(value, null, indent) ?? 'null';
  return print(value, indent, '') ?? 'null';
}

/** Plain data only (plain objects, arrays, primitives but bigint; no LosslessNumber, no toJSON): JSON.stringify is exact. */
function printsAsNative(value: unknown): boolean {
  if (typeof value === 'bigint') return false;
  if (value === null || typeof value !== 'object') return true;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return false;
    for (const item of value) if (!printsAsNative(item)) return false;
    return true;
  }
  if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return false;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) if (!printsAsNative((value as Record<string, unknown>)[keys[i]])) return false;
  return true;
}

/**
 * JSON.stringify(a) === JSON.stringify(b) without building either string when the two have the same shape (the
 * usual case: a task's untouched metadata before and after a change).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const aProto = Object.getPrototypeOf(a);
    if (aProto === Object.getPrototypeOf(b) && (aProto === Object.prototype || aProto === Array.prototype)) {
      const aKeys = Object.keys(a);
      const bKeys = Object.keys(b);
      const sameLength = !Array.isArray(a) || a.length === (b as unknown[]).length;
      if (sameLength && aKeys.length === bKeys.length && !('toJSON' in a) && !('toJSON' in b)) {
        let same = true;
        for (let i = 0; i < aKeys.length && same; i++) {
          const key = aKeys[i];
          same = key === bKeys[i] && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
        }
        if (same) return true;
      }
    }
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function print(value: unknown, indent: number, current: string): string | undefined {
  if (value === null) return 'null';
  if (value instanceof LosslessNumber) return value.text;
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  const inner = indent ? current + ' '.repeat(indent) : '';
  const open = indent ? `\n${inner}` : '';
  const sep = indent ? `,\n${inner}` : ',';
  const close = indent ? `\n${current}` : '';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const items = value.map((v) => print(v, indent, inner) ?? 'null');
    return `[${open}${items.join(sep)}${close}]`;
  }
  const parts: string[] = [];
  for (const key of Object.keys(value as object)) {
    const v = print((value as Record<string, unknown>)[key], indent, inner);
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${indent ? ' ' : ''}${v}`);
  }
  if (parts.length === 0) return '{}';
  return `{${open}${parts.join(sep)}${close}}`;
}

/**
 * A deep copy of JSON data that keeps LosslessNumbers (structuredClone would turn them into plain objects). They
 * are immutable, so the copy shares them.
 */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof LosslessNumber) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as unknown as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object)) {
    const v = cloneJson((value as Record<string, unknown>)[key]);
    if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}

/**
 * The value with every LosslessNumber replaced by the nearest JS number, copying only the objects on the way to
 * one (shared objects are never changed). For boundaries that cannot carry the exact text (Electron IPC).
 */
export function toPlainNumbers<T>(value: T): T {
  if (value instanceof LosslessNumber) return Number(value.text) as unknown as T;
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | unknown[] | null = null;
  const source = value as unknown as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    const before = source[key];
    const after = toPlainNumbers(before);
    if (after !== before) {
      if (!copy) copy = Array.isArray(value) ? [...value] : { ...source };
      (copy as Record<string, unknown>)[key] = after;
    }
  }
  return (copy ?? value) as T;
}

/** The deepest nesting of a value (iterative: safe for any depth). */
export function depthOf(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object' || v instanceof LosslessNumber) continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) stack.push([child, depth]);
  }
  return max;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes → text, or JsonProblem when they are not UTF-8 (such a file is left alone: a rewrite would change it). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new JsonProblem('not UTF-8 text');
  }
}
