import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'pg';
import { parseTimestamp } from '../src/shared/time';
import { copyStore } from '../src/store/copy/copy';
import { freePort, postgresMissingReason, startCluster } from '../test/pg/cluster.mjs';
import { CLI, copyFixture, dragTo, openTeam, PERSON, ROOT, setWindowSize, spawnCli, tempDir as newTempDir } from './app';

/**
 * The app on a PostgreSQL database (issue 12), against a real throwaway cluster (test/pg/cluster.mjs): connecting
 * through File › Connect to Database…, a CLI process's change reaching a card, a drag racing CLI agents, and the
 * server going away and coming back. Skipped, saying why, only where PostgreSQL is not installed (CI installs it).
 */

const missing = postgresMissingReason();
if (missing) console.log(`skipping the app-on-a-database tests: ${missing}`);
test.skip(missing !== null, missing ?? '');

type Cluster = Awaited<ReturnType<typeof startCluster>>;
let cluster: Cluster;
const SHOTS = path.join(ROOT, 'test-results', 'e2e', 'db-shots');

test.beforeAll(async () => {
  cluster = await startCluster();
});
const made: string[] = [];
/** A temp folder removed after the tests. */
function tempDir(prefix: string): string {
  const dir = newTempDir(prefix);
  made.push(dir);
  return dir;
}
test.afterAll(() => {
  cluster?.stop();
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new database holding a copy of the ClawTeam fixture (teams webapp and research), with Lockstep's tables. */
async function fixtureDatabase(): Promise<string> {
  const url = cluster.createDatabase();
  const dir = copyFixture();
  try {
    await copyStore(dir, url);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return url;
}

async function sql<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function taskRow(url: string, id: string): Promise<Record<string, unknown>> {
  const rows = await sql<{ raw: string }>(url, 'SELECT raw FROM lockstep_tasks WHERE id = $1', [id]);
  return JSON.parse(rows[0].raw);
}

/** The cluster's server stopped (every connection cut) and started again on the same port. */
function pgCtl(args: string[]): void {
  const base = '/usr/lib/postgresql';
  const version = fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))[0];
  const pgctl = path.join(base, version, 'bin', 'pg_ctl');
  const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', pgctl, ...args]] : [pgctl, args];
  const res = spawnSync(cmd, argv, { encoding: 'utf8', cwd: cluster.dir });
  if (res.status !== 0) throw new Error(`pg_ctl ${args.at(-1)} failed: ${res.stderr || res.stdout}`);
}
const stopServer = () => pgCtl(['-D', path.join(cluster.dir, 'data'), '-m', 'fast', '-w', 'stop']);
const startServer = () =>
  pgCtl([
    '-D', path.join(cluster.dir, 'data'),
    '-l', path.join(cluster.dir, 'server.log'),
    '-o', `-c listen_addresses=127.0.0.1 -c port=${cluster.port} -c unix_socket_directories=${cluster.dir} -c max_connections=100 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
    '-w', '-t', '60', 'start',
  ]);

interface Launched {
  app: ElectronApplication;
  page: Page;
  userData: string;
}

/** The built app on a data folder (or, with LOCKSTEP_STORE, a database named at launch), acting as PERSON. */
async function launch(env: Record<string, string> = {}, userData = tempDir('lockstep-e2e-user-'), nameFolder = true): Promise<Launched> {
  if (!fs.existsSync(path.join(userData, 'settings.json'))) fs.writeFileSync(path.join(userData, 'settings.json'), JSON.stringify({ agentName: PERSON }));
  const dataDir = tempDir('lockstep-e2e-data-');
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['LOCKSTEP_DATA_DIR', 'CLAWTEAM_DATA_DIR', 'LOCKSTEP_STORE']) delete base[name];
  const app = await _electron.launch({
    args: [ROOT, '--disable-gpu'],
    env: { ...base, ...(nameFolder ? { LOCKSTEP_DATA_DIR: dataDir } : {}), LOCKSTEP_USER_DATA_DIR: userData, LOCKSTEP_ALLOW_MULTIPLE: '1', ...env } as Record<string, string>,
  });
  const page = await app.firstWindow();
  await setWindowSize(app, page, 1400, 900);
  await expect(page.getByRole('navigation', { name: 'Teams' })).toBeVisible();
  return { app, page, userData };
}

async function shots(app: ElectronApplication, page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [[1024, 700], [1280, 800], [1920, 1080]]) {
    await setWindowSize(app, page, w, h);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}.png`) });
  }
  await setWindowSize(app, page, 1400, 900);
}

