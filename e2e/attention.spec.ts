import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { cli, copyFixture, launchApp, openTeam, type RunningApp } from './app';

/**
 * Issue 27: what needs the person's attention is in the top bar whatever is folded or open — stalled work (with the
 * radar's count), the budget, messages for the person — each a click away from its place; desktop notifications only
 * once the person turns them on.
 */

let running: RunningApp | null = null;
test.afterEach(async () => {
  await running?.app.close();
  if (running) fs.rmSync(running.dataDir, { recursive: true, force: true });
  running = null;
});

test('stalls, budget and messages for you show in the top bar and lead to their place; notifications are opt-in', async () => {
  running = await launchApp(copyFixture());
  const { app, page, dataDir } = running;
  // Desktop notifications are counted in main instead of shown.
  await app.evaluate(({ Notification }) => {
    const shown: string[] = [];
    (globalThis as unknown as { shown: string[] }).shown = shown;
    Notification.prototype.show = function (this: { title: string }) {
      shown.push(this.title);
    };
  });
  const shown = () => app.evaluate(() => (globalThis as unknown as { shown: string[] }).shown);
  await openTeam(page, 'webapp');
  const attention = page.getByTestId('attention');

  // The fixture's team has one stalled claim: the count is on the signal and on the radar's button.
  await expect(attention.getByTestId('attention-stalls')).toHaveText('1 stalled');
  await expect(page.getByRole('button', { name: 'Stall radar (1)' })).toBeVisible();
  await attention.getByTestId('attention-stalls').click();
  await expect(page.getByTestId('radar')).toBeVisible();

  // Over budget, from an agent's report in another process.
  cli(dataDir, ['cost', 'budget', 'webapp', '1']);
  cli(dataDir, ['cost', 'report', 'webapp', '--as', 'backend', '--input-tokens', '1000', '--output-tokens', '100', '--cost-cents', '141']);
  await expect(attention.getByTestId('attention-budget')).toHaveText('Over budget 141 %');
  await expect(attention.getByTestId('attention-budget')).toHaveAttribute('title', 'webapp has spent $1.41 of its $1.00 budget.');

  // A message for the person: the signal opens their messages.
  await page.getByTestId('message-panel').getByRole('button', { name: 'Fold the messages panel' }).click();
  cli(dataDir, ['inbox', 'send', 'webapp', 'e2e-person', 'Can you review the API?', '--as', 'lead']);
  await expect(attention.getByTestId('attention-mail')).toHaveText('1 message for you');
  await attention.getByTestId('attention-mail').click();
  await expect(page.getByTestId('message-filter')).toContainText('e2e-person');
  expect(await shown()).toEqual([]); // off by default

  // Turned on in Settings (remembered), the next new item reaches the desktop.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel(/Desktop notifications/).check();
  await page.getByRole('button', { name: 'Done' }).click();
  const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
  expect(JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).notifications).toBe(true);
  cli(dataDir, ['inbox', 'send', 'webapp', 'e2e-person', 'And the docs?', '--as', 'lead']);
  await expect(attention.getByTestId('attention-mail')).toHaveText('2 messages for you');
  await expect.poll(shown).toEqual(['2 messages for you']);

  // Received by the person: the signal goes.
  cli(dataDir, ['inbox', 'receive', 'webapp', '--as', 'e2e-person']);
  await expect(attention.getByTestId('attention-mail')).toHaveCount(0);
});
