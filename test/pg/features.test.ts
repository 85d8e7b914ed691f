import * as fs from 'fs';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/pg-store';
import { spawnSync } from 'child_process';
import { CLI, copyFixture } from '../race/harness';
import { backendsHere, sql, type Backend } from '../race/backends';
import { lockstepAt } from '../features/cli-harness';
import { freePort } from './cluster.mjs';

/**
 * What agents rely on, through the real CLI, on both backends: conflict-checked edits, leased claims with fencing
 * tokens, forced breaks with reasons, undo, member-aware claim --next, dependency resolution, team changes and the
 * stall radar. The folder-only parts (files ClawTeam wrote, temp files, torn journal lines) stay in test/features.
 */

function featureSuite(backend: Backend): void {
  const cli = (loc: string, args: string[]) => lockstepAt(backend.storeArgs(loc), args);

  it('--expect: applies an edit on a fresh version, refuses a stale one with CONFLICT naming who changed it', async () => {
    const loc = await backend.fixture();
    const v1 = cli(loc, ['task', 'show', 'webapp', '087e245f']).json.version as string;
    const fresh = cli(loc, ['task', 'update', 'webapp', '087e245f', '--priority', 'high', '--expect', v1, '--as', 'agent-1']);
    expect(fresh.code).toBe(0);
    expect(fresh.json.priority).toBe('high');
    const stale = cli(loc, ['task', 'update', 'webapp', '087e245f', '--subject', 'Mine', '--expect', v1, '--as', 'agent-2']);
    expect(stale.code).toBe(1);
    expect(stale.json.error.code).toBe('CONFLICT');
    expect(stale.json.error.message).toContain('agent-1');
    expect(stale.json.error.details.changedBy).toBe('agent-1');
    expect(cli(loc, ['task', 'show', 'webapp', '087e245f']).json.subject).toBe('Document the API');
  });

  it('leases and fencing: an expired lease is taken over, and the old holder’s --token write is CLAIM_LOST', async () => {
    const loc = await backend.fixture();
    const first = cli(loc, ['task', 'claim', 'webapp', '087e245f', '--as', 'slowpoke', '--lease', '2s']);
    expect(first.code).toBe(0);
    const oldToken = first.json.metadata.lockstep.claim.token as number;
    const locked = cli(loc, ['task', 'claim', 'webapp', '087e245f', '--as', 'eager']);
    expect(locked.code).toBe(3);
    expect(locked.json.error.code).toBe('TASK_LOCKED');
    expect(locked.json.error.details.holder).toBe('slowpoke');
    await new Promise((r) => setTimeout(r, 2100));
    const takeover = cli(loc, ['task', 'claim', 'webapp', '087e245f', '--as', 'eager']);
    expect(takeover.code).toBe(0);
    const newToken = takeover.json.metadata.lockstep.claim.token as number;
    expect(newToken).toBeGreaterThan(oldToken);
    const zombie = cli(loc, ['task', 'complete', 'webapp', '087e245f', '--as', 'slowpoke', '--token', String(oldToken), '--force', '--reason', 'mine']);
    expect(zombie.json.error.code).toBe('CLAIM_LOST');
    expect(zombie.json.error.message).toContain('eager');
    expect(cli(loc, ['task', 'show', 'webapp', '087e245f']).json.lockedBy).toBe('eager');
    expect(cli(loc, ['task', 'heartbeat', 'webapp', '087e245f', '--as', 'eager', '--lease', '5m', '--token', String(newToken)]).code).toBe(0);
    expect(cli(loc, ['task', 'complete', 'webapp', '087e245f', '--as', 'eager', '--token', String(newToken)]).code).toBe(0);
  });

  it('breaking a live claim needs a reason, which is journaled; completing resolves dependents', async () => {
    const loc = await backend.fixture();
    const noReason = cli(loc, ['task', 'release', 'webapp', 'dd0eba2d', '--as', 'lead', '--force']);
    expect(noReason.code).toBe(2);
    expect(noReason.json.error.message).toContain('needs a reason');
    expect(cli(loc, ['task', 'release', 'webapp', 'dd0eba2d', '--as', 'lead', '--force', '--reason', 'backend is offline']).code).toBe(0);
    const history = cli(loc, ['history', 'webapp', 'dd0eba2d']).json.entries;
    expect(history.at(-1).reason).toBe('backend is offline');
    expect(history.at(-1).actor).toBe('lead');
    // dd0eba2d blocks 797906f1 (only it) and cb4e74bf (with 797906f1).
    expect(cli(loc, ['task', 'complete', 'webapp', 'dd0eba2d', '--as', 'lead']).code).toBe(0);
    const form = cli(loc, ['task', 'show', 'webapp', '797906f1']).json;
    expect(form.status).toBe('pending');
    expect(form.blockedBy).toEqual([]);
    const e2e = cli(loc, ['task', 'show', 'webapp', 'cb4e74bf']).json;
    expect(e2e.status).toBe('blocked');
    expect(e2e.blockedBy).toEqual(['797906f1']);
  });

  it('undo reverts the actor’s last change, and refuses once an agent changed the task since', async () => {
    const loc = await backend.fixture();
    expect(cli(loc, ['task', 'update', 'webapp', '087e245f', '--priority', 'urgent', '--as', 'ana']).code).toBe(0);
    expect(cli(loc, ['undo', 'webapp', '--as', 'ana']).code).toBe(0);
    expect(cli(loc, ['task', 'show', 'webapp', '087e245f']).json.priority).toBe('medium');
    expect(cli(loc, ['task', 'update', 'webapp', '087e245f', '--owner', 'frontend', '--as', 'ana']).code).toBe(0);
    expect(cli(loc, ['task', 'claim', 'webapp', '087e245f', '--as', 'agent-3']).code).toBe(0);
    const refused = cli(loc, ['undo', 'webapp', '--as', 'ana']);
    expect(refused.json.error.code).toBe('CONFLICT');
    expect(refused.json.error.message).toContain('agent-3');
    const task = cli(loc, ['task', 'show', 'webapp', '087e245f']).json;
    expect(task.owner).toBe('frontend');
    expect(task.lockedBy).toBe('agent-3');
  });

  it('claim --next skips tasks needing tags the member lacks and stops at its WIP limit', async () => {
    const loc = await backend.fixture();
    const set = cli(loc, ['team', 'set-member', 'webapp', 'frontend', '--role', 'UI engineer', '--capability', 'react', '--wip-limit', '1']);
    expect(set.code).toBe(0);
    // A later change of the team (rewriting its config) keeps the profile.
    expect(cli(loc, ['team', 'add-member', 'webapp', 'newcomer']).code).toBe(0);
    expect(cli(loc, ['team', 'show', 'webapp']).json.members.find((m: { name: string }) => m.name === 'frontend').lockstep).toEqual({
      role: 'UI engineer',
      capabilities: ['react'],
      wipLimit: 1,
    });
    const sqlTask = cli(loc, ['task', 'create', 'webapp', 'tune SQL', '--priority', 'urgent', '--meta', 'requires=["sql"]']).json;
    const ui = cli(loc, ['task', 'create', 'webapp', 'build UI', '--priority', 'high', '--meta', 'requires=react']).json;
    expect(cli(loc, ['task', 'claim', 'webapp', '--next', '--as', 'frontend']).json.id).toBe(ui.id);
    const atLimit = cli(loc, ['task', 'claim', 'webapp', '--next', '--as', 'frontend']);
    expect(atLimit.code).toBe(0);
    expect(atLimit.json).toBeNull();
    expect(cli(loc, ['task', 'claim', 'webapp', '--next', '--as', 'backend']).json.id).toBe('087e245f');
    expect(cli(loc, ['task', 'claim', 'webapp', '--next', '--as', 'outside-dba']).json.id).toBe(sqlTask.id);
  });

  it('teams: create, add and remove members, rename, delete', async () => {
    const loc = await backend.empty();
    expect(cli(loc, ['team', 'create', 'alpha', '--member', 'ann', '--member', 'bo']).code).toBe(0);
    expect(cli(loc, ['team', 'create', 'alpha']).json.error.code).toBe('ALREADY_EXISTS');
    expect(cli(loc, ['team', 'add-member', 'alpha', 'cy']).code).toBe(0);
    expect(cli(loc, ['team', 'remove-member', 'alpha', 'bo']).code).toBe(0);
    expect(cli(loc, ['task', 'create', 'alpha', 'first']).code).toBe(0);
    expect(cli(loc, ['team', 'rename', 'alpha', 'beta']).code).toBe(0);
    const teams = cli(loc, ['team', 'list']).json.teams;
    expect(teams).toEqual([{ name: 'beta', description: '', memberCount: 2, leader: 'ann', counts: { pending: 1, in_progress: 0, completed: 0, blocked: 0 } }]);
    expect(cli(loc, ['task', 'list', 'alpha']).json.error.code).toBe('NOT_FOUND');
    // Both backends move a deleted team into their trash and say how to bring it back (test/pg/messages.test.ts
    // restores it).
    const deleted = cli(loc, ['team', 'delete', 'beta']).json;
    expect(deleted).toMatchObject({ team: 'beta', deletedTasks: 1 });
    expect(typeof deleted.trash).toBe('string');
    expect(cli(loc, ['team', 'list']).json.teams).toEqual([]);
    expect(cli(loc, ['team', 'create', 'gamma']).code).toBe(0);
    const text = spawnSync(process.execPath, [CLI, 'team', 'delete', 'gamma', ...backend.storeArgs(loc)], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Deleted team gamma and its 0 task\(s\); bring it back with: lockstep team restore [a-z0-9]+-[0-9a-f]{6}\n$/);
  });

  it('messages and costs work on both backends (the database no longer refuses them)', async () => {
    const loc = await backend.fixture();
    const send = cli(loc, ['inbox', 'send', 'webapp', 'frontend', 'hello', '--as', 'lead']);
    const budget = cli(loc, ['cost', 'budget', 'webapp', '5']);
    expect(send.code).toBe(0);
    expect(budget.code).toBe(0);
    expect(cli(loc, ['inbox', 'receive', 'webapp', '--as', 'frontend']).json.messages.map((m: { content: string }) => m.content)).toEqual(['hello']);
    expect(cli(loc, ['team', 'show', 'webapp']).json.budgetCents).toBe(500);
  });

  it('the stall radar reports each task stall and --fix-all resolves them through the journal', async () => {
    // Breakages ClawTeam (or a crash) can leave, made in a data folder and, for the database, copied into it.
    const dir = copyFixture();
    const edit = (id: string, change: Record<string, unknown>) => {
      const file = path.join(dir, 'tasks', 'webapp', `task-${id}.json`);
      fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), ...change }, null, 2));
    };
    edit('087e245f', { status: 'blocked', blockedBy: ['fdbd3860'] }); // blocked, blocker done
    edit('cb4e74bf', { blockedBy: ['797906f1', 'deadbeef'] }); // dangling blocker
    edit('dd0eba2d', { blockedBy: ['797906f1'] }); // cycle dd0eba2d <-> 797906f1
    const loc = await backend.fromFolder(dir);
    const lease = cli(loc, ['task', 'create', 'webapp', 'leased']).json;
    expect(cli(loc, ['task', 'claim', 'webapp', lease.id, '--as', 'sleepy', '--lease', '1s']).code).toBe(0);
    const gone = cli(loc, ['task', 'create', 'webapp', 'held by a dead process']).json;
    expect(cli(loc, ['task', 'claim', 'webapp', gone.id, '--as', 'ghost', '--pid', String(2 ** 22 + 12345)]).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    const findings = cli(loc, ['doctor', 'webapp', '--older-than', '1m']).json.findings as Array<{ kind: string; taskId: string }>;
    const kinds = findings.map((f) => `${f.kind}:${f.taskId}`).sort();
    const cycle = findings.find((f) => f.kind === 'dependency-cycle')?.taskId;
    expect(kinds).toEqual(
      [`lease-expired:${lease.id}`, `holder-gone:${gone.id}`, 'old-claim:dd0eba2d', 'blocked-but-free:087e245f', 'dangling-blocker:cb4e74bf', `dependency-cycle:${cycle}`].sort(),
    );
    const fixed = cli(loc, ['doctor', 'webapp', '--older-than', '1m', '--fix-all']);
    expect(fixed.code).toBe(0);
    expect(fixed.json.findings).toEqual([]);
    expect(fixed.json.fixed).toHaveLength(6);
    expect(cli(loc, ['task', 'show', 'webapp', '087e245f']).json.status).toBe('pending');
    expect(cli(loc, ['task', 'show', 'webapp', 'cb4e74bf']).json.blockedBy).toEqual(['797906f1']);
    expect(cli(loc, ['task', 'show', 'webapp', lease.id]).json.lockedBy).toBe('');
    const fixes = (cli(loc, ['history', 'webapp', '--limit', '1000']).json.entries as Array<{ op: string }>).filter((e) => e.op === 'doctor.fix');
    expect(fixes).toHaveLength(6);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

function databaseErrorSuite(backend: Backend): void {
  it('a database that cannot be reached is STORE_UNAVAILABLE in plain words, without a stack', async () => {
    const port = await freePort(); // nothing listens there
    const res = lockstepAt(['--store', `postgres://lockstep:secret@127.0.0.1:${port}/nowhere`], ['task', 'list', 'webapp']);
    expect(res.code).toBe(1);
    expect(res.json.error.code).toBe('STORE_UNAVAILABLE');
    expect(res.json.error.message).toContain(`127.0.0.1:${port}`);
    expect(res.json.error.message).not.toContain('secret');
    expect(res.json.error.message).not.toMatch(/\n\s+at /);
  });

  it('a database without Lockstep’s tables says how to create them', async () => {
    const url = (await backend.empty()).replace(/\/[^/]+$/, '/postgres');
    await sql(url, 'SELECT 1');
    const res = lockstepAt(['--store', url], ['team', 'list']);
    expect(res.json.error.code).toBe('STORE_UNAVAILABLE');
    expect(res.json.error.message).toContain('lockstep store migrate');
  });

  it('a row held locked past the retries is STORE_BUSY, and nothing is changed', async () => {
    const url = await backend.fixture();
    const store = new PostgresStore({ url, lockTimeoutMs: 100, retry: { busyAttempts: 3 } });
    const { Client } = await import('pg');
    const holder = new Client({ connectionString: url, application_name: 'lockstep-test' });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query("SELECT 1 FROM lockstep_tasks WHERE id = '087e245f' FOR UPDATE");
    await expect(store.updateTask('webapp', '087e245f', { subject: 'blocked out' })).rejects.toMatchObject({ code: 'STORE_BUSY' });
    await holder.query('ROLLBACK');
    await holder.end();
    expect((await store.getTask('webapp', '087e245f')).subject).toBe('Document the API');
    await store.close();
  });
}

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend: what agents rely on`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    featureSuite(backend);
    if (backend.name === 'postgres') databaseErrorSuite(backend);
  });
}
