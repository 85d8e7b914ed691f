import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture, launchApp, readTask, ROOT, setWindowSize, type RunningApp } from './app';
import { bigSubject, writeBigTeam } from './big-team';

/**
 * Issue 27, scale: a 2,000-task team of 12 members. The list view shows and sorts every task; 50 tasks are assigned
 * in one action with one confirmation, and one Undo takes all 50 back. Screenshots of board (both densities) and list
 * at 1280x800.
 */

const SHOTS = path.join(ROOT, 'test-results', 'scale');
let running: RunningApp | null = null;
test.afterEach(async () => {
  await running?.app.close();
  if (running) fs.rmSync(running.dataDir, { recursive: true, force: true });
  running = null;
});

test('2,000 tasks: the list shows and sorts all; 50 assigned in one action, undone in one step', async () => {
  test.setTimeout(120_000);
  const dataDir = copyFixture();
  const ids = writeBigTeam(dataDir, 'big', 2000);
  running = await launchApp(dataDir);
  const { app, page } = running;
  await setWindowSize(app, page, 1280, 800);
  await page.getByTestId('team-item-big').click();
  await expect(page.getByTestId('board')).toBeVisible({ timeout: 30_000 });
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, 'board-1280x800.png') });
  await page.getByTestId('toolbar-more').locator('summary').click();
  await page.getByRole('button', { name: 'Compact cards' }).click();
  await page.screenshot({ path: path.join(SHOTS, 'board-compact-1280x800.png') });

  await page.getByRole('button', { name: 'List', exact: true }).click();
  const table = page.getByTestId('task-table');
  await expect(page.getByTestId('task-list-count')).toHaveText('2,000 tasks');
  await expect(table).toHaveAttribute('aria-rowcount', '2001');
  await page.screenshot({ path: path.join(SHOTS, 'list-1280x800.png') });

  // Sorted by subject, as people count: the first and the last of all 2,000 (scrolled to the end).
  const order = Array.from({ length: 2000 }, (_, i) => bigSubject(i)).sort(
    new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare,
  );
  await table.getByRole('button', { name: 'Task', exact: true }).click();
  await expect(table.getByRole('columnheader', { name: 'Task' })).toHaveAttribute('aria-sort', 'ascending');
  const firstRow = table.locator('[role="row"][aria-rowindex="2"]');
  await expect(firstRow).toContainText(order[0]);
  await page.getByTestId('task-table-body').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(table.locator('[role="row"][aria-rowindex="2001"]')).toContainText(order[1999]);
  await table.getByRole('button', { name: 'Task', exact: true }).click();
  await expect(table.getByRole('columnheader', { name: 'Task' })).toHaveAttribute('aria-sort', 'descending');
  await page.getByTestId('task-table-body').evaluate((el) => (el.scrollTop = 0));
  await expect(firstRow).toContainText(order[1999]);

  // The 50 release notes, chosen at once and assigned to m07 in one action.
  const notes = ids.filter((_, i) => i % 40 === 0);
  const before = new Map(notes.map((id) => [id, readTask(dataDir, 'big', id).owner]));
  await page.getByLabel('Search tasks').fill('Release note');
  await expect(page.getByTestId('task-list-count')).toHaveText('50 tasks of 2,000');
  await table.getByLabel('Choose all 50 shown').check();
  await expect(page.getByTestId('bulk-bar')).toContainText('50 chosen');
  await page.getByLabel('Assign the chosen tasks to').selectOption('m07');
  const confirm = page.getByRole('dialog', { name: 'Assign 50 tasks to m07?' });
  await confirm.getByRole('button', { name: 'Assign 50 tasks to m07' }).click();
  await expect.poll(() => notes.filter((id) => readTask(dataDir, 'big', id).owner === 'm07').length, { timeout: 20_000 }).toBe(50);
  await expect(table.locator('.tt-owner', { hasText: 'm07' })).not.toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'list-bulk-1280x800.png') });
  expect(await page.getByRole('button', { name: 'Undo' }).getAttribute('title')).toContain('assigned 50 tasks to m07');

  // One Undo: every one of the 50 is back with its owner, and that was one step (the next Undo is not another of them).
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => notes.filter((id) => readTask(dataDir, 'big', id).owner === before.get(id)).length, { timeout: 20_000 }).toBe(50);
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Redo' })).toHaveAttribute('title', /assigned 50 tasks to m07/);
});
