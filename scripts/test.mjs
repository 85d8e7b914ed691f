// `npm test`: lint first (ESLint: the layering zones of eslint.config.mjs; one passed or failed entry), the type-check
// of every tsconfig (one entry: `npm run typecheck`, which fails on any type error in any process), then every
// suite — unit and process-level tests (Vitest), then the real app end to end (Playwright under
// Xvfb), then the installed package (test/installed) — and one closing summary line, "N passed, N failed", that CI
// reads. `--unit`: lint and Vitest only; `--installed`: the installed-package test only.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });
const bin = (pkg, file) => join(root, 'node_modules', pkg, file);
const totals = { passed: 0, failed: 0, skipped: 0 };
const onlyUnit = process.argv.includes('--unit');
// Every temporary folder the tests make (data folders, app profiles, clusters, agents' scratch) goes under one folder
// of this run, removed at the end: the suites leave nothing behind in the system's temp folder. Sticky and open to
// all, as /tmp is, because the PostgreSQL cluster runs as the postgres user.
const scratch = mkdtempSync(join(tmpdir(), 'lockstep-test-run-'));
chmodSync(scratch, 0o1777);
const scratchEnv = { TMPDIR: scratch, TMP: scratch, TEMP: scratch };

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label} ===`);
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...scratchEnv, ...env } }).status;
}

/** ESLint over src/ (eslint.config.mjs), then Prettier's check of its layout: one passed or one failed entry. */
function lint() {
  const rules = run('lint: layering and code rules (ESLint)', process.execPath, [bin('eslint', 'bin/eslint.js'), 'src']);
  const layout = run('lint: layout (Prettier; `npm run format` applies it)', process.execPath, [bin('prettier', 'bin/prettier.cjs'), '--check', 'src']);
  if (rules === 0 && layout === 0) totals.passed++;
  else totals.failed++;
}

/** `npm run typecheck`: tsc over the node (store, CLI), app (main, preload), web (renderer) and test configs. */
function typecheck() {
  // Under `npm test`, npm's own script (npm_execpath) runs with this Node; run directly, the npm on the PATH.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const label = 'type-check: store, CLI, main, preload, renderer and tests (tsc)';
  if (run(label, npm[0], [...npm.slice(1), 'run', '--silent', 'typecheck']) === 0) totals.passed++;
  else totals.failed++;
}

function vitest() {
  const out = join(resultsDir, 'vitest.json');
  rmSync(out, { force: true });
  run('unit, process-race and cross-language tests (Vitest)', process.execPath, [
    bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile=${out}`,
  ]);
  if (!existsSync(out)) return void totals.failed++;
  const report = JSON.parse(readFileSync(out, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
  totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}

/** Runs a Playwright config (under Xvfb when there is no display) and adds its results to the totals. */
function playwrightRun(label, config, out) {
  rmSync(out, { force: true });
  const pw = [bin('@playwright/test', 'cli.js'), 'test', '--config', config];
  // Desktop windows need a display: use Xvfb when there is none.
  const headless = !process.env.DISPLAY && process.platform === 'linux';
  if (headless) run(`${label} (Playwright, Xvfb)`, 'xvfb-run', ['-a', '--server-args=-screen 0 2560x1600x24', process.execPath, ...pw]);
  else run(`${label} (Playwright)`, process.execPath, pw);
  if (!existsSync(out)) return void totals.failed++;
  const { stats } = JSON.parse(readFileSync(out, 'utf8'));
  totals.passed += stats.expected;
  totals.failed += stats.unexpected + stats.flaky;
  totals.skipped += stats.skipped;
  return stats;
}

function playwright() {
  if (run('build the app (electron-vite)', process.execPath, [bin('electron-vite', 'bin/electron-vite.js'), 'build']) !== 0) {
    return void totals.failed++;
  }
  const stats = playwrightRun('end-to-end tests of the real app', 'playwright.config.ts', join(resultsDir, 'e2e', 'results.json'));
  if (stats?.unexpected > 0) console.log('Failed end-to-end runs keep traces and screenshots in test-results/e2e/artifacts/.');
}

/** The .deb built, installed, run and removed (test/installed); skipped with its reason unless root with dpkg. */
function installedPackage() {
  const started = Date.now();
  const stats = playwrightRun('the installed package: build, install, run, remove', 'playwright.installed.config.ts', join(resultsDir, 'installed', 'results.json'));
  console.log(`The installed-package test took ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  if (stats?.unexpected > 0) console.log('Its traces and screenshots are in test-results/installed/artifacts/.');
}

if (process.argv.includes('--installed')) installedPackage();
else {
  lint();
  typecheck();
  vitest();
  if (!onlyUnit) {
    playwright();
    installedPackage();
  }
}
rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
