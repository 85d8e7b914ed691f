import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE, copyFixture, tempDir } from '../race/harness';
import { postgresBackend as pg } from '../race/backends';
import { lockstepAt } from '../features/cli-harness';

/** `lockstep store copy`: a data folder into a database and back, byte for byte. */

function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

function expectSameTree(a: string, b: string, ignore: (rel: string) => boolean = () => false): void {
  const x = tree(a);
  const y = tree(b);
  expect([...y.keys()].filter((k) => !ignore(k)).sort()).toEqual([...x.keys()].filter((k) => !ignore(k)).sort());
  for (const [rel, bytes] of x) if (!ignore(rel)) expect(y.get(rel)?.equals(bytes), rel).toBe(true);
}

const dirs: string[] = [];
const scratch = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};
const cli = (args: string[]) => lockstepAt([], ['store', 'copy', ...args]);

describe.skipIf(pg.skipReason !== null)('store copy between a data folder and a database', () => {
  beforeAll(() => pg.start(), 60_000);
  afterAll(async () => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    await pg.cleanup();
    await pg.stop();
  });

  it('round-trips ClawTeam’s fixture byte for byte: folder → database → folder', async () => {
    const url = await pg.empty();
    const there = cli(['--from', FIXTURE, '--to', url]);
    expect(there.code, there.stderr).toBe(0);
    expect(there.json).toMatchObject({ teams: 2, tasks: 6, unchanged: false });
    const out = path.join(scratch('lockstep-copy-'), 'back');
    const back = cli(['--from', url, '--to', out]);
    expect(back.code, back.stderr).toBe(0);
    expectSameTree(FIXTURE, out);
  });

  it('carries member profiles (.lockstep/members.json) both ways, config.json untouched, and a second copy is a no-op', async () => {
    const dir = copyFixture();
    dirs.push(dir);
    const folderCli = (args: string[]) => lockstepAt(['--data-dir', dir], args);
    expect(folderCli(['team', 'set-member', 'webapp', 'frontend', '--role', 'UI engineer', '--capability', 'react', '--wip-limit', '2']).code).toBe(0);
    const profile = { role: 'UI engineer', capabilities: ['react'], wipLimit: 2 };
    const configBytes = fs.readFileSync(path.join(dir, 'teams', 'webapp', 'config.json'));
    const url = await pg.empty();
    expect(cli(['--from', dir, '--to', url]).code).toBe(0);
    const dbCli = (args: string[]) => lockstepAt(['--store', url], args);
    const member = (json: { members: Array<{ name: string; lockstep?: unknown }> }) => json.members.find((m) => m.name === 'frontend')?.lockstep;
    expect(member(dbCli(['team', 'show', 'webapp']).json)).toEqual(profile);
    expect(cli(['--from', dir, '--to', url]).json.unchanged).toBe(true);
    const out = path.join(scratch('lockstep-copy-'), 'back');
    expect(cli(['--from', url, '--to', out]).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'teams', 'webapp', 'config.json')).equals(configBytes)).toBe(true);
    expect(member(lockstepAt(['--data-dir', out], ['team', 'show', 'webapp']).json)).toEqual(profile);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'tasks', 'webapp', '.lockstep', 'members.json'), 'utf8')).members).toEqual({ frontend: profile });
    expect(cli(['--from', url, '--to', out]).json.unchanged).toBe(true);
  });

  it('keeps unknown fields, number formats, metadata, timestamps and the journal; versions match across backends', async () => {
    const dir = copyFixture();
    dirs.push(dir);
    // A newer ClawTeam's field, a float as Python writes it, and Lockstep's own changes with their journal.
    // (Lockstep rewrites 087e245f below: like the folder store, that rewrite normalises 2.0 to 2; 797906f1 is never
    // rewritten, so its bytes must come back exactly.)
    const addFields = (id: string, text: string) => {
      const file = path.join(dir, 'tasks', 'webapp', `task-${id}.json`);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n}$/, `,\n${text}\n}`));
    };
    addFields('087e245f', '  "reviewers": [\n    "kim"\n  ]');
    addFields('797906f1', '  "planVersion": 2.0');
    const folderCli = (args: string[]) => lockstepAt(['--data-dir', dir], args);
    expect(folderCli(['task', 'claim', 'webapp', '087e245f', '--as', 'agent-1', '--lease', '1h']).code).toBe(0);
    expect(folderCli(['task', 'update', 'webapp', '087e245f', '--meta', 'estimate=1.50', '--as', 'agent-1']).code).toBe(0);
    const folderTask = folderCli(['task', 'show', 'webapp', '087e245f']).json;
    const url = await pg.empty();
    expect(cli(['--from', dir, '--to', url]).code).toBe(0);
    const dbCli = (args: string[]) => lockstepAt(['--store', url], args);
    expect(dbCli(['task', 'show', 'webapp', '087e245f']).json).toEqual(folderTask);
    expect(dbCli(['history', 'webapp']).json).toEqual(folderCli(['history', 'webapp']).json);
    // An agent's --expect taken on the folder still holds on the database.
    expect(dbCli(['task', 'update', 'webapp', '087e245f', '--priority', 'low', '--expect', folderTask.version, '--as', 'agent-1']).code).toBe(0);
    const out = path.join(scratch('lockstep-copy-'), 'back');
    expect(cli(['--from', url, '--to', out]).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'tasks', 'webapp', 'task-087e245f.json'), 'utf8')).toContain('"reviewers": [\n    "kim"\n  ]');
    expect(fs.readFileSync(path.join(out, 'tasks', 'webapp', 'task-797906f1.json'), 'utf8')).toContain('"planVersion": 2.0');
    // Everything else is byte-identical; the changed task and the journal (one more line) differ as they should.
    expectSameTree(dir, out, (rel) => rel.endsWith('task-087e245f.json') || rel.endsWith('journal.jsonl'));
    const before = fs.readFileSync(path.join(dir, 'tasks', 'webapp', '.lockstep', 'journal.jsonl'), 'utf8');
    const after = fs.readFileSync(path.join(out, 'tasks', 'webapp', '.lockstep', 'journal.jsonl'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length).trim().split('\n')).toHaveLength(1);
  });

  it('carries ClawTeam’s messages, history and cost events both ways: the database serves them, and they come back byte for byte', async () => {
    const dir = copyFixture();
    dirs.push(dir);
    const py = (args: string[]) => {
      const res = spawnSync('python3', [path.join(__dirname, '..', 'clawteam', 'clawteam_inbox.py'), ...args, '--data-dir', dir, '--team', 'webapp'], { encoding: 'utf8' });
      expect(res.status, res.stderr).toBe(0);
    };
    // Written by ClawTeam's own protocol (standard-library Python), not by Lockstep.
    py(['send', '--to', 'tester', '--from', 'lead', '--content', 'from python', '--count', '3', '--field', 'reason=because']);
    py(['send', '--to', 'frontend', '--from', 'tester', '--content', 'to frontend']);
    py(['cost', '--agent', 'tester', '--cents', '12.5', '--count', '2']);
    const folderCost = lockstepAt(['--data-dir', dir], ['cost', 'show', 'webapp']).json;
    const url = await pg.empty();
    const there = cli(['--from', dir, '--to', url]);
    expect(there.code, there.stderr).toBe(0);
    expect(there.json).toMatchObject({ teams: 2, messages: 4, historyEntries: 4, costEvents: 2 });
    const db = (args: string[]) => lockstepAt(['--store', url], args).json;
    expect(db(['cost', 'show', 'webapp'])).toEqual(folderCost);
    expect(db(['inbox', 'peek', 'webapp', '--as', 'frontend']).messages.map((m: { content: string }) => m.content)).toEqual(['to frontend']);
    const out = path.join(scratch('lockstep-copy-'), 'back');
    expect(cli(['--from', url, '--to', out]).code).toBe(0);
    // Every message, history and cost event file comes back with its name and bytes; the cost summary is a cache
    // (rebuilt from the events when missing) and ClawTeam's lock sidecars are not carried.
    const mail = (rel: string) => /(^|\/)(inboxes|events)\//.test(rel) || rel.startsWith('costs/');
    const notCarried = (rel: string) => /summary\.json(\.lock)?$/.test(rel);
    expectSameTree(dir, out, (rel) => !mail(rel) || notCarried(rel));
    expect(lockstepAt(['--data-dir', out], ['cost', 'show', 'webapp']).json).toEqual(folderCost);
    // Received on the database: gone from the next copy out, still in the history.
    const received = db(['inbox', 'receive', 'webapp', '--as', 'tester']);
    // (Sent within one millisecond, ClawTeam's names order them by their random part: the order is not asserted.)
    expect(received.messages.map((m: { content: string; reason?: string }) => `${m.content}:${m.reason}`).sort()).toEqual([
      'from python0:because',
      'from python1:because',
      'from python2:because',
    ]);
    expect(db(['inbox', 'peek', 'webapp', '--as', 'tester']).count).toBe(0);
    const out2 = path.join(scratch('lockstep-copy-'), 'back2');
    expect(cli(['--from', url, '--to', out2]).code).toBe(0);
    expect(fs.readdirSync(path.join(out2, 'teams', 'webapp', 'inboxes', 'tester'))).toEqual([]);
    expect(fs.readdirSync(path.join(out2, 'teams', 'webapp', 'events'))).toHaveLength(4);
  });

  it('is idempotent, refuses a target that holds something else, and replaces it only when asked', async () => {
    const url = await pg.empty();
    expect(cli(['--from', FIXTURE, '--to', url]).code).toBe(0);
    const again = cli(['--from', FIXTURE, '--to', url]);
    expect(again.code).toBe(0);
    expect(again.json.unchanged).toBe(true);
    // The database changes: the same copy is now refused, naming what is there.
    expect(lockstepAt(['--store', url], ['task', 'create', 'webapp', 'new work']).code).toBe(0);
    const refused = cli(['--from', FIXTURE, '--to', url]);
    expect(refused.code).toBe(1);
    expect(refused.json.error.code).toBe('ALREADY_EXISTS');
    expect(refused.json.error.message).toContain('--replace');
    expect(lockstepAt(['--store', url], ['task', 'list', 'webapp']).json.tasks).toHaveLength(6);
    expect(cli(['--from', FIXTURE, '--to', url, '--replace']).json.unchanged).toBe(false);
    expect(lockstepAt(['--store', url], ['task', 'list', 'webapp']).json.tasks).toHaveLength(5);
    // And into a folder: an empty one is fine, one with other teams is refused unless --replace.
    const other = copyFixture();
    dirs.push(other);
    fs.rmSync(path.join(other, 'tasks', 'research'), { recursive: true });
    const intoFolder = cli(['--from', url, '--to', other]);
    expect(intoFolder.json.error.code).toBe('ALREADY_EXISTS');
    expect(fs.existsSync(path.join(other, 'tasks', 'research'))).toBe(false);
    expect(cli(['--from', url, '--to', other, '--replace']).code).toBe(0);
    expectSameTree(FIXTURE, other);
    expect(cli(['--from', url, '--to', other]).json.unchanged).toBe(true);
  });
});
