import * as fs from 'fs';
import * as path from 'path';
import { beforeEach, describe, expect, it } from 'vitest';
import { API, API_NAMES, type ApiName } from '../shared/api';
import type { Handlers } from './handlers';
import { createTestHandlers } from '../../test/handlers';
import { copyFixture as copyFixtureTo } from '../../test/fixture';

const copyFixture = () => copyFixtureTo('lockstep-handlers-');

/** Every file under dir with its bytes: to prove a refused call wrote nothing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const full = path.join(p, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

let dataDir: string;
let handlers: Handlers;

beforeEach(() => {
  dataDir = copyFixture();
  ({ handlers } = createTestHandlers(dataDir, 'ana'));
});

const call = async <N extends ApiName>(name: N, input: unknown) => handlers[name](input);

describe('the contract', () => {
  it('has a handler for every entry and nothing else', () => {
    expect(Object.keys(handlers).sort()).toEqual([...API_NAMES].sort());
  });

  it('rejects invalid payloads of every call with INVALID_INPUT and writes nothing', async () => {
    const before = snapshot(dataDir);
    const huge = 'x'.repeat(200_000);
    for (const name of API_NAMES) {
      const shape = (API[name].input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      const bad: unknown[] = ['a string', 42, [1, 2], { unexpectedKey: true }];
      if ('team' in shape) bad.push({ team: '../x' }, { team: huge }, { team: 42 }, { team: 'a/b' }, { team: '' });
      if ('id' in shape) bad.push({ team: 'webapp', id: '../../etc' }, { team: 'webapp', id: 7 });
      if ('name' in shape) bad.push({ name: '..' }, { name: huge }, { team: 'webapp', name: 'a\u0000b' });
      for (const payload of bad) {
        const result = await call(name, payload);
        expect(result.ok, `${name} accepted ${JSON.stringify(payload).slice(0, 80)}`).toBe(false);
        if (!result.ok) {
          expect(result.error.code, `${name} ${JSON.stringify(payload).slice(0, 60)}`).toBe('INVALID_INPUT');
          expect(result.error.message).not.toMatch(/\n\s+at /); // a sentence, never a stack trace
        }
      }
    }
    expect(snapshot(dataDir)).toEqual(before);
  });

  it('answers unknown ids with NOT_FOUND as data', async () => {
    const result = await call('getTasks', { team: 'webapp', ids: ['00000000'] });
    expect(result).toEqual({ ok: true, value: { tasks: [], problems: [], missing: ['00000000'] } });
    const missing = await call('claimTask', { team: 'webapp', id: '00000000' });
    expect(missing.ok === false && missing.error.code).toBe('NOT_FOUND');
    const noTeam = await call('getTeam', { team: 'nope' });
    expect(noTeam.ok === false && noTeam.error.code).toBe('NOT_FOUND');
  });
});

describe('appearance', () => {
  it('sets the theme and the activity region, and refuses values outside their bounds', async () => {
    const set = await call('setAppearance', { theme: 'dark', activityHeight: 300 });
    expect(set.ok && set.value).toMatchObject({ theme: 'dark', activityHeight: 300 });
    for (const bad of [
      { theme: 'purple' },
      { activityHeight: 10 },
      { activityHeight: 5000 },
      { activityHeight: 120.5 },
      { activityOpen: 'no' },
      { messagesOpen: 'yes' },
    ]) {
      const r = await call('setAppearance', bad);
      expect(r.ok === false && r.error.code, JSON.stringify(bad)).toBe('INVALID_INPUT');
    }
  });
});

describe('the handlers act as the person using the app', () => {
  it('moves a task to in progress as a claim by the person, and assigns by owner', async () => {
    const moved = await call('moveTask', { team: 'webapp', id: '087e245f', status: 'in_progress' });
    expect(moved.ok && moved.value.lockedBy).toBe('ana');
    const assigned = await call('assignTask', { team: 'webapp', id: '087e245f', owner: 'frontend' });
    expect(assigned.ok && assigned.value.owner).toBe('frontend');
    const onDisk = JSON.parse(fs.readFileSync(path.join(dataDir, 'tasks', 'webapp', 'task-087e245f.json'), 'utf8'));
    expect(onDisk).toMatchObject({ owner: 'frontend', lockedBy: 'ana', status: 'in_progress' });
  });

  it('refuses a drag on a task held by an agent with TASK_LOCKED naming it, and a stale drag with CONFLICT', async () => {
    const locked = await call('moveTask', { team: 'webapp', id: 'dd0eba2d', status: 'completed' });
    expect(locked.ok).toBe(false);
    if (!locked.ok) {
      expect(locked.error.code).toBe('TASK_LOCKED');
      expect(locked.error.details.holder).toBe('backend');
    }
    const team = await call('getTeam', { team: 'webapp' });
    const stale = team.ok ? team.value.tasks.find((t) => t.id === '087e245f')?.version : undefined;
    expect((await call('assignTask', { team: 'webapp', id: '087e245f', owner: 'tester' })).ok).toBe(true);
    const conflict = await call('assignTask', { team: 'webapp', id: '087e245f', owner: 'frontend', expectVersion: stale });
    expect(conflict.ok === false && conflict.error.code).toBe('CONFLICT');
    expect(conflict.ok === false && conflict.error.message).toContain('ana');
  });

  it('force-releases only with a reason, and undoes the person’s last change', async () => {
    expect((await call('forceReleaseTask', { team: 'webapp', id: 'dd0eba2d', reason: '' })).ok).toBe(false);
    const released = await call('forceReleaseTask', { team: 'webapp', id: 'dd0eba2d', reason: 'backend crashed' });
    expect(released.ok && released.value.lockedBy).toBe('');
    const undone = await call('undo', { team: 'webapp' });
    expect(undone.ok && undone.value.undone.op).toBe('task.release');
    const back = await call('getTasks', { team: 'webapp', ids: ['dd0eba2d'] });
    expect(back.ok && back.value.tasks[0].lockedBy).toBe('backend');
  });

  it('creates the sample team with members, claims and dependencies', async () => {
    const team = await call('createSampleTeam', {});
    expect(team.ok).toBe(true);
    if (!team.ok) return;
    const detail = await call('getTeam', { team: team.value.name });
    expect(detail.ok && detail.value.config.members.length).toBe(4);
    const tasks = detail.ok ? detail.value.tasks : [];
    for (const status of ['pending', 'in_progress', 'blocked', 'completed']) expect(tasks.some((t) => t.status === status)).toBe(true);
    expect(tasks.some((t) => t.lockedBy)).toBe(true);
    expect(tasks.some((t) => t.blockedBy.length > 0)).toBe(true);
  });

  it('reports a corrupt task file as a problem, not a failure', async () => {
    fs.writeFileSync(path.join(dataDir, 'tasks', 'webapp', 'task-0badf11e.json'), '{ nope');
    const team = await call('getTeam', { team: 'webapp' });
    expect(team.ok && team.value.problems.map((p) => path.basename(p.path))).toEqual(['task-0badf11e.json']);
    expect(team.ok && team.value.tasks).toHaveLength(5);
  });
});

describe('the window trusts only main', () => {
  it('openDataFolder takes no path: a folder named by the window is refused and nothing is opened', async () => {
    let asked = 0;
    const plain = {
      dataDir,
      dataDirSource: 'test',
      agentName: 'ana',
      clawteamInterlock: true,
      theme: 'system' as const,
      activityOpen: true,
      activityHeight: 160,
      messagesOpen: null,
    };
    const { createHandlers } = await import('./handlers');
    const guarded = createHandlers({
      store: () => {
        throw new Error('unused');
      },
      settings: () => ({ ...plain }),
      setAgentName: () => {
        throw new Error('unused');
      },
      setClawteamInterlock: () => {
        throw new Error('unused');
      },
      setAppearance: () => {
        throw new Error('unused');
      },
      openDataFolder: async () => {
        asked++;
        return { ...plain };
      },
    });
    for (const payload of [{ path: '/tmp/elsewhere' }, { path: dataDir }, { dataDir: '/tmp/x' }]) {
      const result = await guarded.openDataFolder(payload);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
    }
    expect(asked).toBe(0);
    expect((await guarded.openDataFolder({})).ok).toBe(true); // the dialog path
    expect(asked).toBe(1);
  });
});
