import { expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, copyFixture, launchApp, openTeam, ROOT, setWindowSize, tempDir } from './app';

/**
 * Running a team from the window (issue 25) on the real app, with the scripted agent (test/agents/scripted-agent.mjs,
 * a real process following the coordination prompt with `lockstep`) as "any command": launch a team of 3 from a
 * template, watch output and cards move, stop one (its claim released after the confirmation), quit leaving two
 * running, relaunch and find them with their output, kill -9 one (its card says exited). Every agent process is
 * killed and every folder removed in afterEach.
 */

const SCRIPTED = path.join(ROOT, 'test', 'agents', 'scripted-agent.mjs');
const SHOTS = path.join(ROOT, 'test-results', 'agents');
const TEAM = 'crew';
const MEMBERS = ['review-lead', 'security-reviewer', 'quality-reviewer'];
const SLOW = { timeout: 60_000 };

const dirs: string[] = [];
const apps: ElectronApplication[] = [];

interface Run {
  agent: string;
  pid: number;
}
const runs = (dataDir: string): Run[] => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, '.lockstep', 'agents', TEAM, 'runs.json'), 'utf8')).runs as Run[];
  } catch {
    return [];
  }
};
const pidOf = (dataDir: string, agent: string): number =>
  runs(dataDir)
    .filter((r) => r.agent === agent)
    .at(-1)?.pid ?? 0;
const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

