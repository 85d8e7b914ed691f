import { expect, test, type Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture, launchApp, openTeam, readTask, ROOT, setWindowSize } from './app';

/**
 * The window a person lives in, at the sizes people use, on the REAL window (BrowserWindow.setContentSize): the
 * shell fills it, nothing scrolls sideways at page level, every column can be reached, and the task panel is never
 * covered by cards. Screenshots of every size (panel closed and open, light and dark) are saved by every run.
 */

const SIZES: Array<[number, number]> = [
  [1024, 700],
  [1280, 800],
  [1920, 1080],
];
/** The window's minimum size and a large screen: the same geometry must hold there too. */
const EXTREMES: Array<[number, number]> = [
  [900, 600],
  [2560, 1440],
];
const SHOTS = path.join(ROOT, 'test-results', 'window');
const REGIONS = '.topbar, .sidebar, .main, .activity-region';

/** What is drawn along the window's bottom edge and right edge: each point must belong to one of the regions. */
async function edgeOwners(page: Page): Promise<string[]> {
  return page.evaluate((regions) => {
    const points: Array<[number, number]> = [];
    for (const f of [0.01, 0.2, 0.4, 0.6, 0.8, 0.99]) points.push([window.innerWidth * f, window.innerHeight - 2]);
    for (const f of [0.1, 0.5, 0.9]) points.push([window.innerWidth - 2, window.innerHeight * f]);
    return points.map(([x, y]) => {
      const el = document.elementFromPoint(x, y);
      const region = el?.closest(regions);
      return region ? 'region' : `${Math.round(x)},${Math.round(y)}: ${el ? el.tagName.toLowerCase() + (el.className ? `.${String(el.className)}` : '') : 'nothing'}`;
    });
  }, REGIONS);
}

/** Every visible control of the open task panel that is not the topmost element at its own centre (after scrolling it into view). */
async function coveredPanelControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const panel = document.querySelector('[data-testid="detail-panel"]') as HTMLElement;
    const controls = [...panel.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex]:not([tabindex="-1"])')];
    const covered: string[] = [];
    let checked = 0;
    for (const el of controls) {
      if (el.hidden || el.getClientRects().length === 0) continue;
      el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      checked++;
      if (!hit || !(el === hit || el.contains(hit))) {
        const name = el.getAttribute('aria-label') || el.textContent?.trim() || el.tagName;
        covered.push(`${name} is under ${hit ? `${hit.tagName.toLowerCase()}.${String(hit.className)}` : 'nothing'}`);
      }
    }
    panel.scrollTop = 0;
    return checked === 0 ? ['no control was checked'] : covered;
  });
}

