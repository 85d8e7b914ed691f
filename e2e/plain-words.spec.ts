import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture, launchApp, openTeam, readTask, type RunningApp } from './app';

/**
 * Issue 27, item 7: words a person uses, and the settings a person may need, in the real window: subjects instead of
 * ids, labels shown and edited, Claim and Complete held back on a task that waits, member profiles edited (WIP over
 * its limit in the danger colour), the ClawTeam safety lock turned off only after a confirmation, the title.
 */

let running: RunningApp | null = null;
test.afterEach(async () => {
  await running?.app.close();
  if (running) fs.rmSync(running.dataDir, { recursive: true, force: true });
  running = null;
});

test('subjects, labels, a waiting task, member profiles, the safety lock and the title, in words', async () => {
  running = await launchApp(copyFixture());
  const { app, page, dataDir } = running;
  await openTeam(page, 'webapp');
  await expect(page).toHaveTitle('webapp — Lockstep');

  // A card names what it waits for by subject; the panel's title is the subject, the id in a details line.
  const card = page.getByTestId('task-card-cb4e74bf');
  await expect(card.locator('.blocked-by')).toContainText('Design the signup API');
  await expect(card).not.toContainText('dd0eba2d');
  await card.click();
  const panel = page.getByTestId('detail-panel');
  await expect(panel.getByRole('heading', { name: 'Write end-to-end tests' })).toBeVisible();
  await expect(panel).toContainText('Task id cb4e74bf');
  // It waits for unfinished work: neither claimed nor completed yet, and it says why.
  await expect(panel.getByRole('button', { name: /^Claim as/ })).toBeDisabled();
  await expect(panel.getByRole('button', { name: 'Complete' })).toBeDisabled();
  await expect(panel).toContainText('Waits for "Design the signup API" and "Build the signup form": finish that first.');
  // Labels (ClawTeam's metadata.labels): edited in the panel, kept on disk.
  await panel.getByTestId('labels').getByRole('button', { name: 'edit' }).click();
  await panel.getByLabel('Labels, separated by commas').fill('e2e, release');
  await panel.getByLabel('Labels, separated by commas').press('Enter');
  await expect.poll(() => (readTask(dataDir, 'webapp', 'cb4e74bf').metadata as { labels?: string[] }).labels).toEqual(['e2e', 'release']);
  await expect(panel.getByTestId('labels')).toContainText('release');
  await panel.getByRole('button', { name: 'Close the task panel' }).click();

  // Every card has an assign menu: no drag needed to reach a member off screen.
  await page.getByLabel('Assign "Document the API" to').selectOption('tester');
  await expect.poll(() => readTask(dataDir, 'webapp', '087e245f').owner).toBe('tester');
  await expect(page.getByTestId('task-card-087e245f')).toContainText('@tester');

  // A member's profile, edited in the app: doing more than the limit shows in the danger colour.
  await page.getByRole('button', { name: "Edit backend's profile" }).click();
  const dialog = page.getByRole('dialog', { name: "backend's profile" });
  await dialog.getByLabel('Role').fill('API engineer');
  await dialog.getByLabel('Skills').fill('node, sql');
  await dialog.getByLabel('Most tasks at once').fill('x');
  await expect(dialog.getByRole('alert')).toContainText('whole number');
  await dialog.getByLabel('Most tasks at once').fill('0');
  await dialog.getByRole('button', { name: 'Save profile' }).click();
  const member = page.getByTestId('member-backend');
  await expect(member).toContainText('API engineer');
  await expect(member.locator('.tag')).toHaveText(['node', 'sql']);
  await expect(page.getByTestId('wip-backend')).toHaveClass(/over-limit/);
  const danger = await page.getByTestId('wip-backend').evaluate((el) => getComputedStyle(el).color);
  expect(danger).toBe('rgb(180, 35, 24)');

  // The ClawTeam safety lock: explained in Settings; turning it off asks first.
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await expect(settings).toContainText("never overwrite each other's updates");
  const lock = settings.getByLabel("Share ClawTeam's lock (recommended)");
  // A click asks first; the lock stays on until the person confirms.
  await lock.click();
  await expect(lock).toBeChecked();
  await settings.getByRole('button', { name: 'Keep it on' }).click();
  await expect(lock).toBeChecked();
  await lock.click();
  await settings.getByRole('button', { name: 'Turn it off' }).click();
  await expect(lock).not.toBeChecked();
  const userData = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
  expect(JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).clawteamInterlock).toBe(false);
  await settings.getByRole('button', { name: 'Done' }).click();

  // Renaming a team warns that agents using the old name will fail.
  await page.getByRole('button', { name: 'Rename', exact: true }).click();
  const rename = page.getByRole('dialog', { name: 'Rename team webapp' });
  await expect(rename.getByTestId('rename-warning')).toContainText('lockstep task claim webapp --next');
  await page.keyboard.press('Escape');
  await expect(rename).toBeHidden();
});
