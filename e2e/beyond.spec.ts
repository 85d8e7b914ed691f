import { expect, test } from '@playwright/test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cli, copyFixture, dragTo, launchApp, openTeam, readTask } from './app';

/** Conflict-checked edits, leased claims, undo and the stall radar, in the real window. */

function writeTask(dataDir: string, team: string, id: string, patch: Record<string, unknown>): void {
  // As a writer outside Lockstep (ClawTeam) would: whole file replaced.
  const file = path.join(dataDir, 'tasks', team, `task-${id}.json`);
  const tmp = `${file}.e2e-tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ ...readTask(dataDir, team, id), ...patch }, null, 2));
  fs.renameSync(tmp, file);
}

test('an edit made on a stale view asks "keep theirs / apply mine", naming who changed the task', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    const panel = page.getByTestId('detail-panel');

    // Keep theirs: my typed text is dropped, the agent's change stays, nothing of mine is written.
    await page.getByTestId('task-card-087e245f').click();
    await panel.getByLabel('Subject').fill('Document the public API');
    cli(dataDir, ['task', 'update', 'webapp', '087e245f', '--priority', 'urgent', '--as', 'agent-3']);
    await expect(panel.getByTestId('changed-underneath')).toBeVisible();
    await expect(panel.getByLabel('Subject')).toHaveValue('Document the public API'); // not overwritten under my hands
    await panel.getByRole('button', { name: 'Save text' }).click();
    const dialog = page.getByRole('dialog', { name: 'Somebody changed this task' });
    await expect(dialog).toContainText('agent-3 changed priority');
    await dialog.getByRole('button', { name: 'Keep theirs' }).click();
    await expect(dialog).toBeHidden();
    await expect(panel.getByLabel('Subject')).toHaveValue('Document the API');
    expect(readTask(dataDir, 'webapp', '087e245f')).toMatchObject({ subject: 'Document the API', priority: 'urgent' });

    // Apply mine: applied on top of theirs, both changes on disk.
    await panel.getByLabel('Subject').fill('Document the public API');
    cli(dataDir, ['task', 'update', 'webapp', '087e245f', '--description', 'REST and events', '--as', 'agent-3']);
    await expect(panel.getByTestId('changed-underneath')).toBeVisible();
    await panel.getByRole('button', { name: 'Save text' }).click();
    await expect(dialog).toContainText('agent-3 changed description');
    await dialog.getByRole('button', { name: 'Apply mine' }).click();
    await expect.poll(() => readTask(dataDir, 'webapp', '087e245f').subject).toBe('Document the public API');
    expect(readTask(dataDir, 'webapp', '087e245f')).toMatchObject({ priority: 'urgent' });
    await expect(page.getByTestId('task-card-087e245f')).toContainText('Document the public API');
  } finally {
    await app.close();
  }
});

test('a leased claim shows a countdown on its card, and an expired lease says so', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    cli(dataDir, ['task', 'claim', 'webapp', '087e245f', '--as', 'agent-5', '--lease', '5m']);
    const holder = page.getByTestId('lock-holder-087e245f');
    await expect(holder).toContainText('agent-5');
    await expect(holder).toContainText(/[45]:\d\d left to finish/);
    const first = await holder.textContent();
    await expect.poll(() => holder.textContent(), { timeout: 5000 }).not.toBe(first); // it counts down

    cli(dataDir, ['task', 'release', 'webapp', '087e245f', '--as', 'agent-5']);
    cli(dataDir, ['task', 'claim', 'webapp', '087e245f', '--as', 'agent-6', '--lease', '1s']);
    await expect(page.getByTestId('lock-holder-087e245f')).toContainText('agent-6');
    await expect(page.getByTestId('lock-holder-087e245f')).toContainText('time ran out');
  } finally {
    await app.close();
  }
});

test('Ctrl+Z undoes the person\'s last change, and refuses, naming the agent, once an agent has touched the task', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    await dragTo(page, 'task-card-087e245f', 'member-tester');
    await expect.poll(() => readTask(dataDir, 'webapp', '087e245f').owner).toBe('tester');
    await page.getByTestId('status-message').getByRole('button', { name: 'Dismiss' }).click();

    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('status-message')).toContainText('Undid your last change');
    await expect.poll(() => readTask(dataDir, 'webapp', '087e245f').owner).toBe('');
    await expect(page.getByTestId('task-card-087e245f')).toContainText('unassigned');

    await dragTo(page, 'task-card-087e245f', 'member-tester');
    await expect.poll(() => readTask(dataDir, 'webapp', '087e245f').owner).toBe('tester');
    cli(dataDir, ['task', 'update', 'webapp', '087e245f', '--priority', 'high', '--as', 'agent-7']);
    await page.keyboard.press('Control+z');
    // Issue 10: the refusal says who did what, in words (it said "agent-7 changed it since … Nothing was undone").
    await expect(page.getByTestId('error-message')).toContainText('agent-7 changed the priority of "Document the API" to high');
    await expect(page.getByTestId('error-message')).toContainText('nothing was undone');
    expect(readTask(dataDir, 'webapp', '087e245f')).toMatchObject({ owner: 'tester', priority: 'high' });
  } finally {
    await app.close();
  }
});

test('the stall radar lists what blocks the team, and each fix button repairs it on disk', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    // A claim whose holder process is gone (a pid that has exited, on this host).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    cli(dataDir, ['task', 'claim', 'webapp', '087e245f', '--as', 'ghost', '--pid', gone.stdout.trim()]);
    // Blocked although its only blocker is completed; and a blocker id that does not exist.
    writeTask(dataDir, 'webapp', '797906f1', { status: 'blocked', blockedBy: ['fdbd3860'] });
    writeTask(dataDir, 'webapp', 'cb4e74bf', { blockedBy: ['dd0eba2d', '797906f1', 'deadbeef'] });

    await openTeam(page, 'webapp');
    await page.getByRole('button', { name: 'Stall radar' }).click();
    const radar = page.getByTestId('radar');
    const fix = async (kind: string, holder?: string) => {
      const finding = radar.getByTestId(`finding-${kind}`);
      await expect(finding).toBeVisible();
      await finding.getByRole('button').click();
      if (holder) {
        // Issue 10: releasing a claim from the radar asks, naming the holder, with a reason (as the task panel does).
        const dialog = page.getByRole('dialog', { name: `Break ${holder}'s claim?` });
        await dialog.getByLabel('Reason (kept in the team journal)').fill('the radar says it is stalled');
        await dialog.getByRole('button', { name: `Break ${holder}'s claim` }).click();
      }
      await expect(page.getByTestId('status-message')).toContainText('Fixed');
      await expect(finding).toBeHidden();
    };

    await fix('holder-gone', 'ghost');
    expect(readTask(dataDir, 'webapp', '087e245f')).toMatchObject({ lockedBy: '', status: 'pending' });
    await expect(page.getByTestId('lock-holder-087e245f')).toBeHidden();

    await fix('blocked-but-free');
    expect(readTask(dataDir, 'webapp', '797906f1')).toMatchObject({ status: 'pending' });
    await expect(page.getByTestId('column-pending').getByTestId('task-card-797906f1')).toBeVisible();

    await fix('dangling-blocker');
    expect(readTask(dataDir, 'webapp', 'cb4e74bf').blockedBy).toEqual(['dd0eba2d', '797906f1']);

    // The fixture's own claim (backend, since ClawTeam wrote the folder) is older than the 2 h threshold.
    await fix('old-claim', 'backend');
    expect(readTask(dataDir, 'webapp', 'dd0eba2d')).toMatchObject({ lockedBy: '' });

    await expect(radar).toContainText('Nothing is stalled');
    const history = cli(dataDir, ['history', 'webapp']) as { entries: { op: string }[] };
    expect(history.entries.length).toBeGreaterThanOrEqual(5); // the claim and four fixes, each journaled
  } finally {
    await app.close();
  }
});
