import * as fs from 'fs';
import * as path from 'path';
import { NotFoundError, UnsafePathError } from '../../shared/errors';
import { assertNoLinks, mkdirInside, openNoFollow } from '..';
import type { AgentPaths } from './agent-paths';
import type { AgentRun } from './runs';

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * Creates a run's log file for appending: the logs folder must be a real folder inside the data folder (a link
 * there is refused in words: output must not land wherever a link points), and the file must not exist yet (O_EXCL,
 * never through a link). Returns the open descriptor, handed to the agent as its stdout and stderr.
 */
export function createLog(paths: AgentPaths, team: string, runId: string): { fd: number; file: string } {
  const dir = paths.logsDir(team);
  mkdirInside(paths.root, dir);
  const file = paths.log(team, runId);
  assertNoLinks(paths.root, file, 'file');
  try {
    const { O_WRONLY, O_APPEND, O_CREAT, O_EXCL } = fs.constants;
    // eslint-disable-next-line no-restricted-syntax -- a new log: O_EXCL and O_NOFOLLOW after assertNoLinks, so nothing planted is written through
    return { fd: fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600), file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ELOOP') throw new UnsafePathError(file, 'a file or link is already there');
    throw err;
  }
}

/** The log of a run as an absolute path, checked to stay inside the data folder. */
export function logPath(paths: AgentPaths, run: AgentRun): string {
  const file = path.resolve(paths.root, run.log);
  assertNoLinks(paths.root, file, 'file');
  return file;
}

export interface LogChunk {
  text: string;
  /** Byte offset where `text` starts, and where the next read should start. */
  offset: number;
  next: number;
  /** The log's size now. */
  size: number;
}

/** Reads at most `maxBytes` of a run's log from `offset` (negative: that many bytes before the end). Bounded memory. */
export function readLog(paths: AgentPaths, run: AgentRun, offset = -65_536, maxBytes = 1_048_576): LogChunk {
  const file = logPath(paths, run);
  const fd = openNoFollow(file);
  if (fd === null) throw new NotFoundError(`The log of ${run.agent}'s run ${run.id} is gone (${file}).`, { file });
  try {
    const size = fs.fstatSync(fd).size;
    let start = offset < 0 ? Math.max(0, size + offset) : Math.min(offset, size);
    const length = Math.min(maxBytes, size - start);
    const buf = Buffer.alloc(Math.max(0, length));
    const got = length > 0 ? fs.readSync(fd, buf, 0, length, start) : 0;
    let bytes = buf.subarray(0, got);
    // Started mid-character after a negative offset: skip continuation bytes so the text decodes cleanly.
    if (offset < 0 && start > 0) {
      let skip = 0;
      while (skip < bytes.length && (bytes[skip] & 0xc0) === 0x80) skip++;
      bytes = bytes.subarray(skip);
      start += skip;
    }
    return { text: bytes.toString('utf8'), offset: start, next: start + bytes.length, size };
  } finally {
    fs.closeSync(fd);
  }
}

/** The last bytes of a log as text ('' when it is gone). */
export function logTail(paths: AgentPaths, run: AgentRun, bytes = 4096): { text: string; size: number; mtimeMs: number | null } {
  try {
    const file = logPath(paths, run);
    const chunk = readLog(paths, run, -bytes, bytes);
    const mtimeMs = fs.lstatSync(file).mtimeMs;
    return { text: chunk.text, size: chunk.size, mtimeMs };
  } catch {
    return { text: '', size: 0, mtimeMs: null };
  }
}

// ECMA-48 CSI and OSC sequences, and other escapes: removed for the one-line summary only (the panel renders them).
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The last non-empty line of output, without escapes, at most 200 characters. */
export function lastLine(tail: string): string {
  const lines = stripAnsi(tail)
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines.length ? lines[lines.length - 1] : '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
