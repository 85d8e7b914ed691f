import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { copyFixture, readJson } from '../race/harness';
import { lockstep } from './cli-harness';

const tasksDir = (dir: string) => path.join(dir, 'tasks', 'webapp');
const journalFile = (dir: string) => path.join(tasksDir(dir), '.lockstep', 'journal.jsonl');

function editTask(dir: string, id: string, edit: (t: Record<string, unknown>) => void): void {
  const file = path.join(tasksDir(dir), `task-${id}.json`);
  const task = readJson(file);
  edit(task);
  fs.writeFileSync(file, JSON.stringify(task, null, 2));
}

describe('the team journal', () => {
  it('records who did what with the changed fields before and after, and tolerates a torn last line', async () => {
    const dir = copyFixture();
    const store = new LockstepStore({ dataDir: dir, actor: { name: 'ana@desk', via: 'app' } });
    await store.updateTask('webapp', '087e245f', { priority: 'urgent' });
    await store.completeTask('webapp', 'dd0eba2d', { agent: 'backend' });
    const [update, complete] = await store.history('webapp');
    expect(update).toMatchObject({ seq: 1, actor: 'ana@desk', via: 'app', op: 'task.update', taskId: '087e245f', pid: process.pid });
    expect(update.tasks[0].before).toMatchObject({ priority: 'medium' });
    expect(update.tasks[0].after).toMatchObject({ priority: 'urgent' });
    // Completing touched the task and the two that waited for it, all in one entry.
    expect(complete.actor).toBe('backend');
    expect(complete.tasks.map((t) => t.id).sort()).toEqual(['797906f1', 'cb4e74bf', 'dd0eba2d']);
    expect(complete.tasks.find((t) => t.id === '797906f1')?.after).toMatchObject({ status: 'pending', blockedBy: [] });

    // A writer killed mid-append leaves half a line: readers skip it, the next writer starts a fresh line.
    fs.appendFileSync(journalFile(dir), '{"seq":3,"at":"2026-');
    await store.updateTask('webapp', '087e245f', { priority: 'low' });
    const entries = await store.history('webapp');
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[2].tasks[0].after).toMatchObject({ priority: 'low' });
    expect(await store.history('webapp', '797906f1')).toHaveLength(1);
  });

  it('stays bounded: past its size it rotates and keeps a fixed number of old files', async () => {
    const dir = copyFixture();
    const store = new LockstepStore({ dataDir: dir, journal: { maxBytes: 2000, keep: 2 } });
    for (let i = 0; i < 40; i++) await store.updateTask('webapp', '087e245f', { metadata: { i } });
    const files = fs.readdirSync(path.join(tasksDir(dir), '.lockstep')).filter((f) => f.startsWith('journal'));
    expect(files.sort()).toEqual(['journal.1.jsonl', 'journal.2.jsonl', 'journal.jsonl']);
    for (const f of files) expect(fs.statSync(path.join(tasksDir(dir), '.lockstep', f)).size).toBeLessThan(2000 + 1500);
    const seqs = (await store.history('webapp')).map((e) => e.seq);
    expect(seqs.at(-1)).toBe(40); // numbering continues across rotations
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
  });
});