test.afterEach(async () => {
  // Agents first (so quitting has nothing to ask), then the app (its quit question answered, in case).
  for (const dir of dirs) {
    for (const r of runs(dir)) {
      try {
        process.kill(-r.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
  for (const app of apps.splice(0)) {
    await app
      .evaluate(({ dialog }) => {
        dialog.showMessageBox = (async () => ({ response: 0, checkboxChecked: false })) as unknown as typeof dialog.showMessageBox;
      })
      .catch(() => undefined);
    await Promise.race([app.close(), new Promise((r) => setTimeout(r, 15_000))]).catch(() => undefined);
    try {
      app.process()?.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The tasks on disk, read with the CLI (not through the window). */
function tasksOnDisk(dataDir: string): Array<{ id: string; subject: string; status: string; lockedBy?: string }> {
  const res = spawnSync(process.execPath, [CLI, '--data-dir', dataDir, '--json', 'task', 'list', TEAM], { encoding: 'utf8' });
  return JSON.parse(res.stdout).tasks;
}

const state = (page: Page, agent: string) => page.getByTestId(`agent-state-${agent}`);

async function shots(app: ElectronApplication, page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const [w, h] of [
    [900, 600],
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await setWindowSize(app, page, w, h);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${w}x${h}.png`) });
  }
  await setWindowSize(app, page, 1400, 900);
}

test('launch a team of 3 from a template, watch it, stop one, quit leaving two, find them again, kill -9 one', async () => {
  test.setTimeout(300_000);
  // Each task takes the scripted agent three steps of this long: claims stay held while the test looks.
  process.env.SCRIPTED_STEP_MS = '15000';
  const dataDir = tempDir('lockstep-e2e-agents-');
  dirs.push(dataDir);
  let running = await launchApp(dataDir);
  apps.push(running.app);
  let { page } = running;

  // New team from template…, with a runtime whose command does not exist first: the core's sentence, beside it.
  await page.getByTestId('team-from-template').click();
  const dialog = page.getByRole('dialog', { name: 'New team from template' });
  await dialog.getByTestId('template-choice').selectOption('code-review');
  await dialog.getByTestId('template-team').fill(TEAM);
  await dialog.getByTestId('template-goal').fill('review the parser');
  await dialog.getByTestId('agent-runtime').selectOption('custom');
  await dialog.getByTestId('agent-command').fill('no-such-agent-cli');
  await dialog.getByTestId('agent-cwd').fill(dataDir);
  await dialog.getByTestId('template-preview-button').click();
  const preview = dialog.getByTestId('template-preview');
  for (const m of MEMBERS) await expect(preview).toContainText(m);
  await expect(preview).toContainText('Security review');
  await dialog.getByTestId('template-launch').click();
  const sentence = dialog.locator('.field-problem');
  await expect(sentence).toContainText('no-such-agent-cli');
  await expect(sentence).toHaveCount(1);
  // Beside the command field, and nothing was created.
  expect(await sentence.evaluate((el) => el.previousElementSibling?.getAttribute('data-testid'))).toBe('agent-command');
  expect(fs.existsSync(path.join(dataDir, 'teams', TEAM))).toBe(false);

  // The scripted agent as "any command": one word per line, passed as is.
  await dialog.getByTestId('agent-command').fill(`${process.execPath}\n${SCRIPTED}`);
  await dialog.getByTestId('template-preview-button').click();
  await expect(preview).toContainText(SCRIPTED);
  await dialog.getByTestId('template-launch').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('board')).toBeVisible();

  // Cards move: every member runs; two claim the two ready reviews and say so.
  for (const m of MEMBERS) await expect(state(page, m)).toHaveAttribute('data-state', /running|idle/, SLOW);
  await expect(page.getByTestId('agent-line-security-reviewer')).toContainText('working on', SLOW);
  await expect(page.getByTestId('agent-line-quality-reviewer')).toContainText('working on', SLOW);

  // The output panel: live, in colour (anser's spans, not raw escapes).
  await page.getByRole('button', { name: "Show security-reviewer's output" }).click();
  const panel = page.getByTestId('agent-panel');
  const output = panel.getByTestId('agent-output');
  await expect(output).toContainText('claimed');
  await expect(output.locator('.ansi-cyan-fg').first()).toContainText('claimed');
  await expect(output).not.toContainText('\u001b[');
  const before = await output.getByTestId('agent-output-line').count();
  await expect.poll(() => output.getByTestId('agent-output-line').count(), SLOW).toBeGreaterThan(before);
  await shots(running.app, page, 'panel');

  // Stop one: the confirmation names its claim; after it, the claim is released (on disk).
  const held = tasksOnDisk(dataDir).find((t) => t.lockedBy === 'security-reviewer');
  expect(held).toBeTruthy();
  await panel.getByRole('button', { name: 'Stop…' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText(held!.subject);
  await expect(confirm.getByTestId('release-claims')).toBeChecked();
  await page.getByRole('button', { name: 'Stop security-reviewer' }).click();
  await expect(state(page, 'security-reviewer')).toHaveAttribute('data-state', 'exited', SLOW);
  await expect(state(page, 'security-reviewer')).toContainText('exit 143');
  await expect(state(page, 'security-reviewer')).toHaveAttribute('title', /^exited with code 143 at /);
  // Released (another agent may take it up at once, as the claim --next loop does).
  await expect.poll(() => tasksOnDisk(dataDir).find((t) => t.id === held!.id)?.lockedBy === 'security-reviewer', SLOW).toBe(false);
  await expect(page.getByTestId('agent-line-security-reviewer')).not.toContainText('still holds');

  // Quitting asks (Cancel keeps the window), then "Leave them running".
  await running.app.evaluate(({ dialog }) => {
    const g = globalThis as unknown as { asked: string[]; answer: number };
    g.asked = [];
    g.answer = 2;
    dialog.showMessageBox = (async (...args: unknown[]) => {
      const options = args.find((a) => a && typeof a === 'object' && 'buttons' in (a as object)) as { message: string };
      g.asked.push(options.message);
      return { response: g.answer, checkboxChecked: false };
    }) as typeof dialog.showMessageBox;
  });
  await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].close());
  await expect.poll(() => running.app.evaluate(() => (globalThis as unknown as { asked: string[] }).asked)).toHaveLength(1);
  const asked = await running.app.evaluate(() => (globalThis as unknown as { asked: string[] }).asked[0]);
  expect(asked).toContain('2 agents are still running');
  expect(asked).toContain('review-lead');
  await expect(page.getByTestId('board')).toBeVisible();
  await running.app.evaluate(() => {
    (globalThis as unknown as { answer: number }).answer = 0;
  });
  // The window closed as a person closes it; the app ends by itself once answered.
  const exited = new Promise((resolve) => running.app.process().once('exit', resolve));
  await running.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0].close());
  await exited;
  apps.splice(0);
  const survivors = ['review-lead', 'quality-reviewer'].map((a) => pidOf(dataDir, a));
  for (const pid of survivors) expect(groupAlive(pid)).toBe(true);

  // Relaunch: the window finds them again (registry + pid + log), with their output.
  running = await launchApp(dataDir);
  apps.push(running.app);
  page = running.page;
  await openTeam(page, TEAM);
  await expect(state(page, 'quality-reviewer')).toHaveAttribute('data-state', /running|idle/, SLOW);
  await expect(state(page, 'review-lead')).toHaveAttribute('data-state', /running|idle/, SLOW);
  await expect(state(page, 'security-reviewer')).toHaveAttribute('data-state', 'exited');
  await page.getByRole('button', { name: "Show quality-reviewer's output" }).click();
  await expect(page.getByTestId('agent-output')).toContainText('claimed', SLOW);
  await shots(running.app, page, 'relaunched');

  // kill -9 (the whole group, as a crash would): its card says exited, and that it still holds its claim.
  process.kill(-pidOf(dataDir, 'quality-reviewer'), 'SIGKILL');
  await expect(state(page, 'quality-reviewer')).toHaveAttribute('data-state', 'exited', SLOW);
  await expect(page.getByTestId('agent-line-quality-reviewer')).toContainText('still holds 1 claim');
  await shots(running.app, page, 'killed');

  // The lead's program itself killed (not its group, not a stop): it exits with an error code, which the attention
  // signal names; a click opens its output.
  await expect(page.getByTestId('attention')).not.toContainText('failed');
  execFileSync('pkill', ['-KILL', '-P', String(pidOf(dataDir, 'review-lead'))]);
  await expect(state(page, 'review-lead')).toHaveAttribute('data-state', 'exited', SLOW);
  const failed = page.getByTestId('attention').getByText('1 agent failed');
  await expect(failed).toBeVisible(SLOW);
  await failed.click();
  await expect(page.getByTestId('agent-output')).toContainText('exited with status 137', SLOW);
});

test("an agent ClawTeam started (its spawn registry, SubprocessBackend's way) shows its liveness on our card", async () => {
  const dataDir = copyFixture();
  dirs.push(dataDir);
  const peer = path.join(ROOT, 'test', 'clawteam', 'clawteam_spawn.py');
  const spawned = spawnSync(
    'python3',
    [peer, 'spawn', '--data-dir', dataDir, '--team', 'webapp', '--agent', 'frontend', '--', 'sleep', '300'],
    {
      encoding: 'utf8',
    },
  );
  expect(spawned.status, spawned.stderr).toBe(0);
  const pid = JSON.parse(spawned.stdout).pid as number;
  try {
    const running = await launchApp(dataDir);
    apps.push(running.app);
    await openTeam(running.page, 'webapp');
    await expect(state(running.page, 'frontend')).toHaveAttribute('data-state', 'running', SLOW);
    await expect(state(running.page, 'frontend')).toHaveAttribute('title', /outside Lockstep/);
    process.kill(pid, 'SIGKILL');
    await expect(state(running.page, 'frontend')).not.toHaveAttribute('data-state', 'running', SLOW);
  } finally {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});