function connectMenu(app: ElectronApplication): Promise<void> {
  return app.evaluate(({ Menu }) => {
    const item = Menu.getApplicationMenu()?.getMenuItemById('connectDatabase');
    if (!item) throw new Error('no File › Connect to Database… item');
    item.click();
  });
}

test('File › Connect to Database…: refusals in words beside the field, then the board comes from the database and the app remembers it', async () => {
  const url = await fixtureDatabase();
  const { app, page, userData } = await launch();
  try {
    await expect(page.getByTestId('store-location')).toContainText('Data folder');
    await connectMenu(app);
    const dialog = page.getByRole('dialog', { name: 'Connect to a database' });
    await expect(dialog).toBeVisible();
    const urlField = dialog.getByLabel('Database URL');
    await urlField.fill(`postgres://lockstep@127.0.0.1:${cluster.port}/`);
    await expect(dialog.getByRole('alert')).toHaveText('Name the database at the end of the URL: postgres://user@host:5432/DBNAME.');
    // No server at that port: said beside the URL, in words (no stack, no driver code).
    const port = await freePort();
    await urlField.fill(`postgres://lockstep@127.0.0.1:${port}/board`);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(dialog.getByRole('alert')).toHaveText(`No PostgreSQL server answers at 127.0.0.1:${port}. Check the host and port, and that the server runs.`);
    await urlField.fill(`postgres://lockstep@127.0.0.1:${cluster.port}/nosuchdb`);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(dialog.getByRole('alert')).toHaveText(`There is no database named nosuchdb on 127.0.0.1:${cluster.port}. Create it (createdb nosuchdb) or check the name.`);
    await urlField.fill(url);
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    await shots(app, page, 'connect-dialog');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(dialog).toBeHidden();
    const label = `127.0.0.1:${cluster.port}/${new URL(url).pathname.slice(1)}`;
    await expect(page.getByTestId('store-location')).toHaveText(`db ${label}`);
    await openTeam(page, 'webapp');
    // The title names the team on screen; where the teams live is in the top bar (checked above).
    await expect(page).toHaveTitle('webapp — Lockstep');
    await expect(page.getByTestId('task-card-087e245f')).toBeVisible();
    await expect(page.getByTestId('lock-holder-dd0eba2d')).toContainText('backend');
    // Remembered (without a password), and a drag writes to the database.
    const saved = JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8'));
    expect(saved.database).toEqual({ url });
    await app.close();
    // Launched again without naming a folder: the database last connected to.
    const again = await launch({}, userData, false);
    try {
      await expect(again.page.getByTestId('store-location')).toHaveText(`db ${label}`);
      await openTeam(again.page, 'webapp');
      await expect(again.page.getByTestId('task-card-087e245f')).toBeVisible();
      // File › Open Data Folder… is the way back: settings forget the database.
      const folder = tempDir('lockstep-e2e-back-');
      await again.app.evaluate(({ dialog }, dir) => {
        dialog.showOpenDialog = async () => ({ canceled: false, filePaths: [dir] });
      }, folder);
      await again.page.getByRole('button', { name: 'Open folder…' }).click();
      await expect(again.page.getByTestId('store-location')).toContainText(folder);
      expect(JSON.parse(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).database).toBeUndefined();
    } finally {
      await again.app.close();
    }
  } finally {
    await app.close().catch(() => undefined);
  }
});

