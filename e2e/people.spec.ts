import { expect, test } from '@playwright/test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cli, copyFixture, launchApp, openTeam, readTask, ROOT, setWindowSize } from './app';

/**
 * People's names and people's work (issue 27): display names with spaces beside the short names agents use, moving
 * claims when you change who you act as, an activity view that does not double after a rename, and a conflict
 * question that shows both texts and keeps mine.
 */

const SHOTS = path.join(ROOT, 'test-results', 'e2e');

test('a team "Marketing Launch" with member "Sam Lee": spaces where people read, short names where agents work', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.getByRole('button', { name: 'Create a team' }).click();
    const create = page.getByRole('dialog', { name: 'Create a team' });
    await create.getByLabel('Name').fill('Marketing Launch');
    await expect(create.getByTestId('short-name')).toContainText('Agents use: marketing-launch');
    await page.screenshot({ path: path.join(SHOTS, 'create-team-display-name-1400x900.png') });
    await create.getByRole('button', { name: 'Create' }).click();
    await expect(create).toBeHidden();

    await expect(page.getByTestId('team-item-marketing-launch')).toContainText('Marketing Launch');
    await expect(page.locator('.team-head h1')).toHaveText('Marketing Launch');
    await expect(page.getByTestId('team-agents-use')).toContainText('marketing-launch');

    await page.getByRole('button', { name: '+ Member' }).click();
    const add = page.getByRole('dialog', { name: 'Add a member' });
    await add.getByLabel('New member name').fill('Sam Lee');
    await expect(add.getByTestId('short-name')).toContainText('Agents use: sam-lee');
    await add.getByRole('button', { name: 'Add member' }).click();
    await expect(add).toBeHidden();
    const card = page.getByTestId('member-sam-lee');
    await expect(card).toContainText('Sam Lee');
    await expect(card).toContainText('agents use: sam-lee');
    await page.screenshot({ path: path.join(SHOTS, 'display-names-1400x900.png') });

    // On disk: ClawTeam's config keeps the short names; the display names are Lockstep's own.
    const config = JSON.parse(fs.readFileSync(path.join(dataDir, 'teams', 'marketing-launch', 'config.json'), 'utf8'));
    expect(config.members.map((m: { name: string }) => m.name)).toEqual(['sam-lee']);
    expect(JSON.stringify(config)).not.toContain('Sam Lee');

    // Start agent… names the short names the agent will use.
    await card.getByRole('button', { name: 'Start agent sam-lee…' }).click();
    const start = page.getByRole('dialog', { name: 'Start agent Sam Lee' });
    await expect(start.getByTestId('start-agents-use')).toContainText('lockstep task claim marketing-launch --next --as sam-lee');
    await start.getByRole('button', { name: 'Cancel' }).click();

    // An agent in its own process, using the short names, claims and completes the work.
    const task = cli(dataDir, ['task', 'create', 'marketing-launch', 'Draft the announcement']);
    const agent = spawnSync(process.execPath, [path.join(__dirname, 'cli-agent.cjs'), dataDir, 'marketing-launch', 'sam-lee'], {
      encoding: 'utf8',
    });
    expect(agent.status, agent.stderr).toBe(0);
    expect(JSON.parse(agent.stdout).claimed).toEqual([task.id]);
    expect(readTask(dataDir, 'marketing-launch', task.id as string)).toMatchObject({ status: 'completed', owner: 'sam-lee' });
    const done = page.getByTestId(`task-card-${task.id}`);
    await expect(done).toContainText('@Sam Lee');
    await expect(page.getByTestId('column-completed').getByTestId(`task-card-${task.id}`)).toBeVisible();

    // Renaming to a name with spaces changes what people see only: agents keep marketing-launch; Undo takes it back.
    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename team Marketing Launch' });
    await rename.getByLabel('New name').fill('Spring Launch');
    await expect(rename.getByTestId('rename-shown')).toContainText('agents keep using marketing-launch');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('team-item-marketing-launch')).toContainText('Spring Launch');
    await expect(page.locator('.team-head h1')).toHaveText('Spring Launch');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByTestId('team-item-marketing-launch')).toContainText('Marketing Launch');
    // The smallest window still shows the short name under the team's name.
    await setWindowSize(app, page, 900, 600);
    await expect(page.getByTestId('team-agents-use')).toBeVisible();
    await page.screenshot({ path: path.join(SHOTS, 'display-names-900x600.png') });
  } finally {
    await app.close();
  }
});

