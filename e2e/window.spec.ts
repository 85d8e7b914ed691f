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

/** Every visible control of the open task panel (or another column) that is not the topmost element at its own centre (after scrolling it into view). */
async function coveredPanelControls(page: Page, testId = 'detail-panel'): Promise<string[]> {
  return page.evaluate((testId) => {
    const panel = document.querySelector(`[data-testid="${testId}"]`) as HTMLElement;
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
  }, testId);
}

/** Below this width an open task takes the messages' column (MESSAGES_WIDE_FOR_BOTH in MessagePanel.tsx). */
const WIDE_FOR_BOTH = 1760;

/** The page does not scroll; the activity region is whole at the bottom; the board ends before the messages column starts. */
async function shellGeometry(page: Page) {
  return page.evaluate(() => {
    const se = document.scrollingElement as HTMLElement;
    const rect = (sel: string) => document.querySelector(sel)?.getBoundingClientRect();
    const activity = rect('[data-testid="activity-region"]');
    const board = rect('.board-area');
    const messages = rect('[data-testid="message-panel"]') ?? rect('[data-testid="message-rail"]');
    const detail = rect('[data-testid="detail-panel"]');
    return {
      sideways: se.scrollWidth - se.clientWidth,
      down: se.scrollHeight - se.clientHeight,
      activityBottom: activity?.bottom,
      activityTop: activity?.top ?? 0,
      boardRight: board?.right ?? 0,
      detailLeft: detail?.left ?? null,
      detailRight: detail?.right ?? null,
      messagesLeft: messages?.left ?? 0,
      messagesRight: messages?.right ?? Infinity,
      messagesBottom: messages?.bottom ?? Infinity,
      width: window.innerWidth,
    };
  });
}

function expectSideBySide(g: Awaited<ReturnType<typeof shellGeometry>>, h: number, what: string) {
  expect(g.sideways, `${what}: page scrolls sideways`).toBeLessThanOrEqual(0);
  expect(g.down, `${what}: page scrolls down`).toBeLessThanOrEqual(0);
  expect(g.activityBottom, `${what}: activity region at the bottom`).toBe(h);
  // Below 800 px of height the activity view starts collapsed to its header (issue 27), still whole at the bottom.
  expect(g.activityTop, `${what}: activity region whole`).toBeLessThan(h - (h < 800 ? 20 : 60));
  // Board, then the task panel (if open), then the messages column: one after the other, none over another.
  expect(g.boardRight, `${what}: board ends before what is beside it`).toBeLessThanOrEqual(g.detailLeft ?? g.messagesLeft);
  if (g.detailRight !== null) expect(g.detailRight, `${what}: task panel ends before the messages`).toBeLessThanOrEqual(g.messagesLeft);
  expect(g.messagesRight, `${what}: messages inside the window`).toBeLessThanOrEqual(g.width);
  expect(g.messagesBottom, `${what}: messages above the activity region`).toBeLessThanOrEqual(g.activityTop);
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
      // Below 800 px of height the activity view starts collapsed to its header (issue 27), still whole at the bottom.
      expect(page_.activityTop as number).toBeLessThan(h - (h < 800 ? 20 : 60));
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
        // Named by their subjects (issue 27), the ids in the tooltip.
        { text: 'Design the signup API', inside: true, onTop: true },
        { text: 'Build the signup form', inside: true, onTop: true },
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

      // The messages column: shown (from its rail where it starts folded) at the right of the board, which yields
      // room to it; the page does not scroll, the activity region stays whole, and every control is on top.
      const messages = page.getByTestId('message-panel');
      const rail = page.getByTestId('show-messages');
      if (await rail.isVisible()) await rail.click();
      await expect(messages).toBeVisible();
      expect(await edgeOwners(page), `${w}x${h} edges with messages`).toEqual(Array(9).fill('region'));
      expectSideBySide(await shellGeometry(page), h, `${w}x${h} with messages`);
      expect(await coveredPanelControls(page, 'message-panel'), `${w}x${h} covered message controls`).toEqual([]);
      // The compose box and its Send button are reachable and work: what is typed is sent, and shows in the list.
      const compose = messages.getByTestId('compose-text');
      await compose.scrollIntoViewIfNeeded();
      await compose.fill(`Layout check at ${w}x${h}`);
      const send = messages.getByTestId('compose-send');
      await expect(send).toBeEnabled();
      await send.scrollIntoViewIfNeeded(); // a short window scrolls the column (its list keeps at least 80 px)
      expect(await send.evaluate((b) => {
        const r = b.getBoundingClientRect();
        return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b;
      }), `${w}x${h}: Send is on top`).toBe(true);
      await send.click();
      await expect(compose).toHaveValue('');
      await expect(messages.getByTestId('message-row').first()).toContainText(`Layout check at ${w}x${h}`);
      await page.screenshot({ path: path.join(SHOTS, `messages-${w}x${h}.png`) });

      // A task opened beside the messages: all three side by side where the window is wide enough; otherwise the
      // task takes the column and the messages wait on their rail (with the unread count), which gives it back.
      await page.getByTestId('task-card-cb4e74bf').click();
      await expect(panel).toBeVisible();
      if (w >= WIDE_FOR_BOTH) {
        await expect(messages).toBeVisible();
        expect(await coveredPanelControls(page, 'message-panel'), `${w}x${h} covered message controls beside a task`).toEqual([]);
      } else {
        await expect(messages).toBeHidden();
        await expect(page.getByTestId('rail-unread')).toHaveText(/^\d+$/);
      }
      expectSideBySide(await shellGeometry(page), h, `${w}x${h} with messages and a task`);
      expect(await coveredPanelControls(page), `${w}x${h} covered task controls beside messages`).toEqual([]);
      expect(await edgeOwners(page), `${w}x${h} edges with messages and a task`).toEqual(Array(9).fill('region'));
      await page.screenshot({ path: path.join(SHOTS, `messages-task-${w}x${h}.png`) });
      if (w >= WIDE_FOR_BOTH) {
        await page.getByTestId('board').click({ position: { x: 5, y: 5 } });
        await page.keyboard.press('Escape');
      } else {
        await rail.click();
        await expect(messages).toBeVisible();
      }
      await expect(panel).toBeHidden();
    }

    // Dark mode: the switch in Settings; remembered in the settings; same geometry.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByRole('button', { name: 'Done' }).click();
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
      await expect(page.getByTestId('message-panel')).toBeVisible();
      expect(await coveredPanelControls(page, 'message-panel'), `${w}x${h} covered message controls (dark)`).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `messages-${w}x${h}-dark.png`) });
    }
    // "System" follows the system's setting (prefers-color-scheme) while the app runs. (Playwright pins the page's
    // prefers-color-scheme to light by default, so the system's change is played through its media emulation.)
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Theme').selectOption('system');
    await page.getByRole('button', { name: 'Done' }).click();
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
      // The board in full, the messages folded to their rail (docs/screenshot-messages.png shows them open).
      await page.getByTestId('message-panel').getByRole('button', { name: 'Fold the messages panel' }).click();
      await expect(page.getByTestId('message-rail')).toBeVisible();
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

