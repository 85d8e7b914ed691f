import { expect, test, type Page } from '@playwright/test';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_LOCK_OPTIONS, LockstepStore } from '../src/store';
import { acquireTeamLock } from '../src/store/folder/team-lock';
import { copyFixture, dragTo, launchApp, openTeam, PERSON, readTask, releaseBarrier, ROOT, spawnCli, tempDir } from './app';

/** The desktop app and agents sharing one task store: racing processes against the real window. */

test('seed regression through the app: two CLI agents race to claim a task the window shows; one wins, the card shows it', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    await expect(page.getByTestId('column-pending').getByTestId('task-card-087e245f')).toBeVisible();
    const barrier = path.join(tempDir('lockstep-barrier-'), 'go');
    const racers = ['agent-a', 'agent-b'].map((agent) =>
      spawnCli(['task', 'claim', 'webapp', '087e245f', '--as', agent, '--json', '--data-dir', dataDir], { LOCKSTEP_FAILPOINT_BARRIER: barrier }),
    );
    await releaseBarrier(barrier, 2); // both started and ready, then released together
    const results = await Promise.all(racers.map((r) => r.done));
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0].code).toBe(3);
    expect(JSON.parse(losers[0].stdout).error.code).toBe('TASK_LOCKED');
    const winner = JSON.parse(winners[0].stdout).lockedBy as string;
    await expect(page.getByTestId('lock-holder-087e245f')).toContainText(winner, { timeout: 1000 });
    await expect(page.getByTestId('column-in_progress').getByTestId('task-card-087e245f')).toBeVisible();
    expect(readTask(dataDir, 'webapp', '087e245f').lockedBy).toBe(winner);
  } finally {
    await app.close();
  }
});

/**
 * After a drag the app either applied it or said why not; a stale view asks keep theirs / apply mine. A card an
 * agent moved out from under the pointer before the drop is no drag at all: then nothing may have changed.
 */
async function settleAfterDrag(page: Page): Promise<'applied' | 'refused' | 'conflict' | 'gone'> {
  // "The store is busy … waiting" is not an outcome: wait for what the write came to.
  const status = page.getByTestId('status-message').filter({ hasNotText: 'the store is busy' });
  const error = page.getByTestId('error-message');
  const conflict = page.getByRole('dialog', { name: 'Somebody changed this task' });
  // A write in flight (its card marked pending-write, or the interim "the store is busy … waiting" line) may wait
  // behind eight agents on a loaded machine (the store gives up after 15 s); with no write in flight and nothing said
  // after 3 s, there was no drag.
  const busy = page.getByTestId('status-message').filter({ hasText: 'the store is busy' });
  const start = Date.now();
  const outcome = status.or(error).or(conflict);
  await expect
    .poll(
      async () =>
        (await outcome.count()) > 0 ||
        (Date.now() - start > 3000 && (await page.locator('.card.pending-write').count()) === 0 && (await busy.count()) === 0),
      { timeout: 30_000 },
    )
    .toBe(true);
  if ((await outcome.count()) === 0) return 'gone';
  // The outcome, not the interim line: the write ended one way or the other.
  await expect(busy).toHaveCount(0, { timeout: 30_000 });
  await expect(outcome.first()).toBeVisible();
  if (await conflict.isVisible()) {
    await conflict.getByRole('button', { name: 'Keep theirs' }).click();
    return 'conflict';
  }
  if (await error.isVisible()) {
    await expect(error).toContainText(/Locked by|changed since|is already completed|is blocked/);
    await error.getByRole('button', { name: 'Dismiss' }).click();
    return 'refused';
  }
  await status.getByRole('button', { name: 'Dismiss' }).click();
  return 'applied';
}

