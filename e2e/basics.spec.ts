import { expect, test, type Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { LockstepStore } from '../src/store';
import { copyFixture, launchApp, openTeam, readTask, ROOT } from './app';

/** The basics a Trello/Linear user expects, drag rules shown before the drop, and words a person understands. */

const SHOTS = path.join(ROOT, 'test-results', 'window');

function findTask(dataDir: string, subject: string): Record<string, unknown> | undefined {
  const dir = path.join(dataDir, 'tasks', 'webapp');
  return fs
    .readdirSync(dir)
    .filter((f) => /^task-[0-9a-f]{8}\.json$/.test(f))
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>)
    .find((t) => t.subject === subject);
}

/** Picks a card up with the mouse and holds it over `target`; returns the function that drops it. */
async function holdOver(page: Page, card: string, target: string): Promise<() => Promise<void>> {
  const from = (await page.getByTestId(card).boundingBox())!;
  const to = (await page.getByTestId(target).boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + 15);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 10, from.y + 25, { steps: 3 });
  await page.mouse.move(to.x + to.width / 2, to.y + Math.min(to.height / 2, 60), { steps: 10 });
  return () => page.mouse.up();
}

test('N makes a new task with description, priority, owner and blockers; ? lists the shortcuts; / searches; menus show the keys', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    await page.keyboard.press('n');
    const dialog = page.getByRole('dialog', { name: 'New task' });
    await expect(dialog).toBeVisible();
    // The disabled button says why.
    await expect(dialog.getByRole('button', { name: 'Create task' })).toBeDisabled();
    await expect(dialog).toContainText('Give the task a subject.');
    await dialog.getByLabel('New task subject').fill('Write the changelog');
    await dialog.getByLabel('Description').fill('Everything since 0.3, in plain words.');
    await dialog.getByLabel('Priority').selectOption('high');
    await dialog.getByLabel('Owner').selectOption('frontend');
    await dialog.getByRole('checkbox', { name: /Design the signup API/ }).check();
    await page.screenshot({ path: path.join(SHOTS, 'new-task-dialog.png') });
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('status-message')).toContainText('Created "Write the changelog"');
    const created = findTask(dataDir, 'Write the changelog');
    expect(created).toMatchObject({ description: 'Everything since 0.3, in plain words.', priority: 'high', owner: 'frontend', blockedBy: ['dd0eba2d'], status: 'blocked' });
    await expect(page.getByTestId(`task-card-${String(created?.id)}`)).toContainText('waits for');

    // A refusal while a dialog is open is said inside the dialog (not under its backdrop), and the dialog stays.
    await page.keyboard.press('n');
    await dialog.getByLabel('New task subject').fill('Announce the release');
    await dialog.getByRole('checkbox', { name: /Document the API/ }).check();
    await new LockstepStore({ dataDir, actor: { name: 'agent-4', via: 'cli' } }).completeTask('webapp', '087e245f', { agent: 'agent-4' });
    await expect(dialog.getByRole('checkbox', { name: /Document the API.*completed/ })).toBeChecked();
    await dialog.getByRole('button', { name: 'Create task' }).click();
    const inDialog = dialog.getByTestId('dialog-error');
    await expect(inDialog).toHaveText('Task 087e245f ("Document the API") is already completed, so a new task cannot wait for it.');
    await page.screenshot({ path: path.join(SHOTS, 'dialog-error.png') });
    expect(await inDialog.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return el.contains(document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2));
    })).toBe(true);
    await dialog.getByRole('checkbox', { name: /Document the API/ }).click(); // unticked, it leaves the list
    await expect(dialog.getByRole('checkbox', { name: /Document the API/ })).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Create task' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('status-message')).toContainText('Created "Announce the release"');
    await expect(page.getByTestId('error-message')).toHaveCount(0); // the success replaced the error
    expect(findTask(dataDir, 'Announce the release')).toMatchObject({ blockedBy: [] });

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('New task');
    await expect(help).toContainText('Search tasks');
    await page.screenshot({ path: path.join(SHOTS, 'shortcuts.png') });
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();

    await page.keyboard.press('/');
    await expect(page.getByLabel('Search tasks')).toBeFocused();
    await page.keyboard.type('changelog');
    await expect(page.getByTestId('board').locator('[data-testid^="task-card-"]')).toHaveCount(1);
    await page.keyboard.press('Escape'); // clears the search
    await expect(page.getByLabel('Search tasks')).toHaveValue('');
    await page.getByLabel('Search tasks').blur();
    await page.keyboard.press('Control+f');
    await expect(page.getByLabel('Search tasks')).toBeFocused();

    // The menus show the same keys, and choosing an item does what the key does.
    const items = await app.evaluate(({ Menu }) => {
      const out: Record<string, string> = {};
      const walk = (menu: Electron.Menu | null) => menu?.items.forEach((i) => ((out[i.label] = String(i.accelerator ?? '')), walk(i.submenu ?? null)));
      walk(Menu.getApplicationMenu());
      return out;
    });
    expect(items).toMatchObject({ 'New Task…': 'N', 'Find Tasks…': 'CmdOrCtrl+F', 'Keyboard Shortcuts': '?' });
    await page.getByLabel('Search tasks').blur();
    await app.evaluate(({ Menu }) => {
      const find = (menu: Electron.Menu | null): Electron.MenuItem | undefined => {
        for (const i of menu?.items ?? []) {
          if (i.label === 'New Task…') return i;
          const inner = find(i.submenu ?? null);
          if (inner) return inner;
        }
        return undefined;
      };
      find(Menu.getApplicationMenu())?.click();
    });
    await expect(dialog).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  } finally {
    await app.close();
  }
});

