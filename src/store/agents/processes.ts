import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';

/**
 * The operating-system side of running an agent: a detached process in its own group, its output appended to a
 * log, its exit status written at the end of that log, and checks of whether it (or its group) still runs.
 *
 * On POSIX the command runs under a fixed `/bin/sh` script that takes the argv as its positional parameters
 * (`"$@"`): the shell never parses a word of it, so metacharacters reach the program literally. The script waits
 * for the program and appends `EXIT_MARKER <status>` to the log, so the exit code is known after the window (or the
 * CLI that started it) is gone. Its `trap` keeps the script alive through a SIGTERM sent to the group (a trap with
 * a command is reset to the default in the child, unlike an ignored signal), so a stop records 143, not nothing.
 */
export const EXIT_MARKER = '[lockstep] agent exited with status';

const WRAPPER = `trap 'true' TERM INT HUP\n"$@"\nstatus=$?\nprintf '\\n${EXIT_MARKER} %s\\n' "$status"\nexit "$status"\n`;

export interface SpawnedProcess {
  pid: number;
  /** Resolves with the exit code (or the signal) if the process ends while this Node process still runs. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `argv` detached (own process group) in `cwd`, stdout and stderr to the already opened log `logFd`. */
export function spawnDetached(argv: string[], cwd: string, env: NodeJS.ProcessEnv, logFd: number): SpawnedProcess {
  const windows = process.platform === 'win32';
  const [file, args] = windows ? [argv[0], argv.slice(1)] : ['/bin/sh', ['-c', WRAPPER, 'lockstep-agent', ...argv]];
  const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', logFd, logFd], windowsHide: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${argv[0]}`);
  return { pid: child.pid, exited };
}

/** ClawTeam's `_pid_alive`: signal 0; a process we may not signal still exists. A zombie counts as gone here. */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** True while any process of the group `pgid` runs (the agent may outlive the wrapper that leads its group). */
export function groupAlive(pgid: number): boolean {
  if (process.platform === 'win32') return pidAlive(pgid);
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` to the whole group (the pid alone on Windows). False when nothing was there to receive it. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function isZombie(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // eslint-disable-next-line no-restricted-syntax -- /proc, not the data folder
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

let bootMs: number | null | undefined;

/**
 * When a process started (epoch ms; Linux only, else null): a registry pid whose process started well after the
 * recorded start is a different process that reused the number.
 */
export function processStartedMs(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  try {
    if (bootMs === undefined) {
      // eslint-disable-next-line no-restricted-syntax -- /proc, not the data folder
      const btime = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
      bootMs = btime ? Number(btime[1]) * 1000 : null;
    }
    if (bootMs === null) return null;
    // eslint-disable-next-line no-restricted-syntax -- /proc, not the data folder
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]); // field 22 of the whole line: starttime, in clock ticks after boot
    return Number.isFinite(ticks) ? bootMs + (ticks * 1000) / 100 : null;
  } catch {
    return null;
  }
}

/** Alive, and (where the system says when it started) the process that started at `startedMs`, not a reused pid. */
export function sameProcessAlive(pid: number, startedMs: number | undefined): boolean {
  if (!pidAlive(pid)) return false;
  if (startedMs === undefined) return true;
  const began = processStartedMs(pid);
  // btime and ticks are coarse (seconds, 1/100 s): a margin keeps a real match from looking reused.
  return began === null || began <= startedMs + 5_000;
}

/** The exit status a finished run wrote at the end of its log, or null when it wrote none (killed outright). */
export function exitStatusFromTail(tail: string): number | null {
  const at = tail.lastIndexOf(EXIT_MARKER);
  if (at < 0) return null;
  const m = /^ (\d{1,3})\s*$/.exec(tail.slice(at + EXIT_MARKER.length));
  return m ? Number(m[1]) : null;
}

/** "code 1", "SIGKILL" (status 128+n from the shell): how a status reads to a person. */
export function describeStatus(status: number | null | undefined, signal?: string | null): string {
  if (signal) return `stopped by ${signal}`;
  if (status === null || status === undefined) return 'exit code unknown';
  if (status > 128 && status < 160) {
    const name = Object.entries(os.constants.signals).find(([, n]) => n === status - 128)?.[0];
    if (name) return `killed by ${name}`;
  }
  return `exit code ${status}`;
}
