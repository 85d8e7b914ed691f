import * as fs from 'fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandlers } from './handlers';
import { createTestHandlers } from '../../test/handlers';
import { copyFixture } from '../../test/fixture';
import type { EffectiveSettings } from './settings';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('bulk changes (the list view)', () => {
  it('assigns 50 tasks in one journal entry, and one undo takes all 50 back', async () => {
    const dataDir = copyFixture('lockstep-bulk-');
    dirs.push(dataDir);
    const { handlers, store } = createTestHandlers(dataDir, 'ana');
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await store.createTask('webapp', { subject: `Bulk ${i}` })).id);
    const before = (await store.history('webapp')).length;
    const result = await handlers.bulkChangeTasks({ team: 'webapp', ids, change: { owner: 'tester' } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.tasks.map((t) => t.owner)).toEqual(Array(50).fill('tester'));
    expect(result.journaled).toHaveLength(1);
    expect(result.journaled?.[0].text).toBe('assigned 50 tasks to tester');
    expect((await store.history('webapp')).length).toBe(before + 1);
    const undone = await handlers.undo({ team: 'webapp', seq: result.journaled![0].seq });
    expect(undone.ok).toBe(true);
    const after = (await store.listTasks('webapp')).tasks.filter((t) => ids.includes(t.id));
    expect(after.map((t) => t.owner)).toEqual(Array(50).fill(''));
  });

  it('is all or nothing: one task that refuses leaves every task as it was, naming it', async () => {
    const dataDir = copyFixture('lockstep-bulk-');
    dirs.push(dataDir);
    const { handlers, store } = createTestHandlers(dataDir, 'ana');
    const a = await store.createTask('webapp', { subject: 'A' });
    const result = await handlers.bulkChangeTasks({ team: 'webapp', ids: [a.id, 'nope1234'], change: { priority: 'urgent' } });
    expect(result.ok).toBe(false);
    expect((await store.getTask('webapp', a.id)).priority).toBe('medium');
    const deleted = await handlers.bulkChangeTasks({ team: 'webapp', ids: [a.id], change: { delete: true } });
    expect(deleted.ok && deleted.value.deleted).toEqual([a.id]);
    expect(await handlers.bulkChangeTasks({ team: 'webapp', ids: [], change: { delete: true } })).toMatchObject({ ok: false });
  });
});

describe('desktop notifications', () => {
  it('are shown only when the person turned them on', async () => {
    let settings = {
      dataDir: '/unused',
      dataDirSource: 'test',
      agentName: 'ana',
      clawteamInterlock: true,
      theme: 'system',
      activityOpen: null,
      activityHeight: 160,
      messagesOpen: null,
    } as EffectiveSettings;
    const shown: string[] = [];
    const handlers = createHandlers({
      store: () => {
        throw new Error('no store needed');
      },
      settings: () => settings,
      setAgentName: () => settings,
      setClawteamInterlock: () => settings,
      setAppearance: (patch) => (settings = { ...settings, ...patch }),
      openDataFolder: async () => settings,
      notify: (title) => (shown.push(title), true),
    });
    expect(await handlers.notify({ title: '3 stalled', body: 'Open the stall radar.' })).toEqual({ ok: true, value: { shown: false } });
    await handlers.setAppearance({ notifications: true });
    expect(await handlers.notify({ title: '3 stalled', body: 'Open the stall radar.' })).toEqual({ ok: true, value: { shown: true } });
    expect(shown).toEqual(['3 stalled']);
    expect(await handlers.notify({ title: '', body: 'x' })).toMatchObject({ ok: false });
  });
});
