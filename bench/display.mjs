// The window benches need a display: with none (Linux, no DISPLAY), the calling bench runs again under Xvfb and this
// process exits with its status. Node built-ins only.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Call first thing with the bench's own `import.meta.url`. */
export function ensureDisplay(benchUrl) {
  if (process.env.DISPLAY || process.platform !== 'linux' || process.env.LOCKSTEP_BENCH_XVFB) return;
  const r = spawnSync('xvfb-run', ['-a', '--server-args=-screen 0 1600x1000x24', process.execPath, fileURLToPath(benchUrl)], {
    stdio: 'inherit',
    env: { ...process.env, LOCKSTEP_BENCH_XVFB: '1' },
  });
  process.exit(r.status ?? 1);
}
