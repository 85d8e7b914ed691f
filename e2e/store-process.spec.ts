import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture, launchApp, openTeam, readTask } from './app';

// The store, its watchers and every call run in the store process (an Electron utility process); main relays.
test('the store process dies: the window says so in words, it starts again, and the board works as before', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    const storePid = () =>
      app.evaluate(
        ({ app: electronApp }) =>
          electronApp.getAppMetrics().find((m) => m.serviceName === 'Lockstep store' || m.name === 'Lockstep store')?.pid,
      );
    const pid = await storePid();
    expect(pid).toBeTruthy();
    // Once started again, the window is told to read everything again (as after opening a folder).
    await page.evaluate(() => {
      const w = window as unknown as { restarted: boolean };
      w.restarted = false;
      window.lockstep.on('folderChanged', () => (w.restarted = true));
    });
    process.kill(pid as number, 'SIGKILL');
    await expect(page.getByTestId('error-message')).toContainText("Lockstep's store process stopped");
    await expect.poll(storePid, { timeout: 20_000 }).not.toBe(pid);
    await expect.poll(storePid, { timeout: 20_000 }).toBeTruthy();
    await expect.poll(() => page.evaluate(() => (window as unknown as { restarted: boolean }).restarted), { timeout: 20_000 }).toBe(true);

    // Started again: the window reads the team again and a new task is saved on disk.
    await openTeam(page, 'webapp');
    await page.getByRole('button', { name: 'New task' }).click();
    await page.getByRole('dialog', { name: 'New task' }).getByLabel('New task subject').fill('Written after a restart');
    await page.getByRole('button', { name: 'Create task' }).click();
    await expect(page.getByTestId('status-message')).toContainText('Created "Written after a restart"');
    const files = fs.readdirSync(path.join(dataDir, 'tasks', 'webapp')).filter((f) => /^task-.*\.json$/.test(f));
    expect(files.some((f) => readTask(dataDir, 'webapp', f.slice(5, 13)).subject === 'Written after a restart')).toBe(true);
  } finally {
    await app.close();
  }
});
