import * as fs from 'fs';

/**
 * Failpoints for process-level tests, read from the environment. They let a test widen a race window (hold the
 * team lock before saving) or line racers up at a barrier, without timing guesses. Unset in normal use.
 */
export function delayBeforeSaveMs(): number {
  const value = Number(process.env.LOCKSTEP_FAILPOINT_DELAY_BEFORE_SAVE_MS ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** Holds the lock between the last ownership check and the first rename (a holder stalled inside its save). */
export function delayInSaveMs(): number {
  const value = Number(process.env.LOCKSTEP_FAILPOINT_DELAY_IN_SAVE_MS ?? 0);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * When LOCKSTEP_FAILPOINT_BARRIER names a file: announce readiness with `<file>.ready.<pid>`, then wait until the
 * file exists, so several processes can be released at the same moment.
 */
export async function waitAtBarrier(): Promise<void> {
  const barrier = process.env.LOCKSTEP_FAILPOINT_BARRIER;
  if (!barrier) return;
  // eslint-disable-next-line no-restricted-syntax -- a test's barrier file, never in the data folder
  fs.writeFileSync(`${barrier}.ready.${process.pid}`, '');
  const giveUpAt = Date.now() + 120_000; // an orchestrator that died must not leave racers polling forever
  while (!fs.existsSync(barrier)) {
    if (Date.now() > giveUpAt) throw new Error(`barrier ${barrier} was never released`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/**
 * Crash and disk-full failpoints for multi-file commits (intent.ts), counted per process. Step 1 is the intent
 * record made durable, steps 2..n+1 the n renames/removals of task files, step n+2 the journal append.
 * LOCKSTEP_FAILPOINT_KILL_AFTER_STEP=k: SIGKILL this process right after step k (a real kill: nothing runs after).
 * LOCKSTEP_FAILPOINT_ENOSPC_AT_STEP=k: step k fails with ENOSPC instead of running.
 */
export function failpointAfterStep(step: number): void {
  if (Number(process.env.LOCKSTEP_FAILPOINT_KILL_AFTER_STEP) === step) process.kill(process.pid, 'SIGKILL');
}

export function failpointBeforeStep(step: number): void {
  if (Number(process.env.LOCKSTEP_FAILPOINT_ENOSPC_AT_STEP) === step) {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  }
}
