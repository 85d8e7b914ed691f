import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { cli, CLI, copyFixture, openTeam, PERSON, ROOT, tempDir } from './app';

/**
 * The message panel and cost strip in the real window (1280x800 via BrowserWindow.setContentSize), with agents
 * acting through the real CLI in their own processes.
 */

let app: ElectronApplication | null = null;
const dirs: string[] = [];

test.afterEach(async () => {
  await app?.close();
  app = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function launch(seed?: (dataDir: string) => void): Promise<{ page: Page; dataDir: string }> {
  const dataDir = copyFixture();
  const userData = tempDir('lockstep-e2e-user-');
  dirs.push(dataDir, userData);
  seed?.(dataDir);
  fs.writeFileSync(path.join(userData, 'settings.json'), JSON.stringify({ agentName: PERSON }));
  app = await _electron.launch({
    args: [ROOT, '--disable-gpu'],
    env: { ...process.env, LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_USER_DATA_DIR: userData, LOCKSTEP_ALLOW_MULTIPLE: '1' },
  });
  const page = await app.firstWindow();
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].setContentSize(1280, 800));
  await expect(page.getByRole('navigation', { name: 'Teams' })).toBeVisible();
  await openTeam(page, 'webapp');
  await expect(page.getByTestId('message-panel')).toBeVisible();
  return { page, dataDir };
}

const rows = (page: Page) => page.getByTestId('message-row');

test("a CLI agent's message appears in the panel live, newest first, full text on click", async () => {
  const { page, dataDir } = await launch((d) => cli(d, ['inbox', 'send', 'webapp', 'backend', 'older message', '--as', 'frontend']));
  await expect(rows(page)).toHaveCount(1);
  const long = `The login API returns 500 when the token expired.\nSteps: 1. log in 2. wait an hour 3. refresh. ${'More detail. '.repeat(20)}`;
  cli(dataDir, ['inbox', 'send', 'webapp', 'frontend', long, '--as', 'backend']);
  await expect(rows(page)).toHaveCount(2);
  const newest = rows(page).first();
  await expect(newest).toHaveAttribute('data-from', 'backend');
  await expect(newest).toContainText('backend → frontend');
  await expect(newest).toContainText('Direct');
  await expect(newest).toContainText(/\d+ s ago/);
  const button = newest.getByRole('button');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(newest.locator('.mp-content.full')).toContainText('Steps: 1. log in');
  // A broadcast is one row, however many inboxes it went to.
  cli(dataDir, ['inbox', 'broadcast', 'webapp', 'Deploy freeze at 17:00', '--as', 'lead']);
  await expect(rows(page).first()).toContainText('Broadcast');
  await expect(rows(page).first()).toContainText('lead → everyone (3)');
  await expect(rows(page)).toHaveCount(3);
});

test('a message composed in the window lands in the agent inbox, and `lockstep inbox receive` returns it once', async () => {
  const { page, dataDir } = await launch();
  await page.getByTestId('compose-to').selectOption('tester');
  await page.getByTestId('compose-text').fill('Please re-run the smoke tests on staging.');
  await page.getByTestId('compose-text').press('Control+Enter');
  await expect(page.getByTestId('compose-text')).toHaveValue('');
  await expect(rows(page).first()).toContainText(`${PERSON} → tester`);
  const got = cli(dataDir, ['inbox', 'receive', 'webapp', '--as', 'tester']);
  expect(got.count).toBe(1);
  expect(got.messages[0]).toMatchObject({ from: PERSON, to: 'tester', type: 'message', content: 'Please re-run the smoke tests on staging.' });
  expect(cli(dataDir, ['inbox', 'receive', 'webapp', '--as', 'tester']).count).toBe(0);
  // An empty message is not sent.
  await expect(page.getByTestId('compose-send')).toBeDisabled();
});

