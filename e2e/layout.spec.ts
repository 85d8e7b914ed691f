import { expect, test, type Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { cli, copyFixture, launchApp, openTeam, ROOT, setWindowSize, type RunningApp } from './app';
import { clippedText, coveredOrOutside, lowContrast } from './layout-checks';

/**
 * Issue 27: at 900x600 (the minimum), 1024x700, 1280x800 and 1920x1080, in the light and the dark theme, with a search
 * typed (so "Clear filters" shows) and a member's messages filtered: every interactive element is inside the window
 * and the topmost at its centre, text a person reads is not cut, and text and badges meet WCAG AA contrast.
 */

const SIZES: Array<[number, number]> = [
  [900, 600],
  [1024, 700],
  [1280, 800],
  [1920, 1080],
];
const SHOTS = path.join(ROOT, 'test-results', 'layout');
/** Where a person reads names, counts and times. */
const READ = [
  '.team-title h1',
  '.team-name',
  '.counts',
  '.member-name',
  '.member-role',
  '.member-stats',
  '.card-subject',
  '.column-head',
  '.mp-who',
  '.mp-time',
  '.mp-line1',
  '.mp-as',
  '.attention-item',
  '.identity-name',
  '.topbar button',
  '.team-head button',
  '.team-head summary',
].join(', ');

let running: RunningApp | null = null;
test.afterEach(async () => {
  await running?.app.close();
  if (running) fs.rmSync(running.dataDir, { recursive: true, force: true });
  running = null;
});

async function chooseTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Theme').selectOption(theme);
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Done' }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
}

test('nothing covered, outside the window, cut or faint at four sizes in both themes', async () => {
  const dataDir = copyFixture();
  cli(dataDir, ['inbox', 'send', 'webapp', 'frontend', 'The login API returns 500 when the token expired', '--as', 'backend']);
  cli(dataDir, ['inbox', 'send', 'webapp', 'backend', 'Thanks, looking', '--as', 'frontend']);
  running = await launchApp(dataDir);
  const { app, page } = running;
  await openTeam(page, 'webapp');
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.getByLabel('Search tasks').fill('e');
  await expect(page.getByRole('button', { name: 'Clear filters' })).toBeVisible();
  for (const theme of ['light', 'dark'] as const) {
    await chooseTheme(page, theme);
    for (const [w, h] of SIZES) {
      const where = `${w}x${h} ${theme}`;
      await setWindowSize(app, page, w, h);
      // A member's messages, as a person filters them (the card's name opens the messages column where folded).
      await page.getByTestId('member-backend').locator('.member-name').click();
      await expect(page.getByTestId('message-filter')).toContainText('backend');
      await expect(page.getByTestId('message-row')).toHaveCount(2);
      // The activity view starts collapsed below 800 px of height (nobody chose here).
      await expect(page.getByTestId('activity-region').getByRole('button', { name: h < 800 ? 'Show activity' : 'Hide' })).toBeVisible();
      await page.mouse.move(0, h - 1);
      const scroll = await page.evaluate(() => {
        const se = document.scrollingElement as HTMLElement;
        const list = document.querySelector('.sidebar') as HTMLElement;
        return { page: se.scrollWidth - se.clientWidth, teams: list.scrollWidth - list.clientWidth };
      });
      expect(scroll, `${where}: nothing scrolls sideways`).toEqual({ page: 0, teams: 0 });
      await page.screenshot({ path: path.join(SHOTS, `window-${w}x${h}-${theme}.png`) });
      expect(await clippedText(page, READ), `${where}: cut text`).toEqual([]);
      expect(await lowContrast(page), `${where}: contrast`).toEqual([]);
      expect(await coveredOrOutside(page), `${where}: covered or outside`).toEqual([]);
      // What folds into "More" is still there, and works from the keyboard.
      const more = page.getByTestId('toolbar-more');
      await more.locator('summary').focus();
      await page.keyboard.press('Enter');
      await expect(more.getByRole('button', { name: 'Compact cards' })).toBeVisible();
      // + Member is in the line or, where there is no room, in the menu: exactly one of them is shown.
      await expect(page.getByRole('button', { name: '+ Member' })).toHaveCount(1);
      expect(await coveredOrOutside(page, '[data-testid="toolbar-more"]', 2), `${where}: the More menu`).toEqual([]);
      await page.keyboard.press('Escape');
      await expect(more.getByRole('button', { name: 'Compact cards' })).toBeHidden();
      await page.getByTestId('member-backend').locator('.member-name').click(); // the filter off again
    }
  }
});
