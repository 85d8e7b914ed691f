import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstep } from '../features/cli-harness';
import { copyFixture } from '../fixture';

/** Issue 28's low items that were fixed (the others are trade-offs in README's security section). */

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function data(): string {
  const dir = copyFixture('lockstep-low-');
  made.push(dir);
  return dir;
}

describe('low items', () => {
  it('20 planted trash folders sorting after the real ones never purge the deletion just made', () => {
    const dir = data();
    const trash = path.join(dir, '.lockstep', 'trash');
    for (let i = 0; i < 20; i++) {
      const planted = path.join(trash, `zzzzzzzzzzzz-${i.toString(16).padStart(6, '0')}`);
      fs.mkdirSync(planted, { recursive: true });
      fs.writeFileSync(path.join(planted, 'trash.json'), JSON.stringify({ team: 'research' }));
    }
    const deleted = lockstep(dir, ['team', 'delete', 'webapp']);
    expect(deleted.json.error).toBeUndefined();
    const restored = lockstep(dir, ['team', 'restore', deleted.json.trash]);
    expect(restored.json.error).toBeUndefined();
    expect(restored.json.name).toBe('webapp');
  });

  it('a malformed ready index with the right stamp is rebuilt, not an INTERNAL error', () => {
    const dir = data();
    const tasks = path.join(dir, 'tasks', 'webapp');
    fs.mkdirSync(path.join(tasks, '.lockstep'), { recursive: true });
    const stamp = fs.statSync(tasks, { bigint: true }).mtimeNs.toString();
    fs.writeFileSync(path.join(tasks, '.lockstep', 'ready.json'), JSON.stringify({ v: 1, stamp, floor: null, entries: [null, 7] }));
    expect(fs.statSync(tasks, { bigint: true }).mtimeNs.toString()).toBe(stamp);
    const claimed = lockstep(dir, ['task', 'claim', 'webapp', '--next', '--as', 'zed']);
    expect(claimed.json?.error).toBeUndefined();
    expect(claimed.json.id).toBeTruthy();
  });

  it('a big foreign intent.json is set aside from its first bytes', () => {
    const dir = data();
    const lockstepDir = path.join(dir, 'tasks', 'webapp', '.lockstep');
    fs.mkdirSync(lockstepDir, { recursive: true });
    const intent = path.join(lockstepDir, 'intent.json');
    fs.writeFileSync(intent, '[');
    fs.truncateSync(intent, 450 * 1024 * 1024);
    const updated = lockstep(dir, ['task', 'update', 'webapp', '087e245f', '--subject', 'still works']);
    expect(updated.json.error).toBeUndefined();
    expect(fs.existsSync(intent)).toBe(false);
    expect(fs.readdirSync(lockstepDir).some((n) => n.startsWith('intent.unreadable.'))).toBe(true);
  });
});