test('clicking a member card filters to what that member sent and received; unread counts fall when the agent receives', async () => {
  const { page, dataDir } = await launch((d) => {
    cli(d, ['inbox', 'send', 'webapp', 'backend', 'schema is ready', '--as', 'frontend']);
    cli(d, ['inbox', 'send', 'webapp', 'frontend', 'thanks, wiring it now', '--as', 'backend']);
    cli(d, ['inbox', 'send', 'webapp', 'tester', 'unrelated', '--as', 'lead']);
    cli(d, ['inbox', 'send', 'webapp', 'backend', 'one more thing', '--as', 'tester']);
  });
  await expect(rows(page)).toHaveCount(4);
  await expect(page.getByTestId('unread-backend')).toHaveAttribute('data-count', '2');
  await expect(page.getByTestId('unread-lead')).toHaveAttribute('data-count', '0');

  await page.getByTestId('member-backend').click({ position: { x: 60, y: 12 } });
  await expect(page.getByTestId('message-filter')).toContainText("backend's messages");
  await expect(rows(page)).toHaveCount(3);
  await expect(rows(page).nth(0)).toContainText('Received'); // tester → backend
  await expect(rows(page).nth(1)).toContainText('Sent'); // backend → frontend
  await expect(rows(page).nth(2)).toContainText('Received'); // frontend → backend
  await expect(page.getByTestId('message-list')).not.toContainText('unrelated');

  cli(dataDir, ['inbox', 'receive', 'webapp', '--as', 'backend']);
  await expect(page.getByTestId('unread-backend')).toHaveAttribute('data-count', '0');
  // The same card again (or "show all") clears the filter.
  await page.getByTestId('member-backend').click({ position: { x: 60, y: 12 } });
  await expect(rows(page)).toHaveCount(4);
});

test('the budget bar turns red when an agent reports past the budget', async () => {
  const { page, dataDir } = await launch((d) => cli(d, ['cost', 'report', 'webapp', '--as', 'backend', '--input-tokens', '12000', '--output-tokens', '3000', '--cost-cents', '60']));
  await expect(page.getByTestId('cost-total')).toContainText('$0.60');
  await expect(page.getByTestId('budget-bar')).toHaveAttribute('data-state', 'none');
  await page.getByRole('button', { name: 'Set budget' }).click();
  await page.getByTestId('budget-input').fill('1');
  await page.getByTestId('budget-input').press('Enter');
  await expect(page.getByTestId('budget-bar')).toHaveAttribute('data-state', 'ok');
  expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'teams', 'webapp', 'config.json'), 'utf8')).budgetCents).toBe(100);
  cli(dataDir, ['cost', 'report', 'webapp', '--as', 'frontend', '--input-tokens', '9000', '--output-tokens', '1000', '--cost-cents', '25']);
  await expect(page.getByTestId('budget-bar')).toHaveAttribute('data-state', 'warn');
  cli(dataDir, ['cost', 'report', 'webapp', '--as', 'frontend', '--input-tokens', '9000', '--output-tokens', '1000', '--cost-cents', '40']);
  await expect(page.getByTestId('budget-bar')).toHaveAttribute('data-state', 'over');
  await expect(page.getByTestId('cost-strip')).toContainText('Over budget by $0.25');
  await expect(page.getByTestId('cost-agents')).toContainText('frontend');
  await expect(page.getByTestId('cost-agents')).toContainText('18k in');
  // A budget that is not an amount is refused in plain words.
  await page.getByRole('button', { name: 'Edit budget' }).click();
  await page.getByTestId('budget-input').fill('lots');
  await page.getByTestId('budget-input').press('Enter');
  await expect(page.getByRole('alert')).toContainText('amount of dollars');
});

