import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture } from '../fixture';
import { lockstepAsync } from './helpers';

/** Files are data, not trust: what another process wrote is parsed within bounds and kept exactly. */

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function fixture(prefix: string): string {
  const dir = copyFixture(prefix);
  cleanup.push(dir);
  return dir;
}

const tasksDir = (data: string) => path.join(data, 'tasks', 'webapp');
const taskPath = (data: string, id: string) => path.join(tasksDir(data), `task-${id}.json`);

function clawteamTask(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    subject: `task ${id}`,
    description: '',
    status: 'pending',
    priority: 'medium',
    owner: '',
    lockedBy: '',
    lockedAt: '',
    blocks: [],
    blockedBy: [],
    startedAt: '',
    createdAt: '2026-11-24T01:26:29.055421+00:00',
    updatedAt: '2026-11-24T01:26:29.055421+00:00',
    metadata: {},
    ...extra,
  };
}

describe('big, deep and non-UTF-8 task files', () => {
  it('are problem entries, left byte for byte, and the rest of the team works (list, claim --next, team list, doctor)', async () => {
    const data = fixture('lockstep-hostile-');
    // A sparse 2.2 GB file (costs no disk), a 20 MB task, a 200,000-deep array, and bytes that are not UTF-8.
    const sparse = taskPath(data, '00000b16');
    fs.writeFileSync(sparse, '');
    fs.truncateSync(sparse, Math.floor(2.2 * 1024 ** 3));
    const huge = taskPath(data, '00000fa7');
    fs.writeFileSync(huge, JSON.stringify(clawteamTask('00000fa7', { description: 'x'.repeat(20 * 1024 * 1024) })));
    const deep = taskPath(data, '0000dee9');
    fs.writeFileSync(
      deep,
      JSON.stringify(clawteamTask('0000dee9')).replace('"metadata":{}', `"metadata":{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}`),
    );
    // A valid JSON shape whose subject holds the byte 0xE9 alone (Latin-1 "é"), which is not UTF-8.
    const latin1 = taskPath(data, '00001a71');
    const text = JSON.stringify(clawteamTask('00001a71', { subject: 'caf__' }));
    const bytes = Buffer.from(text, 'latin1');
    const at = bytes.indexOf('caf__') + 3;
    bytes[at] = 0xe9;
    bytes[at + 1] = 0x20;
    fs.writeFileSync(latin1, bytes);
    const hostile = [sparse, huge, deep, latin1];
    const before = hostile.map((f) => ({ size: fs.statSync(f).size, mtime: fs.statSync(f).mtimeMs }));

    const list = await lockstepAsync(data, ['task', 'list', 'webapp']);
    expect(list.code, list.stdout.slice(0, 300)).toBe(0);
    expect(list.json.tasks).toHaveLength(5); // the fixture's five
    const reasons = Object.fromEntries(list.json.problems.map((p: { path: string; reason: string }) => [path.basename(p.path), p.reason]));
    expect(reasons['task-00000b16.json']).toMatch(/2\.2 GB, more than the 8\.0 MB/);
    expect(reasons['task-00000fa7.json']).toMatch(/20\.0 MB, more than/);
    expect(reasons['task-0000dee9.json']).toMatch(/nested deeper than 64 levels/);
    expect(reasons['task-00001a71.json']).toBe('not UTF-8 text');

    const next = await lockstepAsync(data, ['task', 'claim', 'webapp', '--next', '--as', 'a1']);
    expect(next.code, next.stdout.slice(0, 300)).toBe(0);
    expect(next.json.id).toBe('087e245f');
    const teams = await lockstepAsync(data, ['team', 'list']);
    expect(teams.code).toBe(0);
    expect(teams.json.teams.map((t: { name: string }) => t.name)).toContain('webapp');
    const doctor = await lockstepAsync(data, ['doctor', 'webapp']);
    expect(doctor.json.findings.filter((f: { kind: string }) => f.kind === 'corrupt-file')).toHaveLength(4);
    const complete = await lockstepAsync(data, ['task', 'complete', 'webapp', 'dd0eba2d', '--as', 'backend']);
    expect(complete.code, complete.stdout.slice(0, 300)).toBe(0);

    hostile.forEach((f, i) => expect({ size: fs.statSync(f).size, mtime: fs.statSync(f).mtimeMs }).toEqual(before[i]));
    expect(fs.readFileSync(latin1)).toEqual(bytes);
  });

  it('a JSON error names a line and column, never the bytes of the file', async () => {
    const data = fixture('lockstep-badjson-');
    fs.writeFileSync(taskPath(data, '0000bad1'), '{"id": "0000bad1",\n  "subject": export AWS_SECRET=hunter2');
    const list = await lockstepAsync(data, ['task', 'list', 'webapp']);
    const problem = list.json.problems.find((p: { path: string }) => p.path.endsWith('task-0000bad1.json'));
    expect(problem.reason).toBe('not valid JSON (unexpected character at line 2, column 14)');
    expect(list.stdout).not.toContain('hunter2');
    fs.writeFileSync(taskPath(data, '0000bad2'), JSON.stringify(clawteamTask('0000bad2', { status: 'hunter2-status' })));
    const again = await lockstepAsync(data, ['task', 'list', 'webapp']);
    expect(again.stdout).not.toContain('hunter2');
  });
});

