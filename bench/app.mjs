// `npm run bench` (second part): the desktop app with big teams. Prints, for teams of 1,000 and 10,000 tasks, how
// long the store takes to load the team (what main does for getTeam) and how long the real window takes from a click
// on the team to the board on screen; the time from another process's write to the event reaching the renderer and
// to the card showing it; frame times while a card is dragged over the 10,000-task board; the longest time main's
// event loop was blocked while a 10,000-task team loads (a 1 ms interval timer in main; a late tick = a block); and
// what one drop of a card costs: IPC round trips from the window, events main pushes back, team-list rescans, and
// the longest main-thread block from the pick-up until things are quiet again.
import { spawn, spawnSync } from 'node:child_process';
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

const SIZES = [1_000, 10_000];
const STATUSES = ['pending', 'pending', 'in_progress', 'blocked', 'completed', 'completed'];
const PRIORITIES = ['low', 'medium', 'high', 'urgent'];
const MEMBERS = ['lead', 'frontend', 'backend', 'tester', 'agent-1', 'agent-2'];

function stamp(ms) {
  return new Date(ms).toISOString().replace('Z', '000+00:00');
}

/** A team as ClawTeam writes it: config.json and one pretty-printed file per task. */
function writeTeam(dataDir, name, count) {
  const created = Date.now() - 86_400_000;
  mkdirSync(join(dataDir, 'teams', name), { recursive: true });
  writeFileSync(
    join(dataDir, 'teams', name, 'config.json'),
    JSON.stringify({
      name,
      description: `${count} tasks`,
      leadAgentId: 'a1b2c3d4e5f6',
      createdAt: stamp(created),
      members: MEMBERS.map((m, i) => ({ name: m, user: '', agentId: `${i}`.padStart(12, '0'), agentType: 'general-purpose', joinedAt: stamp(created) })),
      budgetCents: 0,
    }, null, 2),
  );
  const folder = join(dataDir, 'tasks', name);
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const id = (0x10000000 + i).toString(16);
    const status = STATUSES[i % STATUSES.length];
    const holder = status === 'in_progress' ? MEMBERS[i % MEMBERS.length] : '';
    const at = stamp(created + i * 1000);
    writeFileSync(
      join(folder, `task-${id}.json`),
      JSON.stringify({
        id, subject: `Task ${i}: ${['design', 'build', 'test', 'ship'][i % 4]} the ${['api', 'form', 'docs', 'cli'][i % 4]}`,
        description: 'Generated for the benchmark.', status, priority: PRIORITIES[i % 4], owner: i % 3 ? MEMBERS[i % MEMBERS.length] : '',
        lockedBy: holder, lockedAt: holder ? at : '', blocks: [], blockedBy: [], startedAt: holder ? at : '',
        createdAt: at, updatedAt: at, metadata: {},
      }, null, 2),
    );
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const f = (n) => n.toFixed(n < 10 ? 1 : 0);

/** In main: a 1 ms interval; the longest gap between ticks (less the 1 ms) is the longest main-thread block. */
const startBlockProbe = (app) =>
  app.evaluate(() => {
    const probe = { max: 0, last: performance.now() };
    probe.timer = setInterval(() => {
      const now = performance.now();
      probe.max = Math.max(probe.max, now - probe.last - 1);
      probe.last = now;
    }, 1);
    globalThis.__benchBlock = probe;
  });
const stopBlockProbe = (app) =>
  app.evaluate(() => {
    const probe = globalThis.__benchBlock;
    clearInterval(probe.timer);
    return Math.max(probe.max, performance.now() - probe.last - 1);
  });

/** In main: counts every IPC call the window makes (ipcMain's invoke handlers) and every event main sends it. */
const installIpcCounter = (app) =>
  app.evaluate(({ ipcMain, BrowserWindow }) => {
    const log = { calls: [], events: [] };
    globalThis.__benchIpc = log;
    for (const [channel, fn] of ipcMain._invokeHandlers) {
      ipcMain._invokeHandlers.set(channel, (...args) => {
        log.calls.push(channel.replace(/^lockstep:/, ''));
        return fn(...args);
      });
    }
    for (const win of BrowserWindow.getAllWindows()) {
      const send = win.webContents.send.bind(win.webContents);
      win.webContents.send = (channel, ...args) => {
        log.events.push(String(channel).replace(/^lockstep:/, ''));
        return send(channel, ...args);
      };
    }
  });
const takeIpc = (app) =>
  app.evaluate(() => {
    const { calls, events } = globalThis.__benchIpc;
    globalThis.__benchIpc.calls = [];
    globalThis.__benchIpc.events = [];
    return { calls, events };
  });
const tally = (names) => Object.entries(names.reduce((m, n) => ((m[n] = (m[n] ?? 0) + 1), m), {})).map(([n, c]) => `${n}×${c}`).join(', ') || 'none';

async function main() {
  console.log('building the app (electron-vite)…');
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('electron-vite build failed');

  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-bench-app-'));
  const userData = mkdtempSync(join(tmpdir(), 'lockstep-bench-user-'));
  writeFileSync(join(userData, 'settings.json'), JSON.stringify({ agentName: 'bench-person' }));
  writeTeam(dataDir, 'a-small', 10);
  for (const n of SIZES) writeTeam(dataDir, `t${n}`, n);

  console.log('\nLoading a team in the store (main process work for getTeam: read every task file, parse, version):');
  for (const n of SIZES) {
    const cold = new LockstepStore({ dataDir });
    let t0 = performance.now();
    const first = await cold.listTasks(`t${n}`);
    const coldMs = performance.now() - t0;
    const warm = [];
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      await cold.listTasks(`t${n}`);
      warm.push(performance.now() - t0);
    }
    console.log(`  ${String(n).padStart(6)} tasks: first load ${f(coldMs)} ms, again (stat cache) ${f(median(warm))} ms median   [${first.tasks.length} tasks]`);
  }

  const app = await _electron.launch({
    args: [root, '--disable-gpu'],
    env: { ...process.env, LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_USER_DATA_DIR: userData, LOCKSTEP_ALLOW_MULTIPLE: '1' },
  });
  try {
    const page = await app.firstWindow();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.getByTestId('team-item-a-small').waitFor();

    /** From the click on a team to its whole board on screen (every column counted, cards painted). */
    const openTeam = (name, count) =>
      page.evaluate(
        async ({ name, count }) => {
          const t0 = performance.now();
          document.querySelector(`[data-testid="team-item-${name}"]`).click();
          await new Promise((resolve, reject) => {
            const deadline = t0 + 60_000;
            const check = () => {
              const counts = [...document.querySelectorAll('.column .count')].map((c) => Number(c.textContent));
              const total = counts.reduce((a, b) => a + b, 0);
              if (counts.length === 4 && total === count && document.querySelector('[data-testid^="task-card-"]')) resolve();
              else if (performance.now() > deadline) reject(new Error(`board of ${name} never showed ${count} tasks`));
              else requestAnimationFrame(check);
            };
            check();
          });
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
          return performance.now() - t0;
        },
        { name, count },
      );

    // The noise floor: the same probe while the app does nothing (on a busy machine, the OS not running main's thread
    // on time shows here too).
    await startBlockProbe(app);
    await new Promise((r) => setTimeout(r, 3000));
    console.log(`\nLongest main-thread block while the app is idle for 3 s (the machine's noise floor): ${f(await stopBlockProbe(app))} ms`);

    console.log('\nOpening a team in the window (click → full board painted; the 1st open includes main\'s first read):');
    const blocks = {};
    for (const n of SIZES) {
      const times = [];
      blocks[n] = [];
      for (let i = 0; i < 4; i++) {
        await openTeam('a-small', 10);
        await startBlockProbe(app);
        times.push(await openTeam(`t${n}`, n));
        blocks[n].push(await stopBlockProbe(app));
      }
      console.log(`  ${String(n).padStart(6)} tasks: first ${f(times[0])} ms, then ${times.slice(1).map(f).join(' / ')} ms (median ${f(median(times.slice(1)))} ms)`);
    }
    console.log('\nLongest main-thread block while the team loads (main\'s event loop; 1st open includes the first read):');
    for (const n of SIZES) {
      console.log(`  ${String(n).padStart(6)} tasks: first open ${f(blocks[n][0])} ms, then ${blocks[n].slice(1).map(f).join(' / ')} ms (median ${f(median(blocks[n].slice(1)))} ms)`);
    }

    // Another process writes; when does the window hear of it, and when does the card show it?
    await openTeam('t10000', 10_000);
    await page.evaluate(() => {
      window.__seen = [];
      window.lockstep.on('tasksChanged', (e) => window.__seen.push({ ids: e.ids, at: performance.timeOrigin + performance.now() }));
    });
    const agent = new LockstepStore({ dataDir, actor: { name: 'bench-agent', via: 'cli' } });
    const pending = (await agent.listTasks('t10000', { status: ['pending'] })).tasks;
    // Cards really on screen (not the virtualizer's overscan below the fold, which it may drop when the layout moves).
    const visible = await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid="column-pending"] [data-testid^="task-card-"]')]
        .filter((e) => e.getBoundingClientRect().bottom <= Math.min(window.innerHeight, document.querySelector('[data-testid="column-pending"]').getBoundingClientRect().bottom) - 40)
        .map((e) => e.dataset.testid.slice(10)),
    );
    const toEvent = [];
    const toCard = [];
    for (let i = 0; i < 30; i++) {
      const id = visible[i % visible.length];
      const subject = `Renamed by another process, round ${i}`;
      await page.evaluate(() => (window.__seen = []));
      const watchCard = page.evaluate(
        ({ id, subject }) =>
          new Promise((resolve) => {
            const deadline = performance.now() + 10_000;
            const check = () => {
              const el = document.querySelector(`[data-testid="task-card-${id}"]`);
              if (el && el.textContent.includes(subject)) resolve(performance.timeOrigin + performance.now());
              else if (performance.now() > deadline) resolve(null);
              else requestAnimationFrame(check);
            };
            check();
          }),
        { id, subject },
      );
      await new Promise((r) => setTimeout(r, 100));
      await agent.updateTask('t10000', id, { subject }, { agent: 'bench-agent' });
      const written = Date.now();
      const cardAt = await watchCard;
      if (cardAt === null) {
        await page.screenshot({ path: '/tmp/arch-bench-fail.png' });
        const dbg = await page.evaluate((id) => ({ seen: window.__seen, card: document.querySelector(`[data-testid="task-card-${id}"]`)?.textContent ?? 'no card', cards: [...document.querySelectorAll('[data-testid="column-pending"] [data-testid^="task-card-"]')].slice(0, 5).map((e) => e.textContent), body: document.body.innerText.slice(0, 300) }), id);
        throw new Error(`the window never showed the change to ${id}: ${JSON.stringify(dbg).slice(0, 600)}`);
      }
      const seen = await page.evaluate((id) => window.__seen.find((s) => s.ids.includes(id))?.at, id);
      toCard.push(cardAt - written);
      if (seen !== undefined) toEvent.push(seen - written);
    }
    console.log(`\nExternal write → window, 10,000-task team watched (${pending.length} pending), 30 edits by another writer:`);
    console.log(`  event reaches the renderer: p50 ${f(median(toEvent))} ms, p95 ${f(pct(toEvent, 95))} ms, max ${f(Math.max(...toEvent))} ms`);
    console.log(`  card shows the change:      p50 ${f(median(toCard))} ms, p95 ${f(pct(toCard, 95))} ms, max ${f(Math.max(...toCard))} ms`);

    // Eight agents writing at once, each its own process changing tasks of the 10,000-task team through the store
    // (as the CLI does), while the window shows that team: the longest time main's event loop was blocked.
    const WRITE_SECONDS = 8;
    await startBlockProbe(app);
    const writers = Array.from({ length: 8 }, (_, i) =>
      spawn(process.execPath, [join(here, 'agent-writer.mjs'), dataDir, 't10000', String(i), String(WRITE_SECONDS)], { stdio: ['ignore', 'pipe', 'inherit'] }),
    );
    const changes = await Promise.all(
      writers.map((w) => new Promise((resolve) => {
        let out = '';
        w.stdout.on('data', (d) => (out += d));
        w.on('exit', () => resolve(Number(out.trim()) || 0));
      })),
    );
    await new Promise((r) => setTimeout(r, 1000)); // the last events reach the window
    const writeBlock = await stopBlockProbe(app);
    console.log(`\nEight agents writing to the 10,000-task team for ${WRITE_SECONDS} s (${changes.reduce((a, b) => a + b, 0)} changes), window open on it:`);
    console.log(`  longest main-thread block: ${f(writeBlock)} ms`);

    // Frame times while a card is dragged across the 10,000-task board.
    const first = page.locator('[data-testid="column-pending"] [data-testid^="task-card-"]').first();
    const box = await first.boundingBox();
    const target = await page.getByTestId('column-completed').boundingBox();
    await page.evaluate(() => {
      window.__frames = [];
      let last = performance.now();
      const tick = (t) => {
        window.__frames.push(t - last);
        last = t;
        if (window.__frames.length < 100000 && !window.__stopFrames) requestAnimationFrame(tick);
      };
      window.__stopFrames = false;
      requestAnimationFrame(tick);
    });
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2); // by its subject, not the Assign… menu
    await page.mouse.down();
    for (let i = 0; i < 3; i++) {
      await page.mouse.move(target.x + target.width / 2, target.y + 100, { steps: 40 });
      await page.mouse.move(box.x + box.width / 2, box.y + 100, { steps: 40 });
    }
    await page.keyboard.press('Escape');
    await page.mouse.up();
    const frames = await page.evaluate(() => {
      window.__stopFrames = true;
      return window.__frames.slice(2);
    });
    console.log(`\nDragging a card over the 10,000-task board (${frames.length} frames): frame time p50 ${f(median(frames))} ms, p95 ${f(pct(frames, 95))} ms, max ${f(Math.max(...frames))} ms`);

    // One real drop: a pending card onto "In progress" (a claim as this person). Everything the window asks main
    // for from the pick-up until things are quiet again, and every event main pushes back.
    await installIpcCounter(app);
    const drops = [];
    const dropBlocks = [];
    for (let i = 0; i < 5; i++) {
      const card = page.locator('[data-testid="column-pending"] [data-testid^="task-card-"]').first();
      const id = (await card.getAttribute('data-testid')).slice('task-card-'.length);
      const from = await card.boundingBox();
      const to = await page.getByTestId('column-in_progress').boundingBox();
      await takeIpc(app);
      await startBlockProbe(app);
      // Picked up by its subject (the top row holds the Assign… menu, which is not a handle).
      await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await page.mouse.down();
      await page.mouse.move(from.x + from.width / 2 + 10, from.y + from.height / 2 + 10, { steps: 3 });
      await page.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 12 });
      await page.mouse.up();
      // The card leaves Pending (In progress holds thousands: the moved card may be scrolled out of its list).
      await page.locator(`[data-testid="column-pending"] [data-testid="task-card-${id}"]`).waitFor({ state: 'detached', timeout: 20_000 });
      // Quiet: the watcher's coalescing (25 ms), its re-check (60 ms) and any reload have long finished by then.
      await new Promise((r) => setTimeout(r, 1500));
      dropBlocks.push(await stopBlockProbe(app));
      drops.push(await takeIpc(app));
    }
    const perDrop = drops.map((d) => d.calls.length);
    console.log(`\nOne drop of a card (pending → in progress) on the 10,000-task board, ${drops.length} drops:`);
    console.log(`  IPC round trips per drop: ${perDrop.join(' / ')} (median ${median(perDrop)}); calls: ${tally(drops.flatMap((d) => d.calls))}`);
    console.log(`  team-list rescans (listTeams, every team's tasks) per drop: ${drops.map((d) => d.calls.filter((c) => c === 'listTeams').length).join(' / ')}`);
    console.log(`  events main pushed: ${tally(drops.flatMap((d) => d.events))}`);
    console.log(`  longest main-thread block per drop: ${dropBlocks.map(f).join(' / ')} ms (median ${f(median(dropBlocks))} ms)`);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`app bench failed: ${err.message}`);
  process.exit(1);
});