test('the messages column folds to a rail with its unread count, the board takes the room, and the choice is remembered', async () => {
  const { app, page } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    await setWindowSize(app, page, 1280, 800);
    const messages = page.getByTestId('message-panel');
    await expect(messages).toBeVisible(); // wide enough: shown until the person folds it
    const boardWidth = async () => (await page.getByTestId('board').boundingBox())?.width ?? 0;
    const beside = await boardWidth();

    await messages.getByRole('button', { name: 'Fold the messages panel' }).click();
    await expect(messages).toBeHidden();
    await expect(page.getByTestId('message-rail')).toBeVisible();
    await expect(page.getByTestId('rail-unread')).toHaveText('0');
    await expect.poll(boardWidth).toBeGreaterThan(beside + 200);
    const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    const saved = () => JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).messagesOpen;
    await expect.poll(saved).toBe(false);
    // The person's choice wins over the window's width.
    await setWindowSize(app, page, 1920, 1080);
    await expect(messages).toBeHidden();
    await page.screenshot({ path: path.join(SHOTS, 'messages-folded-1920x1080.png') });

    await page.getByTestId('show-messages').click();
    await expect(messages).toBeVisible();
    await expect.poll(saved).toBe(true);
    // Shown by choice in a narrow window too, beside the board, with nothing scrolling at page level.
    await setWindowSize(app, page, 1024, 700);
    await expect(messages).toBeVisible();
    expectSideBySide(await shellGeometry(page), 700, '1024x700 messages chosen');

    // Folded, a click on a member card (their messages) shows the column with that member's messages.
    await messages.getByRole('button', { name: 'Fold the messages panel' }).click();
    await expect(messages).toBeHidden();
    await page.getByTestId('member-backend').click({ position: { x: 60, y: 12 } });
    await expect(messages).toBeVisible();
    await expect(page.getByTestId('message-filter')).toContainText("backend's messages");
    await expect.poll(saved).toBe(true);
  } finally {
    await app.close();
  }
});