describe('numbers and unknown fields written by others survive every rewrite', () => {
  const NUMBERS = ['12345678901234567891', '1.0', '1e5', '-0.0', '2.50', '0.0000001', '123456789.123456789012'];

  function writeNumberTask(data: string, id: string): string {
    const meta = NUMBERS.map((n, i) => `"n${i}": ${n}`).join(', ');
    const text = JSON.stringify(clawteamTask(id), null, 2)
      .replace('"metadata": {}', `"metadata": {${meta}, "list": [1.0, 12345678901234567891]}`)
      .replace(/\n}$/, `,\n  "futureField": {"weight": 3.10, "ids": [98765432109876543210]}\n}`);
    fs.writeFileSync(taskPath(data, id), text);
    return text;
  }

  function expectNumbersKept(file: string, label: string): void {
    const text = fs.readFileSync(file, 'utf8');
    NUMBERS.forEach((n, i) => expect(text, `${label}: n${i}`).toContain(`"n${i}": ${n}`));
    expect(text, label).toContain('1.0,');
    expect(text, label).toContain('12345678901234567891\n');
    expect(text, label).toContain('"weight": 3.10');
    expect(text, label).toContain('98765432109876543210');
  }

  it('update, claim, release, complete, delete + undo: each rewrite keeps 12345678901234567891, 1.0 and unknown fields exactly', async () => {
    const data = fixture('lockstep-numbers-');
    const id = '0000a0b1';
    writeNumberTask(data, id);
    const steps: string[][] = [
      ['task', 'update', 'webapp', id, '--subject', 'renamed', '--meta', 'added=1'],
      ['task', 'claim', 'webapp', id, '--as', 'a1'],
      ['task', 'release', 'webapp', id, '--as', 'a1'],
      ['task', 'complete', 'webapp', id, '--as', 'a1'],
      ['task', 'delete', 'webapp', id, '--as', 'a1'],
      ['undo', 'webapp', '--as', 'a1'],
    ];
    for (const args of steps) {
      const res = await lockstepAsync(data, args);
      expect(res.code, `${args.join(' ')}: ${res.stdout}`).toBe(0);
      if (args[1] !== 'delete') expectNumbersKept(taskPath(data, id), args.slice(0, 2).join(' '));
    }
    // The undone delete brought back the file with its unknown top-level field.
    expect(JSON.parse(fs.readFileSync(taskPath(data, id), 'utf8')).futureField).toBeDefined();
    // The CLI prints them exactly too.
    const show = await lockstepAsync(data, ['task', 'show', 'webapp', id]);
    expect(show.stdout).toContain('"n0":12345678901234567891');
    expect(show.stdout).toContain('"n1":1.0');
  });

  it("team config: ClawTeam's budgetCents 500.0 and unknown fields survive a member change", async () => {
    const data = fixture('lockstep-budget-');
    const file = path.join(data, 'teams', 'webapp', 'config.json');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace(/"budgetCents": [0-9.]+/, '"budgetCents": 500.0, "spentCents": 12345678901234567891'),
    );
    const res = await lockstepAsync(data, ['team', 'add-member', 'webapp', 'zed']);
    expect(res.code, res.stdout).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('"budgetCents": 500.0');
    expect(text).toContain('"spentCents": 12345678901234567891');
  });

  it('a fencing counter written as the string "7" gives the next claim token 8 (not "71")', async () => {
    const data = fixture('lockstep-fence-');
    const id = '0000fe7c';
    fs.writeFileSync(taskPath(data, id), JSON.stringify(clawteamTask(id, { metadata: { lockstep: { fence: '7' } } }), null, 2));
    const res = await lockstepAsync(data, ['task', 'claim', 'webapp', id, '--as', 'a1']);
    expect(res.code, res.stdout).toBe(0);
    expect(res.json.metadata.lockstep).toMatchObject({ fence: 8, claim: { token: 8 } });
    const done = await lockstepAsync(data, ['task', 'complete', 'webapp', id, '--as', 'a1', '--token', '8']);
    expect(done.code, done.stdout).toBe(0);
  });
});

