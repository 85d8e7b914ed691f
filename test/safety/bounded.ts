import { spawn } from 'child_process';
import { CLI } from '../race/harness';

/** The bound the store promises for any command (a busy lock answers STORE_BUSY within it). */
export const BOUND_MS = 15_000;

/** Runs the CLI on `data`; kills it at the bound. `hung` says whether it had to be killed. */
export function runBounded(
  data: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ hung: boolean; code: number | null; json: any; stdout: string }> {
  // The global options first, so a command's own `-- CMD ARGS…` stays last.
  const child = spawn(process.execPath, [CLI, '--json', '--data-dir', data, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.resume();
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, BOUND_MS);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      let json: any;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = { unparsable: stdout };
      }
      resolve({ hung, code, json, stdout });
    }),
  );
}

/** An error as the store must give it: a sentence with one of our codes, never INTERNAL nor a stack trace. */
export function sentenceProblem(error: { code?: unknown; message?: unknown } | undefined): string | null {
  if (!error) return null;
  const message = String(error.message ?? '');
  if (error.code === 'INTERNAL') return `INTERNAL: ${message}`;
  if (!/[.!?)]$/.test(message)) return `not a sentence: ${message}`;
  if (/\n\s+at |Maximum call stack|Unexpected error|TypeError|RangeError/.test(message)) return `a crash: ${message}`;
  return null;
}
