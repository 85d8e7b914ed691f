import { _electron, expect, type ElectronApplication, type Page } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture as copyFixtureTo, readTask, ROOT, tempDir } from '../test/fixture';

export { readTask, ROOT, tempDir };
export const CLI = path.join(ROOT, 'bin', 'lockstep.js');
export const PERSON = 'e2e-person';

/** `lockstep ARGS --json --data-dir DIR`, run as an agent would: its JSON answer, or an error with what it printed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cli(dataDir: string, args: string[]): any {
  const r = spawnSync(process.execPath, [CLI, ...args, '--json', '--data-dir', dataDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`lockstep ${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A writable copy of the data folder ClawTeam itself wrote. */
export function copyFixture(): string {
  return copyFixtureTo('lockstep-e2e-data-');
}

export interface RunningApp {
  app: ElectronApplication;
  page: Page;
  dataDir: string;
  /** The app's own settings folder (a test removes it when done). */
  userData: string;
}

/** Launches the built app on its own data folder and its own user-data folder, acting as PERSON. */
export async function launchApp(dataDir: string, agentName = PERSON, env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
  const userData = tempDir('lockstep-e2e-user-');
  fs.writeFileSync(path.join(userData, 'settings.json'), JSON.stringify({ agentName }));
  const app = await _electron.launch({
    args: [ROOT, '--disable-gpu'],
    env: { ...process.env, LOCKSTEP_DATA_DIR: dataDir, LOCKSTEP_USER_DATA_DIR: userData, LOCKSTEP_ALLOW_MULTIPLE: '1', ...env },
  });
  const page = await app.firstWindow();
  await setWindowSize(app, page, 1400, 900);
  await expect(page.getByRole('navigation', { name: 'Teams' })).toBeVisible();
  return { app, page, dataDir, userData };
}

/**
 * Sizes the real window as a person would (BrowserWindow.setContentSize, not an emulated viewport) and waits until
 * the page has laid out at that size.
 */
export async function setWindowSize(app: ElectronApplication, page: Page, width: number, height: number): Promise<void> {
  await app.evaluate(({ BrowserWindow }, [w, h]) => BrowserWindow.getAllWindows()[0].setContentSize(w, h), [width, height]);
  await expect.poll(() => page.evaluate(() => [window.innerWidth, window.innerHeight])).toEqual([width, height]);
}

export async function openTeam(page: Page, team: string): Promise<void> {
  await page.getByTestId(`team-item-${team}`).click();
  await expect(page.getByTestId('board')).toBeVisible();
}

/** Drags with the mouse in small steps, as a person would (dnd-kit starts a drag after a few pixels). */
export async function dragTo(page: Page, from: string, to: string): Promise<void> {
  // A card is picked up by its subject, as a person would: its top row holds the priority and the Assign… menu.
  const card = page.getByTestId(from);
  const subject = card.locator('.card-subject').first();
  const source = (await subject.count()) ? await subject.boundingBox() : await card.boundingBox();
  const target = await page.getByTestId(to).boundingBox();
  if (!source || !target) throw new Error(`cannot drag ${from} to ${to}: not on screen`);
  const grab = { x: source.x + Math.min(source.width / 2, 40), y: source.y + Math.min(source.height / 2, 10) };
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x + 10, grab.y + 10, { steps: 3 });
  await page.mouse.move(target.x + target.width / 2, target.y + Math.min(target.height / 2, 40), { steps: 12 });
  await page.mouse.up();
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

/** Racers wait at a barrier file (LOCKSTEP_FAILPOINT_BARRIER) until all announced themselves; then go together. */
export async function releaseBarrier(barrier: string, expected: number): Promise<void> {
  const dir = path.dirname(barrier);
  const base = path.basename(barrier);
  const deadline = Date.now() + 60_000;
  while (fs.readdirSync(dir).filter((n) => n.startsWith(`${base}.ready.`)).length < expected) {
    if (Date.now() > deadline) throw new Error('racers never reached the barrier');
    await new Promise((r) => setTimeout(r, 5));
  }
  fs.writeFileSync(barrier, '');
}