describe('the journal is validated line by line', () => {
  it('`{"seq":5}` and other foreign lines: history works, a stale write is CONFLICT naming who, undo works', async () => {
    const data = fixture('lockstep-journal-');
    const created = await lockstepAsync(data, ['task', 'create', 'webapp', 'journaled']);
    const { id, version } = created.json;
    const journal = path.join(tasksDir(data), '.lockstep', 'journal.jsonl');
    fs.appendFileSync(
      journal,
      '{"seq":5}\n[]\nnull\n{"seq":"x","tasks":3}\n{"seq":6,"at":"now","actor":"x","via":"cli","pid":1,"host":"h","op":"task.update","team":"webapp","tasks":[{"id":5}]}\n',
    );
    const linesBefore = fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean).length;
    const update = await lockstepAsync(data, ['task', 'update', 'webapp', id, '--subject', 'changed by agent-9', '--as', 'agent-9']);
    expect(update.code, update.stdout).toBe(0);
    const history = await lockstepAsync(data, ['history', 'webapp']);
    expect(history.code, history.stdout).toBe(0);
    const entries = history.json.entries ?? history.json;
    expect(entries.map((e: { op: string }) => e.op)).toEqual(['task.create', 'task.update']);
    // The new line continues the real sequence (2), not the foreign line's 5.
    expect(entries[1].seq).toBe(2);
    const stale = await lockstepAsync(data, ['task', 'update', 'webapp', id, '--subject', 'mine', '--expect', version]);
    expect(stale.json.error.code).toBe('CONFLICT');
    expect(stale.json.error.message).toContain('agent-9');
    const undo = await lockstepAsync(data, ['undo', 'webapp', '--as', 'agent-9']);
    expect(undo.code, undo.stdout).toBe(0);
    expect(fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean)).toHaveLength(linesBefore + 2);
  });
});

describe('sweep removes only writers’ temp files, by their exact names', () => {
  it('keeps notes.tmp, a link named like a temp file and anything else; removes write-file-atomic and mkstemp leftovers', async () => {
    const data = fixture('lockstep-sweep-');
    const old = new Date(Date.now() - 3_600_000);
    const names = ['notes.tmp', 'backup.tmp', 'tmpa1b2c3d4.tmp', 'task-087e245f-k2j4_x9q.tmp', 'task-087e245f.json.1a2b3c4d'];
    for (const n of names) {
      fs.writeFileSync(path.join(tasksDir(data), n), 'x');
      fs.utimesSync(path.join(tasksDir(data), n), old, old);
    }
    const outside = path.join(data, 'outside-keep.txt');
    fs.writeFileSync(outside, 'keep');
    fs.symlinkSync(outside, path.join(tasksDir(data), 'tmpzzzzzzzz.tmp'));
    const res = await lockstepAsync(data, ['task', 'sweep', 'webapp']);
    expect(res.code, res.stdout).toBe(0);
    expect(res.json.removedTempFiles.map((p: string) => path.basename(p)).sort()).toEqual([
      'task-087e245f-k2j4_x9q.tmp',
      'task-087e245f.json.1a2b3c4d',
      'tmpa1b2c3d4.tmp',
    ]);
    for (const kept of ['notes.tmp', 'backup.tmp', 'tmpzzzzzzzz.tmp'])
      expect(fs.existsSync(path.join(tasksDir(data), kept)) || fs.lstatSync(path.join(tasksDir(data), kept)).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep');
  });
});

describe('names Windows cannot create', () => {
  it('CON, nul.txt, LPT1 and "a." are refused with INVALID_INPUT before any file is touched', async () => {
    const data = fixture('lockstep-names-');
    for (const name of ['CON', 'nul.txt', 'LPT1', 'a.']) {
      const res = await lockstepAsync(data, ['team', 'create', name]);
      expect(res.json.error?.code, name).toBe('INVALID_INPUT');
      expect(fs.existsSync(path.join(data, 'teams', name))).toBe(false);
    }
    const ok = await lockstepAsync(data, ['team', 'create', 'console']);
    expect(ok.code, ok.stdout).toBe(0);
  });
});

describe('team delete', () => {
  it("removes every file of the team, Lockstep's own included, and leaves no folder behind", async () => {
    const data = fixture('lockstep-team-delete-');
    expect((await lockstepAsync(data, ['task', 'create', 'webapp', 'journaled first'])).code).toBe(0);
    expect(fs.existsSync(path.join(tasksDir(data), '.lockstep', 'journal.jsonl'))).toBe(true);
    const res = await lockstepAsync(data, ['team', 'delete', 'webapp']);
    expect(res.code, res.stdout).toBe(0);
    expect(res.json.deletedTasks).toBe(6);
    expect(fs.existsSync(path.join(data, 'teams', 'webapp'))).toBe(false);
    expect(fs.existsSync(tasksDir(data))).toBe(false);
    expect(fs.readdirSync(path.join(data, 'tasks'))).toEqual(['research']); // the other team is untouched
  });
});
