import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture, dragTo, launchApp, openTeam, PERSON, readTask, ROOT, tempDir } from './app';

test('create a task, assign it by dragging it onto a member, claim it: the file on disk agrees', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    await page.getByRole('button', { name: 'New task' }).click();
    await page.getByRole('dialog', { name: 'New task' }).getByLabel('New task subject').fill('Write the release notes');
    await page.getByRole('button', { name: 'Create task' }).click();
    await expect(page.getByTestId('status-message')).toContainText('Created "Write the release notes"');
    const file = fs.readdirSync(path.join(dataDir, 'tasks', 'webapp')).find((f) => f.endsWith('.json') && readTask(dataDir, 'webapp', f.slice(5, 13)).subject === 'Write the release notes');
    expect(file).toBeTruthy();
    const id = (file as string).slice(5, 13);

    await dragTo(page, `task-card-${id}`, 'member-frontend');
    await expect(page.getByTestId('status-message')).toContainText('Assigned');
    await expect.poll(() => readTask(dataDir, 'webapp', id).owner).toBe('frontend');

    await page.getByTestId(`task-card-${id}`).click();
    await page.getByTestId('detail-panel').getByRole('button', { name: `Claim as ${PERSON}` }).click();
    await expect(page.getByTestId(`lock-holder-${id}`)).toContainText(PERSON);
    await expect.poll(() => readTask(dataDir, 'webapp', id)).toMatchObject({ lockedBy: PERSON, status: 'in_progress', owner: 'frontend' });
  } finally {
    await app.close();
  }
});

test('a newcomer gets a sample team and a working board', async () => {
  const { app, page } = await launchApp(tempDir('lockstep-e2e-empty-'));
  try {
    await page.getByRole('button', { name: 'Create a sample team' }).click();
    await expect(page.getByTestId('column-in_progress')).toContainText('Design the signup API');
    await expect(page.getByTestId('board').locator('[data-testid^="lock-holder-"]').first()).toContainText('backend');
    // Every run keeps its screenshot with the test results (the README's comes from the real-window test, window.spec.ts).
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e', 'screenshot-board.png') });
  } finally {
    await app.close();
  }
});