test('new messages keep the reading position; screenshot of the panel', async () => {
  const { page, dataDir } = await launch((d) => {
    const say = (from: string, to: string, text: string) => cli(d, ['inbox', 'send', 'webapp', to, text, '--as', from]);
    for (let i = 0; i < 30; i++) say(i % 2 ? 'backend' : 'frontend', i % 2 ? 'frontend' : 'backend', `Sync ${i}: progress on the checkout flow`);
    say('lead', 'backend', 'Can you take the payments webhook after the API docs?');
    say('backend', 'ana_lead', 'Yes — starting after lunch.');
    cli(d, ['inbox', 'broadcast', 'webapp', 'Deploy freeze at 17:00 today; merge before then.', '--as', 'lead']);
    say('tester', 'frontend', 'The login form loses focus after an error; screenshot in the ticket.');
    cli(d, ['cost', 'budget', 'webapp', '20']);
    for (const [a, c, i, o] of [['backend', '820', '410000', '52000'], ['frontend', '540', '260000', '38000'], ['tester', '190', '90000', '9000'], ['lead', '95', '40000', '6000']]) {
      cli(d, ['cost', 'report', 'webapp', '--as', a, '--cost-cents', c, '--input-tokens', i, '--output-tokens', o, '--model', 'claude']);
    }
  });
  await expect(rows(page).first()).toContainText('tester → frontend');
  const list = page.getByTestId('message-list');
  const settle = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await list.evaluate((el) => (el.scrollTop = 600));
  await settle();
  const before = await list.evaluate((el) => {
    const r = [...el.querySelectorAll('[data-testid=message-row]')].find((x) => x.getBoundingClientRect().top >= el.getBoundingClientRect().top);
    return r?.querySelector('.mp-content')?.textContent ?? ''; // the row's text (its age ticks)
  });
  cli(dataDir, ['inbox', 'send', 'webapp', 'lead', 'New while reading', '--as', 'tester']);
  await expect(page.getByTestId('unread-lead')).toHaveAttribute('data-count', '2');
  await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeGreaterThan(600);
  await settle();
  const after = await list.evaluate((el) => {
    const r = [...el.querySelectorAll('[data-testid=message-row]')].find((x) => x.getBoundingClientRect().top >= el.getBoundingClientRect().top);
    return r?.querySelector('.mp-content')?.textContent ?? ''; // the row's text (its age ticks)
  });
  expect(after).toBe(before);
  await list.evaluate((el) => (el.scrollTop = 0));
  await expect(rows(page).first()).toContainText('tester → lead');
  await page.waitForTimeout(300);
  fs.mkdirSync(path.join(ROOT, 'test-results', 'e2e'), { recursive: true });
  const shot = await page.screenshot({ path: path.join(ROOT, 'test-results', 'e2e', 'screenshot-messages.png') });
  if (process.env.LOCKSTEP_UPDATE_SCREENSHOT === '1') fs.writeFileSync(path.join(ROOT, 'docs', 'screenshot-messages.png'), shot);
});

test('a long history opens on its newest 1,000 messages; older ones load on request, below, without moving anything', async () => {
  const { page } = await launch((d) => {
    // 1,205 messages written straight into the history, as ClawTeam writes them.
    const dir = path.join(d, 'teams', 'webapp', 'events');
    fs.mkdirSync(dir, { recursive: true });
    const start = Date.now() - 1205 * 1000;
    for (let i = 0; i < 1205; i++) {
      const ms = start + i * 1000;
      const msg = { type: 'message', from: 'backend', to: 'frontend', content: `History ${i}`, timestamp: new Date(ms).toISOString().replace('Z', '000+00:00') };
      fs.writeFileSync(path.join(dir, `evt-${ms}-${i.toString(16).padStart(8, '0')}.json`), JSON.stringify(msg, null, 2));
    }
  });
  await expect(rows(page).first()).toContainText('History 1204');
  const list = page.getByTestId('message-list');
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(rows(page).last()).toContainText('History 205');
  const top = await list.evaluate((el) => el.scrollTop);
  await page.getByTestId('load-older').click();
  await expect(page.getByTestId('load-older')).toHaveCount(0); // everything is loaded now
  expect(await list.evaluate((el) => el.scrollTop)).toBe(top);
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(rows(page).last()).toContainText('History 0');
});
