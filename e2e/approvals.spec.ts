import { expect, test, type Page } from '@playwright/test';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture, launchApp, openTeam, releaseBarrier, ROOT, spawnCli, tempDir, type RunningApp } from './app';

/**
 * The Approvals list in the real window, against a ClawTeam-protocol agent (test/clawteam/clawteam_requests.py,
 * written from ClawTeam's plan.py, lifecycle.py and mailbox code) waiting on its inbox the ClawTeam way.
 */

const PY = path.join(ROOT, 'test', 'clawteam', 'clawteam_requests.py');
const children: Array<ReturnType<typeof spawn>> = [];
const apps: RunningApp[] = [];
const cleanups: Array<() => void> = [];
test.afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const a of apps.splice(0)) {
    await a.app.close();
    for (const dir of [a.dataDir, a.userData]) fs.rmSync(dir, { recursive: true, force: true });
  }
});

async function launch(dataDir: string, person?: string, env?: NodeJS.ProcessEnv): Promise<Page> {
  const running = await launchApp(dataDir, person, env);
  apps.push(running);
  return running.page;
}

/** A ClawTeam agent that sends a request and waits for its answer: `ready` gives the request id, `result` the answer. */
function peerWaiting(dataDir: string, args: string[]) {
  const child = spawn('python3', [PY, ...args, '--data-dir', dataDir, '--team', 'webapp', '--wait', '90'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]).ready);
    });
    child.on('close', () => reject(new Error(`the agent exited before it asked: ${err}`)));
  });
  const result = new Promise<Record<string, any>>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string)) : reject(new Error(err)))),
  );
  return { ready, result };
}

async function openApprovals(page: Page) {
  await page.getByTestId('approvals-button').click();
  const panel = page.getByTestId('approvals-panel');
  await expect(panel).toBeVisible();
  return panel;
}

test('a plan a ClawTeam agent submits is approved in the window with feedback; the agent reads plan_approved; idle shows on the member', async () => {
  const dataDir = copyFixture();
  const page = await launch(dataDir);
  await expect(page.getByTestId('approvals-count')).toHaveText('0');
  const plan =
    '# Login form\n\n1. **Build** the form\n2. Test it\n\n<img src="https://example.com/x.png"> ![pixel](https://example.com/p.png)';
  const agent = peerWaiting(dataDir, [
    'submit-plan',
    '--agent',
    'frontend',
    '--leader',
    'lead',
    '--content',
    plan,
    '--summary',
    'Form first',
  ]);
  const planId = await agent.ready;
  await expect(page.getByTestId('approvals-count')).toHaveText('1'); // live: the agent is another process
  // The attention signal names it too, and takes the person there.
  await page.getByTestId('attention').getByText('1 to approve').click();
  await expect(page.getByRole('dialog', { name: /Approvals/ })).toBeVisible();
  await page.keyboard.press('Escape');
  const panel = await openApprovals(page);
  const card = panel.getByTestId(`request-${planId}`);
  await expect(card).toContainText('frontend asks lead to approve a plan');
  await expect(card).toContainText('Form first');
  await expect(card.getByRole('heading', { name: 'Login form' })).toBeVisible();
  await expect(card.locator('strong', { hasText: 'Build' })).toBeVisible();
  // Raw HTML is not rendered and no image is loaded.
  await expect(card.locator('img')).toHaveCount(0);
  await expect(card).toContainText('[image: pixel]');
  await expect(card).toContainText('Answer goes from lead');
  // Rejecting without feedback is refused in words, beside the field; nothing is sent.
  await card.getByRole('button', { name: 'Reject' }).click();
  await expect(card.getByRole('alert')).toHaveText('Write why you reject it: the feedback goes to frontend.');
  await expect(card.getByRole('textbox')).toBeFocused();
  await page.keyboard.type('Go ahead; keep the form small.');
  await card.getByRole('button', { name: 'Approve' }).click();
  const got = await agent.result;
  expect(got.answer).toMatchObject({
    type: 'plan_approved',
    from: 'lead',
    to: 'frontend',
    requestId: planId,
    feedback: 'Go ahead; keep the form small.',
  });
  await expect(panel.getByTestId('approvals-notice')).toHaveText('Plan request from frontend: answered.');
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId('approvals-count')).toHaveText('0');
  // By keyboard: the arrow keys move between the tabs.
  await panel.getByRole('tab', { name: /Open/ }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(panel.getByRole('tab', { name: /History/ })).toHaveAttribute('aria-selected', 'true');
  await expect(panel.getByTestId(`answered-${planId}`)).toContainText('approved by e2e-person (as lead)');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  await openTeam(page, 'webapp');
  const idle = spawnCli(['lifecycle', 'idle', 'webapp', '--as', 'tester', '--data-dir', dataDir]);
  expect((await idle.done).code).toBe(0);
  await expect(page.getByTestId('member-tester').getByTestId('idle-tester')).toContainText('idle');
});

