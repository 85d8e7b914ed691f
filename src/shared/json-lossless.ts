/**
 * The exact half of shared/json.ts: numbers kept as written (LosslessNumber), the one-pass scan that finds a number
 * JavaScript would change or nesting too deep, and the parser used when there is such a number.
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

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

export function lineCol(text: string, index: number): string {
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
export function scan(text: string, maxDepth: number): { tooDeep: number | null; lossy: boolean } {
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

export class LosslessParser {
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
