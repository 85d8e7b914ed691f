import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { tryFlockExclusive } from '../../src/store/folder/flock';
import { copyFixture, tempDir } from '../fixture';
import { lockstepAsync, pool, snapshot } from './helpers';

/**
 * The data folder is a boundary: an agent that may write only inside it plants a symbolic link, and no Lockstep
 * command writes, appends to, renames, deletes, locks or rewrites what it points to. Every placement of a link is
 * tried with every mutating command, each in a real CLI process on its own copy of ClawTeam's fixture.
 */

const SECRET = 'SECRET-MARKER-7f3a';
const PENDING = '087e245f'; // pending, nothing to wait for
const CLAIMED = 'dd0eba2d'; // in progress, claimed by backend, blocks two tasks

const COMMANDS: Array<{ name: string; args: string[]; task?: string }> = [
  { name: 'task create', args: ['task', 'create', 'webapp', 'new work'] },
  { name: 'task update', args: ['task', 'update', 'webapp', PENDING, '--subject', 'changed'], task: PENDING },
  { name: 'task claim', args: ['task', 'claim', 'webapp', PENDING, '--as', 'a1'], task: PENDING },
  { name: 'task claim --next', args: ['task', 'claim', 'webapp', '--next', '--as', 'a1'] },
  { name: 'task release', args: ['task', 'release', 'webapp', CLAIMED, '--as', 'backend'], task: CLAIMED },
  { name: 'task complete', args: ['task', 'complete', 'webapp', CLAIMED, '--as', 'backend'], task: CLAIMED },
  { name: 'task delete', args: ['task', 'delete', 'webapp', PENDING], task: PENDING },
  { name: 'task heartbeat', args: ['task', 'heartbeat', 'webapp', CLAIMED, '--as', 'backend'], task: CLAIMED },
  { name: 'task sweep', args: ['task', 'sweep', 'webapp', '--older-than', '1s'] },
  { name: 'doctor --fix-all', args: ['doctor', 'webapp', '--older-than', '1s', '--fix-all'] },
  { name: 'undo', args: ['undo', 'webapp', '--as', 'backend'] },
  { name: 'team rename', args: ['team', 'rename', 'webapp', 'webapp2'] },
  { name: 'team delete', args: ['team', 'delete', 'webapp'] },
  { name: 'team add-member', args: ['team', 'add-member', 'webapp', 'zed'] },
  { name: 'team set-member', args: ['team', 'set-member', 'webapp', 'frontend', '--wip-limit', '2'] },
  { name: 'team remove-member', args: ['team', 'remove-member', 'webapp', 'tester'] },
];

interface Placement {
  name: string;
  /** Where the link goes, relative to the data folder. */
  link: string;
  /** Sets up the outside target in `outside`; returns the link's target. */
  target(outside: string, data: string): string;
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
  const walk = (p: string) => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
  };
  walk(to);
}

const withSecret = (file: string) => {
  const task = JSON.parse(fs.readFileSync(file, 'utf8'));
  task.description = `${SECRET} do not leak`;
  fs.writeFileSync(file, JSON.stringify(task, null, 2));
};

