// `npm run bench:agents`: the window while an agent writes 1 MB/s of coloured output for a minute
// (AGENT_BENCH_SECONDS) with its output panel open: frame times in the window, the longest main-thread block in
// main (1 ms probe), the renderer's JS heap and main's RSS over the run, and how many lines the panel keeps.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDisplay } from './display.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);

ensureDisplay(import.meta.url);

const { _electron } = require('@playwright/test');
const { LockstepStore } = require(join(root, 'dist', 'store', 'index.js'));
const SECONDS = Number(process.env.AGENT_BENCH_SECONDS ?? 60);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const f = (n) => n.toFixed(n < 10 ? 1 : 0);
const mb = (b) => (b / 1048576).toFixed(1);

async function main() {
  console.log('building the app (electron-vite)…');
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
    cwd: root,
    stdio: 'ignore',
  });
  if (build.status !== 0) throw new Error('electron-vite build failed');
  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-bench-agents-'));
  const userData = mkdtempSync(join(tmpdir(), 'lockstep-bench-user-'));
  writeFileSync(join(userData, 'settings.json'), JSON.stringify({ agentName: 'bench-person' }));
  await new LockstepStore({ dataDir }).createTeam({ name: 'firehose', members: [{ name: 'spewer' }] });

  const app = await _electron.launch({
    args: [root, '--disable-gpu'],
    env: { ...process.env, LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_USER_DATA_DIR: userData, LOCKSTEP_ALLOW_MULTIPLE: '1' },
  });
  let pid = 0;
  try {
    const page = await app.firstWindow();
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].setContentSize(1280, 800));
    await page.getByTestId('team-item-firehose').click();
    const started = spawnSync(
      process.execPath,
      [
        join(root, 'bin', 'lockstep.js'),
        '--data-dir',
        dataDir,
        '--json',
        'agent',
        'start',
        'firehose',
        'spewer',
        '--cwd',
        dataDir,
        '--',
        process.execPath,
        join(here, 'agent-spew.mjs'),
      ],
      { encoding: 'utf8', env: { ...process.env, SPEW_SECONDS: String(SECONDS) } },
    );
    pid = JSON.parse(started.stdout).pid;
    await page.getByRole('button', { name: "Show spewer's output" }).click({ timeout: 30_000 });
    await page.getByTestId('agent-output-line').first().waitFor({ timeout: 30_000 });

    await app.evaluate(() => {
      const probe = { max: 0, last: performance.now(), rss: [] };
      probe.timer = setInterval(() => {
        const now = performance.now();
        probe.max = Math.max(probe.max, now - probe.last - 1);
        probe.last = now;
      }, 1);
      probe.mem = setInterval(() => probe.rss.push(process.memoryUsage().rss), 1000);
      globalThis.__benchBlock = probe;
    });
    await page.evaluate(() => {
      window.__frames = [];
      window.__heap = [];
      let last = performance.now();
      const tick = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (!window.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      window.__heapTimer = setInterval(() => window.__heap.push(performance.memory.usedJSHeapSize), 1000);
    });
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const main = await app.evaluate(() => {
      const probe = globalThis.__benchBlock;
      clearInterval(probe.timer);
      clearInterval(probe.mem);
      return { block: probe.max, rss: probe.rss };
    });
    const win = await page.evaluate(() => {
      window.__stop = true;
      clearInterval(window.__heapTimer);
      return {
        frames: window.__frames.slice(2),
        heap: window.__heap,
        dom: document.querySelectorAll('[data-testid="agent-output-line"]').length,
      };
    });
    const last = await page.getByTestId('agent-output-line').last().textContent();
    const { frames, heap } = win;
    console.log(`\nAn agent writing ${mb(1_000_000)} MB/s of coloured output for ${SECONDS} s, its panel open (1280x800):`);
    console.log(
      `  frame time p50 ${f(median(frames))} ms, p95 ${f(pct(frames, 95))} ms, max ${f(Math.max(...frames))} ms (${frames.length} frames)`,
    );
    console.log(`  longest main-thread block in main: ${f(main.block)} ms`);
    console.log(`  renderer JS heap: first ${mb(heap[0])} MB, last ${mb(heap.at(-1))} MB, max ${mb(Math.max(...heap))} MB`);
    console.log(`  main RSS: first ${mb(main.rss[0])} MB, last ${mb(main.rss.at(-1))} MB, max ${mb(Math.max(...main.rss))} MB`);
    console.log(
      `  output rows in the DOM: ${win.dom} (virtualised; the panel keeps at most 3,000 lines); last shown: ${last?.slice(0, 40)}`,
    );
  } finally {
    try {
      if (pid) process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
    await app.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`agents bench failed: ${err.message}`);
  process.exit(1);
});
