import type { ParseArgsConfig } from 'util';
import { currentClaim } from '../shared/claims';
import type { VersionedTask } from '../shared/domain';
import { InvalidInputError } from '../shared/errors';
import { parseDuration } from '../shared/time';
import type { Store } from '../store';
import { formatTask } from './format';
import { str, type Output, type Values } from './command';

/** Reading a command's option values: the options every command shares, and each kind of value in plain words. */

/** Options every command takes. */
export const common = {
  'data-dir': { type: 'string' },
  store: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Options of a command that acts on a task as somebody. */
export const actorOptions = {
  as: { type: 'string' },
  force: { type: 'boolean' },
  reason: { type: 'string' },
  expect: { type: 'string' },
  token: { type: 'string' },
} as const;

export function list(values: Values, key: string): string[] {
  const v = values[key];
  return Array.isArray(v) ? v : [];
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`Unknown ${what} "${value}"; use one of: ${allowed.join(', ')}.`);
  }
  return value as T;
}

export function manyOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  return value === undefined ? undefined : value.split(',').map((v) => oneOf(v.trim(), allowed, what) as T);
}

export function duration(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new InvalidInputError(`${what} must be a duration like 90s, 5m, 2h or 1d (got "${value}").`);
  return ms;
}

export function integer(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new InvalidInputError(`${what} must be a whole number (got "${value}").`);
  return Number(value);
}

/** `--meta K=V`: V is read as JSON when it is JSON (numbers, true, null to delete, lists), else as text. */
export function metadata(values: Values): Record<string, unknown> | undefined {
  const pairs = list(values, 'meta');
  if (pairs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidInputError(`--meta takes KEY=VALUE (got "${pair}").`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

export function guards(values: Values) {
  return { expectVersion: str(values, 'expect'), token: integer(str(values, 'token'), '--token'), reason: str(values, 'reason') };
}

export const taskOut = (t: Awaited<ReturnType<Store['getTask']>>, sentence: string): Output => ({
  json: t,
  text: `${sentence}\n${formatTask(t)}`,
});

export function claimToken(task: VersionedTask): string {
  return String(currentClaim(task)?.token ?? '?');
}