const PLACEMENTS: Placement[] = [
  {
    name: 'a task file',
    link: `tasks/webapp/task-${PENDING}.json`,
    target: (outside, data) => {
      const t = path.join(outside, 'victim-task.json');
      fs.copyFileSync(path.join(data, 'tasks', 'webapp', `task-${PENDING}.json`), t);
      withSecret(t);
      return t;
    },
  },
  {
    name: 'the team task folder',
    link: 'tasks/webapp',
    target: (outside, data) => {
      const t = path.join(outside, 'victim-tasks');
      copyDir(path.join(data, 'tasks', 'webapp'), t);
      withSecret(path.join(t, `task-${PENDING}.json`));
      return t;
    },
  },
  {
    name: 'the journal',
    link: 'tasks/webapp/.lockstep/journal.jsonl',
    target: (outside) => {
      const t = path.join(outside, 'bashrc');
      fs.writeFileSync(t, `# ${SECRET}\nexport PATH=$PATH\n`);
      return t;
    },
  },
  { name: "ClawTeam's .tasks.lock", link: 'tasks/webapp/.tasks.lock', target: (outside) => path.join(outside, 'created-by-lock') },
  {
    name: 'the team config folder',
    link: 'teams/webapp',
    target: (outside, data) => {
      const t = path.join(outside, 'victim-team');
      copyDir(path.join(data, 'teams', 'webapp'), t);
      return t;
    },
  },
  {
    name: 'the team config.json',
    link: 'teams/webapp/config.json',
    target: (outside, data) => {
      const t = path.join(outside, 'config.json');
      fs.copyFileSync(path.join(data, 'teams', 'webapp', 'config.json'), t);
      return t;
    },
  },
  {
    name: "Lockstep's .lockstep folder",
    link: 'tasks/webapp/.lockstep',
    target: (outside) => fs.mkdirSync(path.join(outside, 'ls'), { recursive: true }) ?? path.join(outside, 'ls'),
  },
  {
    name: 'the member profiles file',
    link: 'tasks/webapp/.lockstep/members.json',
    target: (outside) => {
      const t = path.join(outside, 'members.json');
      fs.writeFileSync(t, JSON.stringify({ version: 1, members: { frontend: { role: SECRET } } }));
      return t;
    },
  },
  {
    name: 'the lock queue folder',
    link: 'tasks/webapp/.lockstep/queue',
    target: (outside) => fs.mkdirSync(path.join(outside, 'q'), { recursive: true }) ?? path.join(outside, 'q'),
  },
];

/** The team lock's own folder (created to take the lock, emptied on release) is bookkeeping, not a change. */
function withoutLockFolder(snap: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(snap).filter(([k, v]) => !(v === 'dir' && /(^|\/)\.lockstep(\/queue)?$/.test(k))));
}

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

function setUp(placement: Placement): { data: string; outside: string } {
  const data = copyFixture('lockstep-link-');
  const outside = tempDir('lockstep-outside-');
  cleanup.push(data, outside);
  const linkPath = path.join(data, placement.link);
  const target = placement.target(outside, data);
  fs.mkdirSync(path.dirname(linkPath), { recursive: true });
  fs.rmSync(linkPath, { recursive: true, force: true });
  fs.symlinkSync(target, linkPath);
  return { data, outside };
}