test('while dragging, columns that would refuse the card say why; a drop there changes nothing and says so', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    // "Write end-to-end tests" waits for "Design the signup API" (in progress) and "Build the signup form".
    const before = readTask(dataDir, 'webapp', 'cb4e74bf');
    const drop = await holdOver(page, 'task-card-cb4e74bf', 'column-completed');
    await expect(page.getByTestId('refusal-completed')).toContainText('waits for "Design the signup API" (in progress)');
    await expect(page.getByTestId('refusal-in_progress')).toContainText('waits for');
    await expect(page.getByTestId('refusal-pending')).toHaveCount(0);
    await expect(page.getByTestId('drag-refusal')).toContainText('waits for "Design the signup API"'); // on the card in hand
    await page.screenshot({ path: path.join(SHOTS, 'drag-refusal.png') });
    await drop();
    await expect(page.getByTestId('error-message')).toContainText('waits for "Design the signup API"');
    await expect(page.getByTestId('refusal-completed')).toHaveCount(0);
    expect(readTask(dataDir, 'webapp', 'cb4e74bf')).toEqual(before);

    // A task somebody else holds: every other column refuses, naming the holder.
    const held = readTask(dataDir, 'webapp', 'dd0eba2d');
    const drop2 = await holdOver(page, 'task-card-dd0eba2d', 'column-pending');
    await expect(page.getByTestId('refusal-pending')).toContainText('Locked by backend');
    await expect(page.getByTestId('refusal-completed')).toContainText('Locked by backend');
    await drop2();
    await expect(page.getByTestId('error-message')).toContainText('Locked by backend');
    expect(readTask(dataDir, 'webapp', 'dd0eba2d')).toEqual(held);

    // A member without the tags the task requires: unavailable while dragging, with the reason; a drop is refused.
    const agent = new LockstepStore({ dataDir, actor: { name: 'agent-2', via: 'cli' } });
    await agent.setMemberProfile('webapp', 'frontend', { capabilities: ['css'] });
    await agent.updateTask('webapp', '087e245f', { metadata: { requires: ['ui'] } }, { agent: 'agent-2' });
    await expect(page.getByTestId('member-frontend')).toContainText('css');
    const owner = readTask(dataDir, 'webapp', '087e245f').owner;
    const drop4 = await holdOver(page, 'task-card-087e245f', 'member-frontend');
    await expect(page.getByTestId('member-frontend')).toContainText('frontend lacks ui');
    await expect(page.getByTestId('member-frontend')).toHaveClass(/unavailable/);
    await drop4();
    await expect(page.getByTestId('error-message')).toContainText('cannot go to frontend: frontend lacks ui');
    expect(readTask(dataDir, 'webapp', '087e245f').owner).toBe(owner);

    // A success clears the error line.
    const drop3 = await holdOver(page, 'task-card-797906f1', 'member-tester');
    await drop3();
    await expect(page.getByTestId('status-message')).toContainText('Assigned');
    await expect(page.getByTestId('error-message')).toHaveCount(0);
  } finally {
    await app.close();
  }
});

test('problems are said beside the field as the person types; times are relative with the exact time on hover; no raw versions', async () => {
  const { app, page } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    await page.getByRole('button', { name: 'Create a team' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a team' });
    const name = dialog.getByLabel('Name');
    // A name with spaces is a display name: the short name agents will use shows as the person types (issue 27).
    await name.fill('my team');
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    await expect(dialog.getByTestId('short-name')).toContainText('Agents use: my-team');
    await name.fill('webapp');
    await expect(dialog.getByRole('alert')).toHaveText('There is already a team named webapp.');
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    await page.screenshot({ path: path.join(SHOTS, 'create-team-problem.png') });
    await expect(dialog.getByRole('button', { name: 'Create' })).toBeDisabled();
    await name.fill('my-team');
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Create' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('status-message')).toContainText('Created team my-team');

    await openTeam(page, 'webapp');
    await page.getByRole('button', { name: '+ Member' }).click();
    const member = page.getByRole('dialog', { name: 'Add a member' });
    await member.getByLabel('New member name').fill('tester');
    await expect(member.getByRole('alert')).toHaveText('There is already a member named tester.');
    await member.getByRole('button', { name: 'Cancel' }).click();

    await page.getByTestId('task-card-dd0eba2d').click();
    const panel = page.getByTestId('detail-panel');
    const since = panel.locator('time').first();
    await expect(since).toHaveText(/^since \d+ (s|min|h|d) ago$/);
    expect(await since.getAttribute('title')).toMatch(/\d{4}/); // the exact date and time
    await expect(panel).toContainText(/Created \d+ (s|min|h|d) ago/);
    const versions = await page.evaluate(async () => {
      const r = await window.lockstep.getTeam({ team: 'webapp' });
      return r.ok ? r.value.tasks.map((t) => t.version) : [];
    });
    const text = (await page.locator('body').textContent()) ?? '';
    for (const v of versions) expect(text).not.toContain(v);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // no raw timestamp anywhere
    expect(text).not.toMatch(/Invalid \w+ request/);
  } finally {
    await app.close();
  }
});
