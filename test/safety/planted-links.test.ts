import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstep } from '../features/cli-harness';
import { copyFixture, tempDir } from '../fixture';
import { CLI } from '../race/harness';
import { snapshot } from './helpers';

/**
 * Issue 28's repros of writes through a planted link (each run as the attacker did, the outside folder checked
 * after): the ready index's temp file, the dead-letter side file, a restore from a trash whose folders are links,
 * a data folder whose `.lockstep` is a link.
 */

const CANARY = 'CANARY-do-not-overwrite-5e1c';
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setup(): { data: string; outside: string; canary: string } {
  const data = copyFixture('lockstep-planted-');
  const outside = tempDir('lockstep-planted-outside-');
  made.push(data, outside);
  const canary = path.join(outside, 'canary.txt');
  fs.writeFileSync(canary, CANARY);
  return { data, outside, canary };
}

/** Runs the CLI in a shell that first plants `link -> target` with its own pid in the name (`{pid}`), then execs it. */
function lockstepAfterPlanting(data: string, linkPattern: string, target: string, args: string[]): { json: any } {
  const script = 'link=$(printf "%s" "$1" | sed "s/{pid}/$$/g"); ln -s "$2" "$link" && shift 2 && exec "$@"';
  const res = spawnSync('sh', ['-c', script, 'sh', linkPattern, target, process.execPath, CLI, ...args, '--json', '--data-dir', data], {
    encoding: 'utf8',
  });
  let json: any;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    json = { unparsable: res.stdout, stderr: res.stderr };
  }
  return { json };
}

/** The data folder without the empty lock scaffolding a refused restore's lock leaves for the team's name. */
function dataState(data: string): Record<string, string> {
  const out = snapshot(data);
  for (const scaffold of ['tasks/webapp', 'tasks/webapp/.lockstep', 'tasks/webapp/.tasks.lock']) delete out[scaffold];
  return out;
}

describe('no write through a planted link', () => {
  it('the ready index: a link at the temp name a claim would use (its pid) is never written through', () => {
    const { data, outside, canary } = setup();
    const lockstepDir = path.join(data, 'tasks', 'webapp', '.lockstep');
    fs.mkdirSync(lockstepDir, { recursive: true });
    const claimed = lockstepAfterPlanting(data, path.join(lockstepDir, 'ready.json.{pid}.tmp'), canary, [
      'task',
      'claim',
      'webapp',
      '--next',
      '--as',
      'zed',
    ]);
    expect(claimed.json.error).toBeUndefined();
    expect(fs.readFileSync(canary, 'utf8')).toBe(CANARY);
    expect(fs.readdirSync(outside)).toEqual(['canary.txt']);
  });

  it('the ready index itself as a link: replaced or left, its target never written', () => {
    const { data, canary } = setup();
    const lockstepDir = path.join(data, 'tasks', 'webapp', '.lockstep');
    fs.mkdirSync(lockstepDir, { recursive: true });
    fs.symlinkSync(canary, path.join(lockstepDir, 'ready.json'));
    lockstep(data, ['task', 'claim', 'webapp', '--next', '--as', 'zed']);
    lockstep(data, ['task', 'update', 'webapp', '087e245f', '--subject', 'x']);
    expect(fs.readFileSync(canary, 'utf8')).toBe(CANARY);
  });

  it('the dead-letter side file as a link: a bad message is quarantined, the link target is not overwritten', () => {
    const { data, outside, canary } = setup();
    const team = path.join(data, 'teams', 'webapp');
    fs.mkdirSync(path.join(team, 'dead_letters', 'b'), { recursive: true });
    fs.mkdirSync(path.join(team, 'inboxes', 'b'), { recursive: true });
    fs.symlinkSync(canary, path.join(team, 'dead_letters', 'b', 'msg-5-bbbbbbbb.json.meta.json'));
    fs.writeFileSync(path.join(team, 'inboxes', 'b', 'msg-5-bbbbbbbb.json'), 'not json {');
    const received = lockstep(data, ['inbox', 'receive', 'webapp', '--as', 'b']);
    expect(received.json.error).toBeUndefined();
    expect(fs.readFileSync(canary, 'utf8')).toBe(CANARY);
    expect(fs.readdirSync(outside)).toEqual(['canary.txt']);
    const dead = fs.readdirSync(path.join(team, 'dead_letters', 'b'));
    expect(dead.filter((n) => n.endsWith('.json') && !n.endsWith('.meta.json'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(team, 'inboxes', 'b'))).toEqual([]);
  });
});

describe('team restore never pulls outside files in', () => {
  for (const which of ['tasks/webapp', 'tasks/webapp/.lockstep', 'teams/webapp']) {
    it(`trash/<id>/${which} replaced by a link: refused, nothing moved, nothing half restored`, () => {
      const { data, outside } = setup();
      const deleted = lockstep(data, ['team', 'delete', 'webapp']);
      const id = deleted.json.trash as string;
      expect(id).toBeTruthy();
      const victim = path.join(outside, 'victim');
      fs.mkdirSync(victim);
      fs.writeFileSync(path.join(victim, 'task-aaaaaaaa.json'), CANARY);
      fs.writeFileSync(path.join(victim, 'config.json'), CANARY);
      const inTrash = path.join(data, '.lockstep', 'trash', id, ...which.split('/'));
      fs.renameSync(inTrash, `${inTrash}.real`);
      fs.symlinkSync(victim, inTrash);
      const outsideBefore = snapshot(outside);
      const dataBefore = dataState(data);
      const restored = lockstep(data, ['team', 'restore', id]);
      expect(restored.json.error?.code).toBe('UNSAFE_PATH');
      expect(typeof restored.json.error?.message).toBe('string');
      expect(snapshot(outside)).toEqual(outsideBefore);
      expect(dataState(data)).toEqual(dataBefore);
    });
  }

  it('a link anywhere inside the trashed team is refused before anything moves', () => {
    const { data, outside, canary } = setup();
    const id = lockstep(data, ['team', 'delete', 'webapp']).json.trash as string;
    fs.symlinkSync(canary, path.join(data, '.lockstep', 'trash', id, 'tasks', 'webapp', 'task-ffffffff.json'));
    const dataBefore = dataState(data);
    expect(lockstep(data, ['team', 'restore', id]).json.error?.code).toBe('UNSAFE_PATH');
    expect(dataState(data)).toEqual(dataBefore);
    expect(fs.readdirSync(outside)).toEqual(['canary.txt']);
  });
});

describe('the data folder’s own .lockstep', () => {
  it('as a link: team delete refuses without creating anything outside', () => {
    const { data, outside } = setup();
    fs.symlinkSync(outside, path.join(data, '.lockstep'));
    const before = snapshot(outside);
    const deleted = lockstep(data, ['team', 'delete', 'webapp']);
    expect(deleted.json.error?.code).toBe('UNSAFE_PATH');
    expect(snapshot(outside)).toEqual(before);
  });
});