test('the shell follows the real window at 1024x700, 1280x800 and 1920x1080; the task panel is never covered; Save saves', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    fs.mkdirSync(SHOTS, { recursive: true });
    const panel = page.getByTestId('detail-panel');
    for (const [w, h] of [...SIZES, ...EXTREMES]) {
      await setWindowSize(app, page, w, h);
      await expect(panel).toBeHidden();

      // The app fills the window: the bottom and right edges belong to its regions, not to the page background.
      expect(await edgeOwners(page), `${w}x${h} edges`).toEqual(Array(9).fill('region'));
      // No sideways scroll of the page itself; the activity region sits at the bottom of the window, whole.
      const page_ = await page.evaluate(() => {
        const se = document.scrollingElement as HTMLElement;
        const activity = document.querySelector('[data-testid="activity-region"]')?.getBoundingClientRect();
        return { scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, scrollHeight: se.scrollHeight, clientHeight: se.clientHeight, activityBottom: activity?.bottom, activityTop: activity?.top };
      });
      expect(page_.scrollWidth, `${w}x${h} page scrolls sideways`).toBeLessThanOrEqual(page_.clientWidth);
      expect(page_.scrollHeight, `${w}x${h} page scrolls down`).toBeLessThanOrEqual(page_.clientHeight);
      expect(page_.activityBottom).toBe(h);
      expect(page_.activityTop as number).toBeLessThan(h - 60);
      await page.screenshot({ path: path.join(SHOTS, `board-${w}x${h}.png`) });

      // Cards are as tall as their content, and a card's "waits for" links are all there, none cut off.
      const cards = await page.evaluate(() => {
        const rect = (id: string) => document.querySelector(`[data-testid="task-card-${id}"]`)?.getBoundingClientRect();
        const card = document.querySelector('[data-testid="task-card-cb4e74bf"]') as HTMLElement;
        card.scrollIntoView({ block: 'nearest', inline: 'nearest' });
        const box = card.getBoundingClientRect();
        const links = [...card.querySelectorAll<HTMLElement>('.blocked-by button')].map((b) => {
          const r = b.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return { text: b.textContent, inside: r.left >= box.left && r.right <= box.right && r.bottom <= box.bottom, onTop: hit === b };
        });
        return { plain: rect('087e245f')?.height ?? 0, claimed: rect('dd0eba2d')?.height ?? 0, links };
      });
      expect(cards.plain).toBeLessThan(cards.claimed); // the claim line adds height; no fixed card size
      expect(cards.plain).toBeLessThan(100);
      expect(cards.links, `${w}x${h}`).toEqual([
        { text: 'dd0eba2d', inside: true, onTop: true },
        { text: '797906f1', inside: true, onTop: true },
      ]);

      // With the panel open (the board yields room to it), every column can still be scrolled into view and seen.
      await page.getByTestId('task-card-cb4e74bf').click();
      await expect(panel).toBeVisible();
      for (const status of ['pending', 'in_progress', 'blocked', 'completed']) {
        const visible = await page.getByTestId(`column-${status}`).evaluate((column) => {
          column.scrollIntoView({ block: 'nearest', inline: 'nearest' });
          const head = column.querySelector('.column-head') as HTMLElement;
          const r = head.getBoundingClientRect();
          const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
          return Boolean(hit && column.contains(hit));
        });
        expect(visible, `${w}x${h}: the ${status} column can be reached`).toBe(true);
      }
      await page.getByTestId('column-pending').evaluate((c) => c.scrollIntoView({ block: 'nearest', inline: 'nearest' }));

      // Every control of the panel is on top at its own centre: no card paints over it.
      expect(await coveredPanelControls(page), `${w}x${h} covered controls`).toEqual([]);
      expect((await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0))).toBeLessThanOrEqual(w);
      await page.screenshot({ path: path.join(SHOTS, `panel-${w}x${h}.png`) });

      // A click on "Save text" saves, on disk.
      const description = `Checked at ${w}x${h}`;
      await panel.getByLabel('Description').fill(description);
      await panel.getByRole('button', { name: 'Save text' }).click();
      await expect.poll(() => readTask(dataDir, 'webapp', 'cb4e74bf').description).toBe(description);
      await expect(page.getByTestId('status-message')).toContainText('Saved');

      // Escape closes the panel.
      await page.getByTestId('board').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Escape');
      await expect(panel).toBeHidden();
    }

    // Dark mode: the switch in the top bar; remembered in the settings; same geometry.
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('dark'); // native controls too
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('.main') as Element).backgroundColor);
    expect(background).not.toBe('rgb(246, 247, 249)');
    const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    expect(JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).theme).toBe('dark');
    for (const [w, h] of SIZES) {
      await setWindowSize(app, page, w, h);
      expect(await edgeOwners(page), `${w}x${h} edges (dark)`).toEqual(Array(9).fill('region'));
      await page.screenshot({ path: path.join(SHOTS, `board-${w}x${h}-dark.png`) });
      await page.getByTestId('task-card-cb4e74bf').click();
      expect(await coveredPanelControls(page), `${w}x${h} covered controls (dark)`).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `panel-${w}x${h}-dark.png`) });
      await page.getByTestId('detail-panel').getByRole('button', { name: 'Close the task panel' }).click();
    }
    // "System" follows the system's setting (prefers-color-scheme) while the app runs. (Playwright pins the page's
    // prefers-color-scheme to light by default, so the system's change is played through its media emulation.)
    await page.getByLabel('Theme').selectOption('system');
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await app.evaluate(({ nativeTheme }) => nativeTheme.themeSource)).toBe('system');

    // The README's screenshot: the real window at 1280x800, on request (LOCKSTEP_UPDATE_SCREENSHOT=1).
    if (process.env.LOCKSTEP_UPDATE_SCREENSHOT === '1') {
      await setWindowSize(app, page, 1280, 800);
      await expect(panel).toBeHidden();
      const message = page.getByTestId('status-message');
      if (await message.count()) await message.getByRole('button', { name: 'Dismiss' }).click();
      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.join(ROOT, 'docs', 'screenshot-board.png') });
    }
  } finally {
    await app.close();
  }
});

test('the activity region collapses and resizes, the board takes the room, and both are remembered', async () => {
  const { app, page } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    await setWindowSize(app, page, 1280, 800);
    const region = page.getByTestId('activity-region');
    const boardHeight = async () => (await page.getByTestId('board').boundingBox())?.height ?? 0;
    const open = await boardHeight();
    const openRegion = (await region.boundingBox())?.height ?? 0;

    await region.getByRole('button', { name: 'Hide' }).click();
    await expect(region.getByRole('button', { name: 'Show activity' })).toBeVisible();
    await expect.poll(boardHeight).toBeGreaterThan(open + openRegion - 60);
    await page.screenshot({ path: path.join(SHOTS, 'activity-collapsed-1280x800.png') });
    await page.keyboard.press('Control+j');
    await expect(region.getByRole('button', { name: 'Hide' })).toBeVisible();

    const handle = page.getByRole('separator', { name: 'Resize the activity view' });
    await handle.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await region.boundingBox())?.height ?? 0).toBe(openRegion + 64);
    // Dragging its edge with the mouse, too.
    const box = (await handle.boundingBox())!;
    await page.mouse.move(box.x + 200, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + 200, box.y + box.height / 2 + 100, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => Math.round((await region.boundingBox())?.height ?? 0)).toBe(openRegion + 64 - 100);
    // Never so tall that the board loses its room, whatever is asked.
    for (let i = 0; i < 60; i++) await handle.press('Shift+ArrowUp');
    expect(await boardHeight()).toBeGreaterThan(150);

    const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    await expect.poll(() => JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).activityHeight).toBeGreaterThan(openRegion);
    await page.keyboard.press('Control+j');
    await expect.poll(() => JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).activityOpen).toBe(false);
  } finally {
    await app.close();
  }
});