describe('the stall radar (lockstep doctor)', () => {
  it('reports each kind of stall from a fixture and its fix resolves it through the journaled store', async () => {
    const dir = copyFixture();
    const store = new LockstepStore({ dataDir: dir });
    // Each finding is produced by a small, deliberate breakage of the ClawTeam fixture.
    const lease = await store.createTask('webapp', { subject: 'leased' });
    await store.claimTask('webapp', lease.id, { agent: 'sleepy', leaseMs: 1 });
    const gone = await store.createTask('webapp', { subject: 'held by a dead process' });
    await store.claimTask('webapp', gone.id, { agent: 'ghost', pid: 2 ** 22 + 12345 });
    editTask(dir, '087e245f', (t) => Object.assign(t, { status: 'blocked', blockedBy: ['fdbd3860'] })); // blocked, blocker done
    editTask(dir, 'cb4e74bf', (t) => Object.assign(t, { blockedBy: ['797906f1', 'deadbeef'] })); // dangling blocker
    editTask(dir, 'dd0eba2d', (t) => Object.assign(t, { blockedBy: ['797906f1'] })); // cycle: dd0eba2d <-> 797906f1
    fs.writeFileSync(path.join(tasksDir(dir), 'task-0badf11e.json'), '{"id": "0badf11e", "subject": ');
    fs.writeFileSync(path.join(tasksDir(dir), 'tmpa1b2_c3d.tmp'), 'x');
    fs.utimesSync(path.join(tasksDir(dir), 'tmpa1b2_c3d.tmp'), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    await new Promise((r) => setTimeout(r, 5));

    const findings = await store.doctor('webapp', { oldClaimMs: 60_000 });
    const kinds = findings.map((f) => `${f.kind}:${f.taskId ?? path.basename(f.path ?? '')}`).sort();
    expect(kinds).toEqual(
      [
        `lease-expired:${lease.id}`,
        `holder-gone:${gone.id}`,
        'old-claim:dd0eba2d', // claimed by backend in the fixture, long ago
        'blocked-but-free:087e245f',
        'dangling-blocker:cb4e74bf',
        `dependency-cycle:${findings.find((f) => f.kind === 'dependency-cycle')?.taskId}`,
        'temp-file:tmpa1b2_c3d.tmp',
        'corrupt-file:task-0badf11e.json',
      ].sort(),
    );

    // The CLI applies every fix; afterwards nothing is stalled and each fix left a journal line.
    const fixed = lockstep(dir, ['doctor', 'webapp', '--older-than', '1m', '--fix-all']);
    expect(fixed.code).toBe(0);
    expect(fixed.json.findings).toEqual([]);
    expect(fixed.json.fixed).toHaveLength(8);
    expect(await store.doctor('webapp', { oldClaimMs: 60_000 })).toEqual([]);
    expect((await store.getTask('webapp', lease.id)).lockedBy).toBe('');
    expect((await store.getTask('webapp', '087e245f')).status).toBe('pending');
    expect((await store.getTask('webapp', 'cb4e74bf')).blockedBy).toEqual(['797906f1']);
    expect(fs.existsSync(path.join(tasksDir(dir), 'tmpa1b2_c3d.tmp'))).toBe(false);
    expect(fs.readdirSync(path.join(tasksDir(dir), '.lockstep', 'quarantine'))[0]).toMatch(/^task-0badf11e\.json\./);
    const fixes = (await store.history('webapp')).filter((e) => e.op === 'doctor.fix');
    expect(fixes).toHaveLength(8);
  });

  it('refuses a fix that no longer applies, changing nothing', async () => {
    const dir = copyFixture();
    const store = new LockstepStore({ dataDir: dir });
    editTask(dir, '087e245f', (t) => Object.assign(t, { status: 'blocked', blockedBy: ['fdbd3860'] }));
    const [finding] = await store.doctor('webapp');
    await store.updateTask('webapp', '087e245f', { status: 'pending', removeBlockedBy: ['fdbd3860'] });
    await expect(store.fixFinding('webapp', finding.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('assignment that knows the member', () => {
  it('claim --next skips tasks needing tags the member lacks and stops at its WIP limit', async () => {
    const dir = copyFixture();
    const store = new LockstepStore({ dataDir: dir });
    await store.setMemberProfile('webapp', 'frontend', { role: 'UI engineer', capabilities: ['react'], wipLimit: 1 });
    const config = await store.getTeam('webapp');
    expect(config.members.find((m) => m.name === 'frontend')?.lockstep).toEqual({ role: 'UI engineer', capabilities: ['react'], wipLimit: 1 });
    // The profile is kept in Lockstep's own file beside the journal (ClawTeam rewrites config.json wholesale), and
    // ClawTeam's config is untouched.
    const raw = readJson(path.join(dir, 'teams', 'webapp', 'config.json'));
    expect((raw.members as Array<Record<string, unknown>>)[1]).toEqual(expect.objectContaining({ name: 'frontend', agentId: 'f00000000001' }));
    expect((raw.members as Array<Record<string, unknown>>)[1]).not.toHaveProperty('lockstep');
    const own = readJson(path.join(dir, 'tasks', 'webapp', '.lockstep', 'members.json'));
    expect((own.members as Record<string, unknown>).frontend).toEqual({ role: 'UI engineer', capabilities: ['react'], wipLimit: 1 });

    const sql = await store.createTask('webapp', { subject: 'tune SQL', priority: 'urgent', metadata: { requires: ['sql'] } });
    const ui = await store.createTask('webapp', { subject: 'build UI', priority: 'high', metadata: { requires: ['react'] } });
    const next = lockstep(dir, ['task', 'claim', 'webapp', '--next', '--as', 'frontend']);
    expect(next.json.id).toBe(ui.id); // the urgent SQL task needs a tag frontend lacks
    const atLimit = lockstep(dir, ['task', 'claim', 'webapp', '--next', '--as', 'frontend']);
    expect(atLimit.code).toBe(0);
    expect(atLimit.json).toBeNull(); // one task in progress = its WIP limit
    // A member who declared no capabilities lacks the tag too; an agent that is not a member has no rules.
    expect(lockstep(dir, ['task', 'claim', 'webapp', '--next', '--as', 'backend']).json.id).toBe('087e245f');
    expect(lockstep(dir, ['task', 'claim', 'webapp', '--next', '--as', 'outside-dba']).json.id).toBe(sql.id);
  });
});