describe('a symbolic link inside the data folder is never followed', () => {
  it('every mutating command, with a link at every place Lockstep writes: UNSAFE_PATH, nothing changed inside or outside', async () => {
    const cases = PLACEMENTS.flatMap((placement) => COMMANDS.map((command) => ({ placement, command })));
    const results = await pool(
      cases.map(({ placement, command }) => async () => {
        const { data, outside } = setUp(placement);
        const before = { inside: snapshot(data), outside: snapshot(outside) };
        const res = await lockstepAsync(data, command.args);
        return { placement, command, data, outside, before, res };
      }),
      3,
    );
    for (const { placement, command, data, outside, before, res } of results) {
      const label = `${command.name} with ${placement.name} a link`;
      // Whatever the command did, the outside is untouched and nothing quotes its bytes.
      expect(snapshot(outside), label).toEqual(before.outside);
      expect(res.stdout + res.stderr, label).not.toContain(SECRET);
      if (placement.name === 'a task file' && command.task !== PENDING) {
        // Other tasks are fine to change; the link is left as it is (a team delete removes the link itself).
        if (command.name !== 'team delete' && command.name !== 'team rename' && command.name !== 'doctor --fix-all') {
          expect(fs.lstatSync(path.join(data, placement.link)).isSymbolicLink(), label).toBe(true);
        }
        continue;
      }
      expect(res.code, `${label}: ${res.stdout}`).toBe(1);
      expect(res.json.error?.code, `${label}: ${res.stdout}`).toBe('UNSAFE_PATH');
      expect(res.json.error.message, label).toContain('symbolic link');
      expect(withoutLockFolder(snapshot(data)), label).toEqual(withoutLockFolder(before.inside));
    }
    expect(results).toHaveLength(PLACEMENTS.length * COMMANDS.length);
  });

  it('reports links in reads: task list and team list name them as problems, doctor as findings, history refuses', async () => {
    const taskLink = setUp(PLACEMENTS[0]);
    const list = await lockstepAsync(taskLink.data, ['task', 'list', 'webapp']);
    expect(list.code).toBe(0);
    expect(list.json.tasks.map((t: { id: string }) => t.id)).not.toContain(PENDING);
    expect(list.json.problems).toEqual([
      { path: path.join(taskLink.data, PLACEMENTS[0].link), reason: expect.stringContaining('symbolic link') },
    ]);
    expect(list.stdout).not.toContain(SECRET);
    const doctor = await lockstepAsync(taskLink.data, ['doctor', 'webapp']);
    expect(
      doctor.json.findings.some(
        (f: { kind: string; path?: string }) => f.kind === 'corrupt-file' && f.path?.endsWith(`task-${PENDING}.json`),
      ),
    ).toBe(true);
    const show = await lockstepAsync(taskLink.data, ['task', 'show', 'webapp', PENDING]);
    expect(show.json.error.code).toBe('UNSAFE_PATH');
    expect(show.stdout).not.toContain(SECRET);

    const folderLink = setUp(PLACEMENTS[1]);
    const folderList = await lockstepAsync(folderLink.data, ['task', 'list', 'webapp']);
    expect(folderList.json.tasks).toEqual([]);
    expect(folderList.json.problems[0].reason).toContain('symbolic link');
    expect(folderList.stdout).not.toContain(SECRET);

    const journalLink = setUp(PLACEMENTS[2]);
    const history = await lockstepAsync(journalLink.data, ['history', 'webapp']);
    expect(history.json.error.code).toBe('UNSAFE_PATH');
    expect(history.stdout).not.toContain(SECRET);
    // A link where Lockstep writes (not a task) is reported too: in task list and as a stall-radar finding.
    const journalAt = path.join(journalLink.data, PLACEMENTS[2].link);
    const journalList = await lockstepAsync(journalLink.data, ['task', 'list', 'webapp']);
    expect(journalList.json.tasks).toHaveLength(5);
    expect(journalList.json.problems).toEqual([{ path: journalAt, reason: expect.stringContaining('symbolic link') }]);
    const journalDoctor = await lockstepAsync(journalLink.data, ['doctor', 'webapp']);
    expect(journalDoctor.json.findings.some((f: { path?: string }) => f.path === journalAt)).toBe(true);
    expect(journalDoctor.stdout + journalList.stdout).not.toContain(SECRET);

    const configLink = setUp(PLACEMENTS[5]);
    const teams = await lockstepAsync(configLink.data, ['team', 'list']);
    expect(teams.code).toBe(0);
    expect(teams.json.problems.some((p: { reason: string }) => p.reason.includes('symbolic link'))).toBe(true);
  });

  it('the flock opener refuses a link to a file that does not exist yet instead of creating it', () => {
    const dir = tempDir('lockstep-flock-link-');
    cleanup.push(dir);
    const target = path.join(dir, 'outside-created');
    fs.symlinkSync(target, path.join(dir, '.tasks.lock'));
    expect(() => tryFlockExclusive(path.join(dir, '.tasks.lock'))).toThrow(expect.objectContaining({ code: 'UNSAFE_PATH' }));
    expect(fs.existsSync(target)).toBe(false);
  });

  it('the data folder itself may be a link: every command works through it', async () => {
    const data = copyFixture('lockstep-real-');
    const holder = tempDir('lockstep-via-link-');
    cleanup.push(data, holder);
    const via = path.join(holder, 'data');
    fs.symlinkSync(data, via);
    const created = await lockstepAsync(via, ['task', 'create', 'webapp', 'through a linked data folder']);
    expect(created.code, created.stdout).toBe(0);
    const done = await lockstepAsync(via, ['task', 'complete', 'webapp', CLAIMED, '--as', 'backend']);
    expect(done.code, done.stdout).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(data, 'tasks', 'webapp', `task-${CLAIMED}.json`), 'utf8')).status).toBe('completed');
    const history = await lockstepAsync(via, ['history', 'webapp']);
    expect(history.json.entries?.length ?? history.json.length).toBeGreaterThan(0);
  });
});
