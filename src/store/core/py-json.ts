/**
 * JSON as pydantic's `model_dump_json(indent=2)` writes it, so files Lockstep writes are byte-for-byte what ClawTeam
 * would write: same layout as JSON.stringify(v, null, 2), except that Python floats keep a fractional part
 * (`100.0`, not `100`). Values wrapped in PyFloat are written as floats.
 */
export class PyFloat {
  constructor(readonly value: number) {}
}

export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

function floatText(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`cannot write ${n} as JSON`);
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  const s = String(n);
  // Python writes exponents with at least two digits and a sign: 1e-07, 1e+16.
  return s.replace(/e([+-]?)(\d+)$/, (_m, sign: string, digits: string) => `e${sign || '+'}${digits.padStart(2, '0')}`);
}

export function dumpsPy(value: unknown, indent = 2, depth = 0): string {
  if (value instanceof PyFloat) return floatText(value.value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const pad = ' '.repeat(indent * (depth + 1));
  const end = ' '.repeat(indent * depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + dumpsPy(v, indent, depth + 1)).join(',\n')}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${dumpsPy(v, indent, depth + 1)}`).join(',\n')}\n${end}}`;
}
