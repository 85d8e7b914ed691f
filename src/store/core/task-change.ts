import { sameJson } from '../../shared/json';
import type { JournalTaskChange } from './journal-format';
import type { LoadedTask } from './task-format';

// What one mutation changed on one task, for the journal (both backends).

const hasOwn = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
type Fields = Record<string, unknown>;

interface Side {
  fields: Fields;
  keys: string[];
}

const side = (fields: Fields | undefined): Side | undefined => (fields ? { fields, keys: Object.keys(fields) } : undefined);
const startsWith = (keys: string[], prefix: string[]) => prefix.length <= keys.length && prefix.every((k, i) => keys[i] === k);

/**
 * Records the keys of `from` whose value differs in `to` (as `prefix` + key) in `out` = [before, after]. With
 * `newOnly`, only the keys `to` lacks (the second pass: the shared ones were compared in the first). Equal values
 * are recognised without printing them; most are the very same value (a mutation's copy shares them, cloneLoaded).
 */
function compareFields(
  from: Side,
  to: Side | undefined,
  prefix: string,
  newOnly: boolean,
  out: [Fields, Fields],
  fromIsBefore: boolean,
): void {
  // Key order kept, keys added at the end (setting metadata keys): no lookup per key, which is slow on big objects.
  const keysOfToFirst = to !== undefined && (newOnly ? startsWith(from.keys, to.keys) : startsWith(to.keys, from.keys));
  const keys = newOnly && keysOfToFirst ? from.keys.slice(to.keys.length) : from.keys;
  for (const key of keys) {
    if (prefix === '' && key === 'metadata') continue;
    const inTo = to !== undefined && (keysOfToFirst ? !newOnly : hasOwn(to.fields, key));
    if (newOnly && inTo) continue;
    const value = from.fields[key];
    const other = inTo ? to.fields[key] : undefined;
    if (value === other || sameJson(value, other)) continue;
    const name = prefix + key;
    out[fromIsBefore ? 0 : 1][name] = value;
    if (inTo) out[fromIsBefore ? 1 : 0][name] = other;
  }
}

/**
 * The fields a mutation changed on one task (metadata compared key by key, as `metadata.KEY`), for the journal.
 * Keys in the order before's fields then after's new ones.
 */
export function taskChange(id: string, before: LoadedTask | null, after: LoadedTask | null): JournalTaskChange | null {
  const b = side(before?.task as unknown as Fields | undefined);
  const a = side(after?.task as unknown as Fields | undefined);
  const metaOf = (t: Side | undefined): Side | undefined =>
    t && hasOwn(t.fields, 'metadata') ? side(t.fields.metadata as Fields) : undefined;
  const bm = metaOf(b);
  const am = metaOf(a);
  const out: [Fields, Fields] = [{}, {}];
  if (b) {
    compareFields(b, a, '', false, out, true);
    if (bm) compareFields(bm, a ? (am ?? side({})) : undefined, 'metadata.', false, out, true);
  }
  if (a) {
    compareFields(a, b, '', true, out, false);
    if (am) compareFields(am, b ? bm : undefined, 'metadata.', true, out, false);
  }
  const [changedBefore, changedAfter] = out;
  if (before && after && Object.keys(changedBefore).length + Object.keys(changedAfter).length === 0) return null;
  return {
    id,
    before: before ? changedBefore : null,
    after: after ? changedAfter : null,
    versionBefore: before?.version ?? null,
    versionAfter: after?.version ?? null,
  };
}
