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
 * The common case (no such numbers) uses the native JSON.parse after one scan of the text.
 */

export class LosslessNumber {
  constructor(readonly text: string) {}

  valueOf(): number {
    return Number(this.text);
  }

  toString(): string {
    return this.text;
  }

  /** For JSON.stringify (which cannot print raw text): the nearest number. stringifyJson prints `text` exactly. */
  toJSON(): number {
    return Number(this.text);
  }
}

export class JsonProblem extends Error {}

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

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function lineCol(text: string, index: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line}, column ${index - last}`;
}

/**
 * One pass over the text outside strings: the deepest nesting and whether some number would not survive a JS
 * number. Stops early once `maxDepth` is passed.
 */
function scan(text: string, maxDepth: number): { tooDeep: number | null; lossy: boolean } {
  let depth = 0;
  let lossy = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > maxDepth) return { tooDeep: i, lossy };
    } else if (c === 93 || c === 125) {
      depth--;
    } else if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER_RE.lastIndex = i;
      const m = NUMBER_RE.exec(text);
      if (m) {
        if (!lossy && String(Number(m[0])) !== m[0]) lossy = true;
        i += m[0].length - 1;
      }
    }
  }
  return { tooDeep: null, lossy };
}

/** Parses JSON text; throws JsonProblem (with a line and column, no quoted bytes). */
export function parseJson(text: string, maxDepth = DEFAULT_MAX_DEPTH): unknown {
  const { tooDeep, lossy } = scan(text, maxDepth);
  if (tooDeep !== null) throw new JsonProblem(`nested deeper than ${maxDepth} levels (at ${lineCol(text, tooDeep)})`);
  if (!lossy) {
    try {
      return JSON.parse(text);
    } catch {
      // Fall through: our parser says where, without quoting the text.
    }
  }
  return new Parser(text).parseDocument();
}

class Parser {
  private i = 0;

  constructor(private readonly text: string) {}

  private fail(what: string): never {
    if (this.i >= this.text.length) throw new JsonProblem(`not valid JSON (the text ends early, ${what})`);
    throw new JsonProblem(`not valid JSON (${what} at ${lineCol(this.text, this.i)})`);
  }

  private ws(): void {
    const t = this.text;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  parseDocument(): unknown {
    this.ws();
    const value = this.value();
    this.ws();
    if (this.i < this.text.length) this.fail('unexpected text after the value');
    return value;
  }

  private value(): unknown {
    this.ws();
    const t = this.text;
    const c = t[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER_RE.lastIndex = this.i;
      const m = NUMBER_RE.exec(t);
      if (!m) this.fail('a malformed number');
      this.i += m[0].length;
      const n = Number(m[0]);
      return String(n) === m[0] ? n : new LosslessNumber(m[0]);
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (t.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail('unexpected character');
  }

  private string(): string {
    const t = this.text;
    const start = this.i;
    for (this.i++; this.i < t.length; this.i++) {
      const c = t.charCodeAt(this.i);
      if (c === 92) this.i++;
      else if (c === 34) break;
      else if (c < 32) this.fail('a control character in a string');
    }
    if (this.i >= t.length) this.fail('an unterminated string');
    this.i++;
    try {
      return JSON.parse(t.slice(start, this.i)) as string;
    } catch {
      this.i = start;
      return this.fail('a malformed string');
    }
  }

  private array(): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.text[this.i];
      if (c === ',') this.i++;
      else if (c === ']') {
        this.i++;
        return out;
      } else this.fail('expected "," or "]"');
    }
  }

  private object(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"') this.fail('expected a key');
      const key = this.string();
      this.ws();
      if (this.text[this.i] !== ':') this.fail('expected ":"');
      this.i++;
      const value = this.value();
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      this.ws();
      const c = this.text[this.i];
      if (c === ',') this.i++;
      else if (c === '}') {
        this.i++;
        return out;
      } else this.fail('expected "," or "}"');
    }
  }
}

/**
 * JSON.stringify(value, null, indent) (indent 0: compact), except that LosslessNumbers print their text exactly.
 * Same output as JSON.stringify for everything else.
 */
export function stringifyJson(value: unknown, indent = 2): string {
  return print(value, indent, '') ?? 'null';
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
