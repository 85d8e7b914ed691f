import * as path from 'path';
import { CorruptFileError } from '../../shared/errors';
import { acquireFlock, assertNoLinks, mkdirInside, readBounded, writeInside } from '..';

/** The largest registry or run-record file read (a team with thousands of runs stays far below). */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

/**
 * Reads a JSON file kept under a flock sidecar (`<file>.lock`, ClawTeam's convention for its spawn registry):
 * no lock for reading, as ClawTeam reads. Missing → `empty`; a link, a special file or bad JSON → CORRUPT_FILE,
 * never overwritten silently.
 */
export function readJsonFile<T>(root: string, file: string, empty: () => T, parse: (raw: unknown) => T): T {
  assertNoLinks(root, file, 'file');
  const read = readBounded(file, MAX_RECORD_BYTES);
  if (read.kind === 'missing') return empty();
  if (read.kind === 'problem') throw new CorruptFileError(file, read.reason);
  const text = read.bytes.toString('utf8');
  if (!text.trim()) return empty();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CorruptFileError(file, `it is not JSON (${(err as Error).message})`);
  }
  return parse(raw);
}

/**
 * Read-modify-write of a JSON file under an exclusive flock of `<file>.lock` (a plain file, opened for append, never
 * removed), saved atomically (temp file + rename + fsync), nothing followed through a link. `change` returns the
 * value to write (or undefined to leave the file as it is) and what to hand back.
 */
export async function updateJsonFile<T, R>(
  root: string,
  file: string,
  io: { empty: () => T; parse: (raw: unknown) => T; serialize: (value: T) => string },
  change: (value: T) => Promise<{ write?: T; result: R }> | { write?: T; result: R },
  timeoutMs = 15_000,
): Promise<R> {
  mkdirInside(root, path.dirname(file));
  const lockPath = `${file}.lock`;
  assertNoLinks(root, lockPath, 'file');
  const lock = await acquireFlock(lockPath, Date.now() + timeoutMs);
  try {
    const current = readJsonFile(root, file, io.empty, io.parse);
    const { write, result } = await change(current);
    if (write !== undefined) writeInside(root, file, io.serialize(write));
    return result;
  } finally {
    lock.release();
  }
}