test('a server that asks for a password: a wrong one is said beside the password field; the right one is kept only encrypted, and used again at the next start', async () => {
  const url = await fixtureDatabase();
  const dbName = new URL(url).pathname.slice(1);
  cluster.psql(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pwuser') THEN CREATE ROLE pwuser LOGIN PASSWORD 'right-one'; END IF; END $$`);
  cluster.psql(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO pwuser; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO pwuser`, dbName);
  const hba = path.join(cluster.dir, 'data', 'pg_hba.conf');
  if (!fs.readFileSync(hba, 'utf8').startsWith('host all pwuser')) fs.writeFileSync(hba, `host all pwuser 127.0.0.1/32 scram-sha-256\n${fs.readFileSync(hba, 'utf8')}`);
  cluster.psql('SELECT pg_reload_conf()');
  const userUrl = `postgres://pwuser@127.0.0.1:${cluster.port}/${dbName}`;
  const { app, page, userData } = await launch({ PGPASSWORD: '' });
  try {
    await page.getByRole('button', { name: 'Database…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect to a database' });
    await dialog.getByLabel('Database URL').fill(userUrl);
    const passwordField = dialog.locator('.field').filter({ has: page.getByLabel('Password (optional)') });
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(passwordField.getByRole('alert')).toHaveText(`The server at 127.0.0.1:${cluster.port} wants a password for user pwuser: enter it (or set PGPASSWORD or ~/.pgpass).`);
    await dialog.getByLabel('Password (optional)').fill('wrong');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect(passwordField.getByRole('alert')).toHaveText(`Wrong password for user pwuser on 127.0.0.1:${cluster.port}.`);
    await dialog.getByLabel('Password (optional)').fill('right-one');
    await dialog.getByLabel('Password (optional)').press('Enter'); // the keyboard connects too
    await expect(dialog).toBeHidden();
    await openTeam(page, 'webapp');
    await expect(page.getByTestId('task-card-087e245f')).toBeVisible();
    const text = fs.readFileSync(path.join(userData, 'settings.json'), 'utf8');
    expect(text).not.toContain('right-one');
    const saved = JSON.parse(text);
    expect(saved.database.url).toBe(userUrl);
    const encrypted = await app.evaluate(({ safeStorage }) => safeStorage.isEncryptionAvailable());
    console.log(`safeStorage here: ${encrypted ? 'available (the password is saved encrypted)' : 'not available (the password is kept for the run only)'}`);
    if (!encrypted) {
      expect(saved.database.encryptedPassword).toBeUndefined();
      await expect(page.getByTestId('error-message')).toContainText('The password is kept for this run only');
      return;
    }
    expect(typeof saved.database.encryptedPassword).toBe('string');
    await app.close();
    const again = await launch({ PGPASSWORD: '' }, userData, false);
    try {
      await openTeam(again.page, 'webapp');
      await expect(again.page.getByTestId('task-card-087e245f')).toBeVisible();
      await expect(again.page.getByTestId('connection-banner')).toHaveCount(0);
    } finally {
      await again.app.close();
    }
  } finally {
    await app.close().catch(() => undefined);
  }
});

test('a CLI process’s claim on the database reaches the card (delay printed), and a drag racing two CLI agents has exactly one winner', async () => {
  const url = await fixtureDatabase();
  const { app, page } = await launch({ LOCKSTEP_STORE: url });
  try {
    await openTeam(page, 'webapp');
    await expect(page.getByTestId('column-pending').getByTestId('task-card-087e245f')).toBeVisible();
    // The moment the card shows the claim, seen by the page itself.
    await page.evaluate(() => {
      const w = window as unknown as { seenAt?: number };
      const check = () => {
        if (!w.seenAt && document.querySelector('[data-testid="lock-holder-087e245f"]')?.textContent?.includes('cli-bot')) w.seenAt = Date.now();
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const cli = spawnCli(['--store', url, 'task', 'claim', 'webapp', '087e245f', '--as', 'cli-bot', '--json']);
    expect((await cli.done).code).toBe(0);
    await expect(page.getByTestId('column-in_progress').getByTestId('lock-holder-087e245f')).toContainText('cli-bot');
    const seenAt = await page.evaluate(() => (window as unknown as { seenAt?: number }).seenAt ?? 0);
    const entry = (await sql<{ line: string }>(url, "SELECT line FROM lockstep_journal ORDER BY seq DESC LIMIT 1")).map((r) => JSON.parse(r.line))[0];
    const committedAt = (parseTimestamp(entry.at) ?? 0) / 1000;
    console.log(`database → window: the CLI's claim was on the card ${Math.round(seenAt - committedAt)} ms after its commit (issue target: under 300 ms)`);
    // The activity view says who did it, from the database's journal.
    await expect(page.getByTestId('activity-strip')).toContainText('cli-bot');
    await expect(page.getByTestId('activity-strip')).toContainText('Document the API');

    // Two CLI agents and the person race for one pending task: released together as the drag drops.
    await expect(page.getByTestId('column-pending').getByTestId('task-card-cb4e74bf').or(page.getByTestId('task-card-cb4e74bf'))).toBeVisible();
    const target = '797906f1'; // blocked by dd0eba2d: complete that first so it becomes claimable
    expect((await spawnCli(['--store', url, 'task', 'complete', 'webapp', 'dd0eba2d', '--as', 'backend']).done).code).toBe(0);
    await expect(page.getByTestId('column-pending').getByTestId(`task-card-${target}`)).toBeVisible();
    const barrier = path.join(tempDir('lockstep-barrier-'), 'go');
    const racers = ['agent-a', 'agent-b'].map((agent) =>
      spawnCli(['--store', url, 'task', 'claim', 'webapp', target, '--as', agent, '--json'], { LOCKSTEP_FAILPOINT_BARRIER: barrier }),
    );
    const dir = path.dirname(barrier);
    await expect.poll(() => fs.readdirSync(dir).filter((n) => n.startsWith('go.ready.')).length, { timeout: 30_000 }).toBe(2);
    const source = await page.getByTestId(`task-card-${target}`).boundingBox();
    const column = await page.getByTestId('column-in_progress').boundingBox();
    if (!source || !column) throw new Error('card or column not on screen');
    await page.mouse.move(source.x + source.width / 2, source.y + 20);
    await page.mouse.down();
    await page.mouse.move(source.x + source.width / 2 + 10, source.y + 30, { steps: 3 });
    await page.mouse.move(column.x + column.width / 2, column.y + 60, { steps: 12 });
    fs.writeFileSync(barrier, ''); // the agents go as the person drops
    await page.mouse.up();
    const results = await Promise.all(racers.map((r) => r.done));
    // What the window's write came to: applied, refused in words, or a conflict to settle.
    const error = page.getByTestId('error-message');
    const status = page.getByTestId('status-message');
    const conflict = page.getByRole('dialog', { name: 'Somebody changed this task' });
    await expect(error.or(status).or(conflict).first()).toBeVisible({ timeout: 30_000 });
    const personWon = (await status.count()) > 0 && !(await error.count()) && !(await conflict.count());
    if (await conflict.count()) await conflict.getByRole('button', { name: 'Keep theirs' }).click();
    if (await error.count()) await expect(error).toContainText(/Locked by|changed since/);
    const agentWinners = results.filter((r) => r.code === 0).map((r) => JSON.parse(r.stdout).lockedBy as string);
    for (const r of results.filter((r) => r.code !== 0)) expect(JSON.parse(r.stdout).error.code).toMatch(/TASK_LOCKED|CONFLICT/);
    const winners = [...agentWinners, ...(personWon ? [PERSON] : [])];
    expect(winners).toHaveLength(1);
    expect(await taskRow(url, target)).toMatchObject({ status: 'in_progress', lockedBy: winners[0] });
    await expect(page.getByTestId('column-in_progress').getByTestId(`lock-holder-${target}`)).toContainText(winners[0]);
    console.log(`drag vs two CLI agents on the database: ${winners[0]} won`);
  } finally {
    await app.close();
  }
});

test('the database goes away: a banner says so and writes are refused in words; it comes back: the banner goes and the board updates', async () => {
  const url = await fixtureDatabase();
  const { app, page } = await launch({ LOCKSTEP_STORE: url });
  let stopped = false;
  try {
    await openTeam(page, 'webapp');
    await expect(page.getByTestId('column-pending').getByTestId('task-card-087e245f')).toBeVisible();
    const label = `127.0.0.1:${cluster.port}/${new URL(url).pathname.slice(1)}`;
    stopServer();
    stopped = true;
    const banner = page.getByTestId('connection-banner');
    await expect(banner).toContainText(`Lost the connection to the database at ${label} — retrying…`);
    // A write meanwhile is refused at once, in words: a drag puts the card back and says why.
    await dragTo(page, 'task-card-087e245f', 'column-in_progress');
    await expect(page.getByTestId('error-message')).toContainText(
      `Lost the connection to the database at ${label}, so the change was not made. Lockstep keeps trying to reconnect; try again once it is back.`,
    );
    await expect(page.getByTestId('column-pending').getByTestId('task-card-087e245f')).toBeVisible();
    await shots(app, page, 'connection-banner');
    startServer();
    stopped = false;
    // Another process changes the task at once, most likely before the window listens again (it retries with
    // back-off): the card shows it either from that change's notice or from the full re-read after reconnecting.
    expect((await spawnCli(['--store', url, 'task', 'claim', 'webapp', '087e245f', '--as', 'after-the-outage']).done).code).toBe(0);
    await expect(banner).toBeHidden({ timeout: 30_000 });
    await expect(page.getByTestId('column-in_progress').getByTestId('lock-holder-087e245f')).toContainText('after-the-outage');
    // And later changes arrive as they happen.
    expect((await spawnCli(['--store', url, 'task', 'update', 'webapp', '797906f1', '--priority', 'urgent']).done).code).toBe(0);
    await expect(page.getByTestId('task-card-797906f1')).toContainText('urgent');
  } finally {
    if (stopped) startServer();
    await app.close();
  }
});

test('a database that is away when the app starts: the banner says so; once it is up, the teams appear by themselves', async () => {
  const url = await fixtureDatabase();
  stopServer();
  let stopped = true;
  try {
    const { app, page } = await launch({ LOCKSTEP_STORE: url });
    try {
      const label = `127.0.0.1:${cluster.port}/${new URL(url).pathname.slice(1)}`;
      await expect(page.getByTestId('connection-banner')).toContainText(`Lost the connection to the database at ${label} — retrying…`);
      await expect(page.getByTestId('team-item-webapp')).toHaveCount(0);
      await expect(page.getByText('Waiting for the database to come back…')).toBeVisible();
      startServer();
      stopped = false;
      await expect(page.getByTestId('connection-banner')).toBeHidden({ timeout: 30_000 });
      await openTeam(page, 'webapp');
      await expect(page.getByTestId('task-card-087e245f')).toBeVisible();
    } finally {
      await app.close();
    }
  } finally {
    if (stopped) startServer();
  }
});

/** `lockstep --store URL ...` in its own process, as an agent runs it; its JSON answer. */
function dbCli(url: string, args: string[]): any {
  const res = spawnSync(process.execPath, [CLI, ...args, '--json', '--store', url], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`lockstep ${args.join(' ')} failed (${res.status}): ${res.stdout}${res.stderr}`);
  return JSON.parse(res.stdout);
}
const dbMembers = (url: string) => (dbCli(url, ['team', 'show', 'webapp']).members as Array<{ name: string }>).map((m) => m.name);
const dbTask = (url: string, id: string) => dbCli(url, ['task', 'show', 'webapp', id]) as Record<string, unknown>;

test('undo on a database: Ctrl+Z undoes a task edit and a member removal, and Undo on the toast brings a deleted team back, each checked in the database', async () => {
  const url = await fixtureDatabase();
  const { app, page } = await launch({ LOCKSTEP_STORE: url });
  try {
    await openTeam(page, 'webapp');
    // A task edit in the panel, then Ctrl+Z.
    await page.getByTestId('task-card-087e245f').click();
    const panel = page.getByTestId('detail-panel');
    await expect(panel).toBeVisible();
    await panel.getByLabel('Priority').selectOption('urgent');
    await expect.poll(() => dbTask(url, '087e245f').priority).toBe('urgent');
    await panel.getByRole('button', { name: 'Close the task panel' }).click();
    await expect(panel).toBeHidden();
    await page.keyboard.press('Control+z');
    await expect.poll(() => dbTask(url, '087e245f').priority).toBe('medium');
    await expect(page.getByTestId('status-message')).toContainText('Undid your last change: changed the priority of "Document the API" to urgent');

    // A member removal (asked first), then Ctrl+Z: the member is back in the database, in place.
    await page.getByRole('button', { name: 'Remove backend from the team' }).click();
    await page.getByRole('dialog', { name: 'Remove backend from webapp?' }).getByRole('button', { name: 'Remove backend' }).click();
    await expect.poll(() => dbMembers(url)).not.toContain('backend');
    await expect(page.getByTestId('undo-toast')).toContainText('Removed backend from team webapp');
    await page.keyboard.press('Control+z');
    await expect.poll(() => dbMembers(url)).toEqual(['lead', 'frontend', 'backend', 'tester']);
    await expect(page.getByTestId('member-backend')).toBeVisible();

    // An agent's change in between: undoing the edit it touched is refused in words naming the agent.
    await panelEdit(page, '797906f1', (p) => p.getByLabel('Priority').selectOption('low'));
    await expect.poll(() => dbTask(url, '797906f1').priority).toBe('low');
    dbCli(url, ['task', 'update', 'webapp', '797906f1', '--subject', 'Build the signup form (v2)', '--as', 'agent-7']);
    await expect(page.getByTestId('task-card-797906f1')).toContainText('(v2)');
    await page.keyboard.press('Control+z');
    await expect(page.getByTestId('error-message')).toContainText(/agent-7 .*nothing was undone/);
    expect(dbTask(url, '797906f1')).toMatchObject({ priority: 'low', subject: 'Build the signup form (v2)' });

    // Deleting the team says where it goes; Undo on the toast brings it back with its tasks and members.
    await page.getByTestId('team-list').getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete team webapp?' });
    await expect(dialog).toContainText("the database (into its trash, with their history, messages and costs)");
    await expect(dialog).toContainText('You can undo this right after (Ctrl+Z).');
    await expect(dialog).not.toContainText('for good');
    await shots(app, page, 'delete-team-on-database');
    await dialog.getByRole('button', { name: 'Delete the team' }).click();
    await expect.poll(() => (dbCli(url, ['team', 'list']).teams as Array<{ name: string }>).map((t) => t.name)).toEqual(['research']);
    await expect(page.getByTestId('team-item-webapp')).toBeHidden();
    const toast = page.getByTestId('undo-toast');
    await expect(toast).toContainText('Deleted team webapp');
    await toast.getByRole('button', { name: 'Undo' }).click();
    await expect(page.getByTestId('task-card-dd0eba2d')).toBeVisible();
    expect(dbTask(url, 'dd0eba2d')).toMatchObject({ lockedBy: 'backend' });
    expect(dbMembers(url)).toEqual(['lead', 'frontend', 'backend', 'tester']);
    expect(dbCli(url, ['task', 'list', 'webapp']).tasks).toHaveLength(5);
  } finally {
    await app.close();
  }
});

async function panelEdit(page: Page, id: string, edit: (panel: ReturnType<Page['getByTestId']>) => Promise<unknown>): Promise<void> {
  await page.getByTestId(`task-card-${id}`).click();
  const panel = page.getByTestId('detail-panel');
  await expect(panel).toBeVisible();
  await edit(panel);
  await panel.getByRole('button', { name: 'Close the task panel' }).click();
  await expect(panel).toBeHidden();
}

test('messages on a database: the person’s message reaches an agent’s `inbox receive`, and an agent’s `inbox send` shows in the messages column; screenshots', async () => {
  const url = await fixtureDatabase();
  const { app, page } = await launch({ LOCKSTEP_STORE: url });
  try {
    await openTeam(page, 'webapp');
    await expect(page.getByTestId('message-panel')).toBeVisible();
    const rows = page.getByTestId('message-row');
    // The person writes to tester from the messages column; the agent receives it once, from the database.
    await page.getByTestId('compose-to').selectOption('tester');
    await page.getByTestId('compose-text').fill('Please re-run the smoke tests on staging.');
    await page.getByTestId('compose-text').press('Control+Enter');
    await expect(page.getByTestId('compose-text')).toHaveValue('');
    await expect(rows.first()).toContainText(`${PERSON} → tester`);
    const got = dbCli(url, ['inbox', 'receive', 'webapp', '--as', 'tester']);
    expect(got.count).toBe(1);
    expect(got.messages[0]).toMatchObject({ from: PERSON, to: 'tester', content: 'Please re-run the smoke tests on staging.' });
    expect(dbCli(url, ['inbox', 'receive', 'webapp', '--as', 'tester']).count).toBe(0);
    // An agent's message, sent from another process, shows up in the column.
    dbCli(url, ['inbox', 'send', 'webapp', 'frontend', 'The login API is deployed to staging.', '--as', 'backend']);
    await expect(rows.first()).toContainText('backend → frontend');
    await expect(rows.first()).toContainText('The login API is deployed to staging.');
    await expect(rows).toHaveCount(2);
    dbCli(url, ['inbox', 'broadcast', 'webapp', 'Deploy freeze at 17:00', '--as', 'lead']);
    await expect(rows.first()).toContainText('lead → everyone');
    await shots(app, page, 'board-messages-on-database');
  } finally {
    await app.close();
  }
});