test('a person and 8 agents on one team: every task claimed exactly once, no claim lost or doubled, board equals disk', async () => {
  const dataDir = tempDir('lockstep-e2e-swarm-');
  const store = new LockstepStore({ dataDir });
  await store.createTeam({ name: 'swarm', members: ['alpha', 'beta', 'gamma'].map((name) => ({ name })) });
  for (let i = 0; i < 100; i++) await store.createTask('swarm', { subject: `job ${String(i).padStart(3, '0')}`, priority: (['low', 'medium', 'high', 'urgent'] as const)[i % 4] });
  const { app, page } = await launchApp(dataDir);
  try {
    await openTeam(page, 'swarm');
    const agents = Array.from({ length: 8 }, (_, i) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'e2e', 'cli-agent.cjs'), dataDir, 'swarm', `agent-${i}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return new Promise<{ claimed: string[]; refusedCompletes: unknown[] }>((resolve, reject) =>
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`agent-${i} failed: ${out}`)))),
      );
    });

    // Meanwhile the person drags pending cards onto members and one into "in progress".
    const outcomes: string[] = [];
    const members = ['alpha', 'beta', 'gamma'];
    const dragged = new Map<string, string>();
    for (let i = 0; i < 6; i++) {
      // Low-priority tasks sit at the bottom of the pending column: the agents, taking urgent work first, reach them last.
      await page.getByTestId('column-pending').locator('.column-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
      const cards = page.getByTestId('column-pending').locator('[data-testid^="task-card-"]');
      if (!(await cards.count())) break;
      // The lowest card actually in view (the column is virtualized: a few more are rendered out of sight).
      const scrollBox = await page.getByTestId('column-pending').locator('.column-scroll').boundingBox();
      let card = cards.last();
      for (let n = (await cards.count()) - 1; n >= 0; n--) {
        const box = await cards.nth(n).boundingBox();
        if (box && scrollBox && box.y + box.height <= scrollBox.y + scrollBox.height + 1) {
          card = cards.nth(n);
          break;
        }
      }
      const id = ((await card.getAttribute('data-testid')) as string).replace('task-card-', '');
      // An agent may take the card out of view between finding it and picking it up: then there was no drag.
      const picked = await dragTo(page, `task-card-${id}`, `member-${members[i % 3]}`).then(() => true, () => false);
      const outcome = picked ? await settleAfterDrag(page) : 'gone';
      outcomes.push(outcome);
      if (outcome === 'applied') dragged.set(id, members[i % 3]);
    }
    let personClaimed: string | null = null;
    const pendingCard = page.getByTestId('column-pending').locator('[data-testid^="task-card-"]').first();
    if (await pendingCard.count()) {
      const id = ((await pendingCard.getAttribute('data-testid')) as string).replace('task-card-', '');
      const picked = await dragTo(page, `task-card-${id}`, 'column-in_progress').then(() => true, () => false);
      const outcome = picked ? await settleAfterDrag(page) : 'gone';
      outcomes.push(outcome);
      if (outcome === 'applied') personClaimed = id;
    }
    const results = await Promise.all(agents);

    // Every task claimed by exactly one worker or the person; none claimed twice.
    const claims = results.flatMap((r) => r.claimed);
    if (personClaimed) claims.push(personClaimed);
    expect(new Set(claims).size).toBe(claims.length);
    const onDisk = (await store.listTasks('swarm')).tasks;
    expect(onDisk).toHaveLength(100);
    expect(new Set(claims)).toEqual(new Set(onDisk.map((t) => t.id)));
    for (const r of results) expect(r.refusedCompletes).toEqual([]);
    for (const t of onDisk) {
      if (t.id === personClaimed) expect(t).toMatchObject({ status: 'in_progress', lockedBy: PERSON });
      else expect(t.status).toBe('completed');
    }
    // Every assignment the app reported as applied is on disk (claims keep the owner the person set).
    for (const [id, owner] of dragged) expect(onDisk.find((t) => t.id === id)?.owner).toBe(owner);
    expect(outcomes.filter((o) => o !== 'gone').length).toBeGreaterThan(0);

    // The board equals what is on disk: same tasks in the same columns, same lock holders.
    for (const t of onDisk) {
      await expect(page.getByTestId(`column-${t.status}`)).toHaveAttribute('aria-label', new RegExp(`, ${onDisk.filter((o) => o.status === t.status).length} tasks$`));
    }
    if (personClaimed) await expect(page.getByTestId(`lock-holder-${personClaimed}`)).toContainText(PERSON);
  } finally {
    await app.close();
  }
});

test('two app windows assign the same task to different members at once: one wins, the other sees the conflict; both converge', async () => {
  const dataDir = copyFixture();
  const a = await launchApp(dataDir, 'person-a');
  const b = await launchApp(dataDir, 'person-b');
  try {
    await openTeam(a.page, 'webapp');
    await openTeam(b.page, 'webapp');
    // "At once", without timing: the team lock is held while both people drag, so both writes are made from the
    // same version of the task and wait for the lock together; released, one applies and the other finds it changed.
    fs.mkdirSync(path.join(dataDir, 'tasks', 'webapp', '.lockstep'), { recursive: true });
    const held = await acquireTeamLock('webapp', path.join(dataDir, 'tasks', 'webapp', '.lockstep', 'write.lock'), DEFAULT_LOCK_OPTIONS);
    try {
      await Promise.all([dragTo(a.page, 'task-card-087e245f', 'member-frontend'), dragTo(b.page, 'task-card-087e245f', 'member-tester')]);
      for (const page of [a.page, b.page]) await expect(page.getByTestId('task-card-087e245f')).toHaveClass(/pending-write/);
    } finally {
      await held.release();
    }
    const conflictA = a.page.getByRole('dialog', { name: 'Somebody changed this task' });
    const conflictB = b.page.getByRole('dialog', { name: 'Somebody changed this task' });
    await expect.poll(async () => (await conflictA.isVisible()) || (await conflictB.isVisible())).toBe(true);
    const loser = (await conflictA.isVisible()) ? { page: a.page, dialog: conflictA, winner: 'person-b' } : { page: b.page, dialog: conflictB, winner: 'person-a' };
    expect(await conflictA.isVisible() && await conflictB.isVisible()).toBe(false);
    await expect(loser.dialog).toContainText(loser.winner);
    await loser.dialog.getByRole('button', { name: 'Keep theirs' }).click();
    const owner = readTask(dataDir, 'webapp', '087e245f').owner as string;
    expect(owner).toBe(loser.winner === 'person-a' ? 'frontend' : 'tester');
    for (const page of [a.page, b.page]) {
      await expect(page.getByTestId('task-card-087e245f')).toContainText(`@${owner}`);
    }
  } finally {
    await a.app.close();
    await b.app.close();
  }
});

test('a writer killed while holding the team lock: no torn file; the app waits, says the store is busy, then saves', async () => {
  const dataDir = copyFixture();
  const { app, page } = await (async () => {
    process.env.LOCKSTEP_LOCK_STALE_MS = '3000';
    try {
      return await launchApp(dataDir);
    } finally {
      delete process.env.LOCKSTEP_LOCK_STALE_MS;
    }
  })();
  try {
    await openTeam(page, 'webapp');
    const lockDir = path.join(dataDir, 'tasks', 'webapp', '.lockstep', 'write.lock');
    // A burst of updates, killed with the team lock held (it holds the lock 10 s before each save).
    const writer = spawn(process.execPath, [path.join(ROOT, 'test', 'race', 'worker.cjs'), 'merge-meta', dataDir, 'webapp', '797906f1', 'k', '1000'], {
      env: { ...process.env, LOCKSTEP_TEST_STALE_MS: '3000', LOCKSTEP_FAILPOINT_DELAY_BEFORE_SAVE_MS: '10000' },
      stdio: 'ignore',
    });
    await expect.poll(() => fs.existsSync(lockDir)).toBe(true);
    writer.kill('SIGKILL');
    await new Promise((r) => writer.on('close', r));
    expect(fs.existsSync(lockDir)).toBe(true); // left behind by the dead writer
    // A holder that is gone on this machine is taken over at once; one on another machine sharing the folder only
    // after the stale time. Make it the latter, so the app has to wait and say so.
    const holderFile = path.join(lockDir, 'holder.json');
    const { mtime } = fs.statSync(lockDir);
    fs.writeFileSync(holderFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(holderFile, 'utf8')), host: 'another-machine' }));
    fs.utimesSync(lockDir, mtime, mtime);

    await dragTo(page, 'task-card-087e245f', 'member-tester');
    await expect(page.getByTestId('status-message')).toContainText('the store is busy');
    await expect(page.getByTestId('status-message')).toContainText('Assigned', { timeout: 15_000 });
    expect(readTask(dataDir, 'webapp', '087e245f').owner).toBe('tester');
    for (const f of fs.readdirSync(path.join(dataDir, 'tasks', 'webapp')).filter((n) => n.startsWith('task-') && n.endsWith('.json'))) {
      expect(() => JSON.parse(fs.readFileSync(path.join(dataDir, 'tasks', 'webapp', f), 'utf8'))).not.toThrow();
    }
  } finally {
    await app.close();
  }
});
