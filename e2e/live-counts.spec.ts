import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import { cli, copyFixture, launchApp, openTeam, type RunningApp } from './app';

/**
 * The ✉ count on a member card follows `lockstep inbox send` / `receive` run by another process (an agent), without
 * anything else re-reading the team: the count is what waits in that inbox, never one behind.
 */

let running: RunningApp | null = null;

test.afterEach(async () => {
  await running?.app.close();
  if (running) fs.rmSync(running.dataDir, { recursive: true, force: true });
  running = null;
});

test('the ✉ count follows inbox send and receive from another process within a second', async () => {
  running = await launchApp(copyFixture());
  const { page, dataDir } = running;
  await openTeam(page, 'webapp');
  const badge = page.getByTestId('unread-frontend');
  await expect(badge).toHaveAttribute('data-count', '0');
  // A second after the command returns is what a person waits at most (the first send also creates the folders).
  const soon = { timeout: 1_000 };
  cli(dataDir, ['inbox', 'send', 'webapp', 'frontend', 'first', '--as', 'lead']);
  await expect(badge).toHaveAttribute('data-count', '1', soon);
  await expect(badge).toHaveText('✉ 1');
  cli(dataDir, ['inbox', 'send', 'webapp', 'frontend', 'second', '--as', 'backend']);
  await expect(badge).toHaveAttribute('data-count', '2', soon);
  cli(dataDir, ['inbox', 'send', 'webapp', 'backend', 'elsewhere', '--as', 'lead']);
  await expect(page.getByTestId('unread-backend')).toHaveAttribute('data-count', '1', soon);
  await expect(badge).toHaveAttribute('data-count', '2');
  cli(dataDir, ['inbox', 'receive', 'webapp', '--as', 'frontend']);
  await expect(badge).toHaveAttribute('data-count', '0', soon);
  cli(dataDir, ['inbox', 'send', 'webapp', 'frontend', 'third', '--as', 'lead']);
  await expect(badge).toHaveAttribute('data-count', '1', soon);
  cli(dataDir, ['inbox', 'receive', 'webapp', '--as', 'frontend']);
  await expect(badge).toHaveAttribute('data-count', '0', soon);
  await expect(page.getByTestId('unread-backend')).toHaveAttribute('data-count', '1');
});

test('on a sample team made in the window, the ✉ count follows an agent sending and receiving', async () => {
  running = await launchApp(copyFixture());
  const { page, dataDir } = running;
  const made = await page.evaluate(() => window.lockstep.createSampleTeam({}));
  expect(made.ok).toBe(true);
  const team = made.ok ? made.value.name : '';
  await openTeam(page, team);
  const badge = page.getByTestId('unread-frontend');
  await expect(badge).toHaveAttribute('data-count', '0');
  const soon = { timeout: 1_000 };
  cli(dataDir, ['inbox', 'send', team, 'frontend', 'first', '--as', 'lead']);
  await expect(badge).toHaveAttribute('data-count', '1', soon);
  cli(dataDir, ['inbox', 'send', team, 'frontend', 'second', '--as', 'lead']);
  await expect(badge).toHaveAttribute('data-count', '2', soon);
  cli(dataDir, ['inbox', 'receive', team, '--as', 'frontend']);
  await expect(badge).toHaveAttribute('data-count', '0', soon);
  cli(dataDir, ['inbox', 'send', team, 'frontend', 'third', '--as', 'lead']);
  await expect(badge).toHaveAttribute('data-count', '1', soon);
});
