// Copied from the project's shared tools (tools/window-shots.cjs) so that the repository stands alone.
// Screenshots of the real Lockstep window as a person sizes it (BrowserWindow.setContentSize, not an emulated
// viewport), on a copy of test/fixtures/clawteam-0.3, at 900x600, 1024x700, 1280x800 and 1920x1080, with the board and
// with a task panel open. Run from the project root after `npm run build`, under a display:
//   xvfb-run -a node scripts/window-shots.cjs [OUT_DIR] [TASK_SUBJECT]
// Then open every PNG and look: nothing overlapping, nothing cut off, no dead space, words a person understands.
const path = require('path');
const fs = require('fs');
const os = require('os');
const { _electron } = require(require.resolve('playwright-core', { paths: [process.cwd()] }));

const out = path.resolve(process.argv[2] || 'test-results/window-shots');
const subject = process.argv[3] || 'Write end-to-end tests';
fs.mkdirSync(out, { recursive: true });
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-shots-'));
fs.cpSync(path.join(__dirname, '..', 'test', 'fixtures', 'clawteam-0.3'), data, { recursive: true });
const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-shots-ud-'));

(async () => {
  const app = await _electron.launch({
    args: ['.', '--disable-gpu'],
    env: { ...process.env, LOCKSTEP_DATA_DIR: data, LOCKSTEP_USER_DATA_DIR: userData },
  });
  const win = await app.firstWindow();
  await win.waitForLoadState('domcontentloaded');
  await win.getByText('webapp', { exact: true }).first().click().catch(() => {});
  for (const [w, h] of [[900, 600], [1024, 700], [1280, 800], [1920, 1080]]) {
    await app.evaluate(({ BrowserWindow }, [w, h]) => BrowserWindow.getAllWindows()[0].setContentSize(w, h), [w, h]);
    await win.waitForTimeout(700);
    await win.screenshot({ path: path.join(out, `board-${w}x${h}.png`) });
    await win.getByText(subject, { exact: false }).first().click().catch(() => {});
    await win.waitForTimeout(500);
    await win.screenshot({ path: path.join(out, `panel-${w}x${h}.png`) });
    await win.keyboard.press('Escape').catch(() => {});
    await win.waitForTimeout(300);
  }
  await app.close();
  fs.rmSync(data, { recursive: true, force: true });
  fs.rmSync(userData, { recursive: true, force: true });
  console.log(`screenshots in ${out}: open each one and look`);
})().catch((e) => { console.error(e.message); process.exit(1); });