test('a shutdown request from a ClawTeam agent is approved in the window after a confirmation; the agent reads shutdown_approved', async () => {
  const dataDir = copyFixture();
  const page = await launch(dataDir);
  const agent = peerWaiting(dataDir, ['request-shutdown', '--from', 'lead', '--to', 'backend', '--reason', 'all tasks done']);
  const requestId = await agent.ready;
  const panel = await openApprovals(page);
  const card = panel.getByTestId(`request-${requestId}`);
  await expect(card).toContainText('lead asks backend to shut down');
  await expect(card).toContainText('all tasks done');
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toContainText('backend shuts down: approve?');
  await card.getByRole('button', { name: 'Yes, approve shutdown' }).click();
  const got = await agent.result;
  expect(got.answer).toMatchObject({
    type: 'shutdown_approved',
    from: 'backend',
    to: 'lead',
    requestId,
    content: 'backend shutting down.',
  });
  await expect(panel.getByTestId('approvals-notice')).toHaveText('Shutdown request from lead: answered.');
  // A request on screen answered elsewhere (a CLI here) leaves the list with a word saying who answered it.
  const submitted = spawnCli(['plan', 'submit', 'webapp', 'Refactor the client', '--as', 'backend', '--json', '--data-dir', dataDir]);
  const planId = JSON.parse((await submitted.done).stdout).planId as string;
  await expect(panel.getByTestId(`request-${planId}`)).toBeVisible();
  expect((await spawnCli(['plan', 'approve', 'webapp', planId, 'backend', '--as', 'lead', '--data-dir', dataDir]).done).code).toBe(0);
  await expect(panel.getByTestId('approvals-notice')).toHaveText(
    'Plan request from backend was approved by lead just now; it moved to the history.',
  );
  await expect(panel.getByTestId(`request-${planId}`)).toHaveCount(0);
});

test('two windows approve one plan at once: one answer is sent, the other window is told who answered', async () => {
  const dataDir = copyFixture();
  // Each window's answer waits at a barrier until both were sent: they really race (not one after the other's list updated).
  const barrierDir = tempDir('lockstep-barrier-');
  const barrier = path.join(barrierDir, 'go');
  const env = { LOCKSTEP_FAILPOINT_BARRIER: barrier };
  const pages = [await launch(dataDir, 'alice', env), await launch(dataDir, 'bob', env)];
  cleanups.push(() => fs.rmSync(barrierDir, { recursive: true, force: true }));
  const sent = spawnSync(
    'python3',
    [PY, 'submit-plan', '--data-dir', dataDir, '--team', 'webapp', '--agent', 'frontend', '--leader', 'lead', '--content', 'race me'],
    { encoding: 'utf8' },
  );
  const planId = JSON.parse(sent.stdout).planId as string;
  const cards = [];
  for (const page of pages) {
    const card = (await openApprovals(page)).getByTestId(`request-${planId}`);
    await card.getByRole('textbox').fill(`from ${page === pages[0] ? 'alice' : 'bob'}`);
    cards.push(card);
  }
  await Promise.all(cards.map((card) => card.getByRole('button', { name: 'Approve' }).click()));
  await releaseBarrier(barrier, 2);
  const notices = pages.map((p) => p.getByTestId('approvals-notice'));
  await expect
    .poll(async () => (await Promise.all(notices.map((n) => n.textContent()))).sort())
    .toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Plan request from frontend: Already approved by (alice|bob) \(as lead\)/),
        'Plan request from frontend: answered.',
      ]),
    );
  const texts = await Promise.all(notices.map((n) => n.textContent()));
  const winner = texts[0] === 'Plan request from frontend: answered.' ? 'alice' : 'bob';
  expect(texts.find((t) => t !== 'Plan request from frontend: answered.')).toContain(`Already approved by ${winner} (as lead)`);
  // Exactly one answer was sent: one plan_approved in the history; the agent's own ClawTeam receive reads it, with the winner's feedback.
  const events = path.join(dataDir, 'teams', 'webapp', 'events');
  const answers = fs
    .readdirSync(events)
    .map((n) => JSON.parse(fs.readFileSync(path.join(events, n), 'utf8')))
    .filter((m) => m.requestId === planId && m.type !== 'plan_approval_request');
  expect(answers).toHaveLength(1);
  const inbox = spawnSync(
    'python3',
    [PY, 'wait', '--data-dir', dataDir, '--team', 'webapp', '--inbox', 'frontend', '--type', 'plan_approved', '--wait', '5'],
    { encoding: 'utf8' },
  );
  expect(JSON.parse(inbox.stdout).message).toMatchObject({
    type: 'plan_approved',
    from: 'lead',
    requestId: planId,
    feedback: `from ${winner}`,
  });
});
