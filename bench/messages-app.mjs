// `npm run bench` (messages in the app): the message panel with 10,000 messages in a team's history beside one with
// 100 (the reference, same run): store read of the history, click on the team to the newest message on screen, and
// live-append latency (another process writes a message → its row in the panel).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const CLI = join(root, 'bin', 'lockstep.js');
const MEMBERS = ['lead', 'frontend', 'backend', 'tester'];
const stamp = (ms) => new Date(ms).toISOString().replace('Z', '000+00:00');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const f = (n) => n.toFixed(n < 10 ? 1 : 0);

/** A team whose history holds `count` messages, written as ClawTeam writes them. */
function writeTeam(dataDir, name, count) {
  const start = Date.now() - count * 1000;
  mkdirSync(join(dataDir, 'teams', name, 'events'), { recursive: true });
  writeFileSync(join(dataDir, 'teams', name, 'config.json'), JSON.stringify({
    name, description: `${count} messages`, leadAgentId: '000000000000', createdAt: stamp(start),
    members: MEMBERS.map((m, i) => ({ name: m, user: '', agentId: `${i}`.padStart(12, '0'), agentType: 'general-purpose', joinedAt: stamp(start) })),
    budgetCents: 0,
  }, null, 2));
  mkdirSync(join(dataDir, 'tasks', name), { recursive: true });
  for (let i = 0; i < count; i++) {
    const ms = start + i * 1000;
    const msg = { type: 'message', from: MEMBERS[i % 4], to: MEMBERS[(i + 1) % 4], content: `Message ${i}: progress on item ${i % 97}`, requestId: i.toString(16).padStart(12, '0'), timestamp: stamp(ms) };
    writeFileSync(join(dataDir, 'teams', name, 'events', `evt-${ms}-${i.toString(16).padStart(8, '0')}.json`), JSON.stringify(msg, null, 2));
  }
}

async function main() {
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('electron-vite build failed');
  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-bench-msgapp-'));
  const userData = mkdtempSync(join(tmpdir(), 'lockstep-bench-msgapp-ud-'));
  const teams = [['a-hundred', 100], ['b-ten-thousand', 10_000]];
  for (const [name, count] of teams) writeTeam(dataDir, name, count);
  writeFileSync(join(userData, 'settings.json'), JSON.stringify({ agentName: 'bench-person' }));
  const store = new LockstepStore({ dataDir });

  console.log('\nThe message panel in the real window (1280x800), histories written as ClawTeam writes them:');
  const app = await _electron.launch({ args: [root, '--disable-gpu'], env: { ...process.env, LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_USER_DATA_DIR: userData, LOCKSTEP_ALLOW_MULTIPLE: '1' } });
  try {
    const page = await app.firstWindow();
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].setContentSize(1280, 800));
    await page.getByTestId('team-item-a-hundred').waitFor();
    for (const [name, count] of teams) {
      const reads = [];
      const pages = [];
      for (let i = 0; i < 5; i++) {
        let t0 = performance.now();
        store.mailbox.readEvents(name);
        reads.push(performance.now() - t0);
        t0 = performance.now();
        store.mailbox.readHistory(name, { limit: 1000 });
        pages.push(performance.now() - t0);
      }
      const newest = `Message ${count - 1}:`;
      const opens = [];
      for (let i = 0; i < 3; i++) {
        // Away and back: each open loads the team and its whole history again.
        await page.getByTestId(`team-item-${teams.find(([n]) => n !== name)[0]}`).click();
        await page.getByTestId('message-panel').waitFor();
        await page.waitForTimeout(300);
        opens.push(await page.evaluate(async ({ name, newest }) => {
          const t0 = performance.now();
          document.querySelector(`[data-testid="team-item-${name}"]`).click();
          await new Promise((resolve, reject) => {
            const check = () => {
              const first = document.querySelector('[data-testid="message-row"] .mp-content');
              if (first && first.textContent.startsWith(newest) && document.querySelector('h1')?.textContent === name) resolve();
              else if (performance.now() - t0 > 60_000) reject(new Error('panel never showed the newest message'));
              else requestAnimationFrame(check);
            };
            check();
          });
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        }, { name, newest }));
      }
      // Live append: another process (the CLI) sends; the time from just before it writes to the row on screen.
      const lat = [];
      for (let i = 0; i < 15; i++) {
        const text = `live ${name} ${i}`;
        await page.evaluate((text) => {
          window.__seenAt = null;
          const check = () => {
            const first = document.querySelector('[data-testid="message-row"] .mp-content');
            if (first && first.textContent === text) window.__seenAt = Date.now();
            else requestAnimationFrame(check);
          };
          check();
        }, text);
        const before = Date.now();
        const r = spawnSync(process.execPath, [CLI, 'inbox', 'send', name, 'lead', text, '--as', 'backend', '--data-dir', dataDir, '--json']);
        const written = JSON.parse(r.stdout).timestamp;
        const writtenMs = Date.parse(written.replace(/(\.\d{3})\d*\+00:00$/, '$1Z'));
        await page.waitForFunction(() => window.__seenAt !== null, null, { timeout: 30_000 }).catch(async (e) => {
          const rows = await page.evaluate(() => [...document.querySelectorAll('[data-testid="message-row"] .mp-content')].slice(0, 3).map((x) => x.textContent));
          throw new Error(`row for "${text}" never showed (${r.stderr}); first rows: ${JSON.stringify(rows)}`);
        });
        const seen = await page.evaluate(() => window.__seenAt);
        lat.push(seen - Math.max(writtenMs, before));
      }
      console.log(
        `  ${String(count).padStart(6)} messages: main reads the whole history in ${f(median(reads))} ms, the newest 1,000 (what a window opens on) in ${f(median(pages))} ms; click → newest message on screen ${f(median(opens))} ms (median of 3); ` +
          `another process writes → row on screen ${f(median(lat))} ms median, ${f(pct(lat, 95))} ms p95 (15 sends; target < 300 ms)`,
      );
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
