import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { copyFixture as copyFixtureTo, FIXTURE, ROOT, tempDir as newTempDir } from '../fixture';

export { FIXTURE, ROOT };
export const CLI = path.join(ROOT, 'bin', 'lockstep.js');
export const WORKER = path.join(__dirname, 'worker.cjs');

export function tempDir(prefix = 'lockstep-race-'): string {
  return newTempDir(prefix);
}

export function copyFixture(): string {
  return copyFixtureTo('lockstep-race-');
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/**
 * Lines racers up: each process is started with LOCKSTEP_FAILPOINT_BARRIER, announces itself with a marker file
 * once it is ready, and all are released together by creating the barrier file. No sleeps.
 */
export class Barrier {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, `barrier-${process.pid}-${Math.random().toString(16).slice(2)}`);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...process.env, LOCKSTEP_FAILPOINT_BARRIER: this.file, ...extra };
  }

  async release(expected: number, timeoutMs = 60_000): Promise<void> {
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    const deadline = Date.now() + timeoutMs;
    while (fs.readdirSync(dir).filter((n) => n.startsWith(`${base}.ready.`)).length < expected) {
      if (Date.now() > deadline) throw new Error(`only some racers reached the barrier within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 5));
    }
    fs.writeFileSync(this.file, '');
  }
}

export function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, done: collect(child) };
}

export function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}