test('changing who you act as offers to move your claims; moved in one step, and Undo gives them back', async () => {
  const dataDir = copyFixture();
  cli(dataDir, ['task', 'claim', 'webapp', '087e245f', '--as', 'root']);
  const { app, page } = await launchApp(dataDir, 'root');
  try {
    await openTeam(page, 'webapp');
    await page.getByRole('button', { name: 'change', exact: true }).click();
    await page.getByLabel('Your agent name').fill('sam');
    await page.getByLabel('Your agent name').press('Enter');
    const offer = page.getByRole('dialog', { name: 'Move your claims?' });
    await expect(offer.getByTestId('move-claims-question')).toHaveText('You hold a claim as root in webapp. Move it to sam?');
    await page.screenshot({ path: path.join(SHOTS, 'move-claims-1400x900.png') });
    await offer.getByRole('button', { name: 'Move them' }).click();
    await expect(offer).toBeHidden();
    await expect.poll(() => readTask(dataDir, 'webapp', '087e245f').lockedBy).toBe('sam');
    expect(readTask(dataDir, 'webapp', '087e245f').owner).toBe('sam');
    await expect(page.getByTestId('lock-holder-087e245f')).toContainText('sam');

    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => readTask(dataDir, 'webapp', '087e245f').lockedBy).toBe('root');
    expect(readTask(dataDir, 'webapp', '087e245f').owner).toBe('root');

    // Leave them: nothing moves.
    await page.getByRole('button', { name: 'change', exact: true }).click();
    await page.getByLabel('Your agent name').fill('root');
    await page.getByLabel('Your agent name').press('Enter');
    await expect(page.locator('.identity-name')).toHaveText('root');
    await page.getByRole('button', { name: 'change', exact: true }).click();
    await page.getByLabel('Your agent name').fill('kim');
    await page.getByLabel('Your agent name').press('Enter');
    await offer.getByRole('button', { name: 'Leave them' }).click();
    await expect(offer).toBeHidden();
    expect(readTask(dataDir, 'webapp', '087e245f').lockedBy).toBe('root');
  } finally {
    await app.close();
  }
});

test('after renaming a team, the activity view lists each past line once', async () => {
  const dataDir = copyFixture();
  cli(dataDir, ['task', 'update', 'webapp', '087e245f', '--priority', 'high', '--as', 'agent-3']);
  cli(dataDir, ['task', 'claim', 'webapp', '087e245f', '--as', 'agent-3']);
  const { app, page } = await launchApp(dataDir);
  try {
    await openTeam(page, 'webapp');
    const strip = page.getByTestId('activity-strip');
    await expect(strip).toContainText('agent-3');
    const lines = () => strip.locator('[data-testid="activity-row"], [data-testid="activity-group"] > details > summary').allInnerTexts();
    const before = (await lines()).length;
    await page.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByRole('dialog', { name: 'Rename team webapp' });
    await dialog.getByLabel('New name').fill('webshop');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByTestId('team-item-webshop')).toBeVisible();
    await expect(strip).toContainText('webshop');
    await page.waitForTimeout(1500); // the re-read after a rename, and any watcher events, have landed
    const after = await lines();
    expect(after.length).toBeLessThanOrEqual(before + 1); // the rename itself
    expect(after.filter((l) => l.includes('changed the priority')).length).toBe(1);
  } finally {
    await app.close();
  }
});

test('a conflict on the description shows my text beside theirs, and Keep theirs keeps a copy of mine', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await setWindowSize(app, page, 900, 600);
    await openTeam(page, 'webapp');
    await page.getByTestId('task-card-087e245f').click();
    const panel = page.getByTestId('detail-panel');
    await panel.getByLabel('Description').fill('Write the REST reference with examples for every endpoint');
    cli(dataDir, ['task', 'update', 'webapp', '087e245f', '--description', 'Write the GraphQL reference', '--as', 'agent-3']);
    await expect(panel.getByTestId('changed-underneath')).toBeVisible();
    await panel.getByRole('button', { name: 'Save text' }).click();
    const dialog = page.getByRole('dialog', { name: 'Somebody changed this task' });
    await expect(dialog.getByTestId('conflict-mine-description')).toContainText(
      'Write the REST reference with examples for every endpoint',
    );
    await expect(dialog.getByTestId('conflict-theirs-description')).toContainText('Write the GraphQL reference');
    await expect(dialog.getByTestId('conflict-theirs-description').locator('del')).toHaveText('GraphQL');
    await page.screenshot({ path: path.join(SHOTS, 'conflict-900x600.png') });
    // It fits the smallest window: both buttons on screen.
    for (const name of ['Keep theirs', 'Apply mine']) {
      const box = await dialog.getByRole('button', { name }).boundingBox();
      expect(box && box.y + box.height <= 600 && box.x + box.width <= 900).toBe(true);
    }
    // Keyboard: Tab reaches the buttons; Keep theirs by Enter.
    await dialog.getByRole('button', { name: 'Keep theirs' }).focus();
    await page.keyboard.press('Enter');
    await expect(dialog).toBeHidden();
    expect(readTask(dataDir, 'webapp', '087e245f').description).toBe('Write the GraphQL reference');
    await expect(panel.getByLabel('Description')).toHaveValue('Write the GraphQL reference');
    const kept = panel.getByTestId('discarded-text');
    await expect(kept.getByLabel('Your discarded text')).toHaveValue('Write the REST reference with examples for every endpoint');
    await expect(page.locator('body')).toContainText('Your discarded text');
    await page.screenshot({ path: path.join(SHOTS, 'discarded-text-900x600.png') });
  } finally {
    await app.close();
  }
});
