import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { isFlockSupported, tryFlockExclusive } from '../../src/store/folder/flock';
import { tempDir } from '../race/harness';

/** Lockstep's flock really excludes Python's fcntl.flock on the same file, both ways. */

const PY_TRY = `
import fcntl, sys
f = open(sys.argv[1], 'a')
try:
    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print('acquired')
except BlockingIOError:
    print('refused')
`;

function pythonTries(lockPath: string): string {
  return spawnSync('python3', ['-c', PY_TRY, lockPath]).stdout.toString().trim();
}

describe('flock through koffi', () => {
  it('is available on this platform', () => {
    expect(isFlockSupported()).toBe(true);
  });

  it('refuses Python while Node holds it, and lets Python in after release', () => {
    const lockPath = path.join(tempDir(), '.tasks.lock');
    const handle = tryFlockExclusive(lockPath);
    expect(handle).not.toBeNull();
    expect(pythonTries(lockPath)).toBe('refused');
    handle?.release();
    expect(pythonTries(lockPath)).toBe('acquired');
    // Created as a plain file, never a folder, and never removed.
    expect(fs.statSync(lockPath).isFile()).toBe(true);
  });

  it('is refused to Node while Python holds it', async () => {
    const lockPath = path.join(tempDir(), '.tasks.lock');
    const holder = spawn('python3', ['-c', "import fcntl,sys\nf=open(sys.argv[1],'a')\nfcntl.flock(f,fcntl.LOCK_EX)\nprint('held',flush=True)\nsys.stdin.read()", lockPath], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    expect(tryFlockExclusive(lockPath)).toBeNull();
    holder.stdin.end();
    await new Promise((resolve) => holder.on('close', resolve));
    const handle = tryFlockExclusive(lockPath);
    expect(handle).not.toBeNull();
    handle?.release();
  });

  it('never truncates the lock file', () => {
    const lockPath = path.join(tempDir(), '.tasks.lock');
    fs.writeFileSync(lockPath, 'left by someone');
    tryFlockExclusive(lockPath)?.release();
    expect(fs.readFileSync(lockPath, 'utf8')).toBe('left by someone');
  });
});
