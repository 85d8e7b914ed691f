import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture } from '../../test/fixture';
import { createTestHandlers } from '../../test/handlers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dataDir = copyFixture('lockstep-msg-handlers-');
  dirs.push(dataDir);
  return { dataDir, ...createTestHandlers(dataDir, 'ana') };
}

describe('message and cost calls from the window', () => {
  it('sends as the person in the top bar, reads history and unread counts, reads only named files', async () => {
    const { handlers, store } = setup();
    const sent = await handlers.sendMessage({ team: 'webapp', to: 'bob', content: 'Can you take the API docs?' });
    expect(sent).toMatchObject({ ok: true, value: { from: 'ana', to: 'bob', type: 'message', content: 'Can you take the API docs?' } });
    const all = await handlers.getMessages({ team: 'webapp' });
    expect(all.ok && all.value.records.map((r) => r.message.content)).toEqual(['Can you take the API docs?']);
    expect(all.ok && all.value.unread.bob).toBe(1);
    const ids = all.ok ? all.value.records.map((r) => r.id) : [];
    const some = await handlers.getMessagesByIds({ team: 'webapp', ids });
    expect(some.ok && some.value.records).toHaveLength(1);
    store.mailbox.receive('webapp', 'bob');
    const unread = await handlers.getUnread({ team: 'webapp' });
    expect(unread.ok && unread.value.unread.bob).toBe(0);
    const b = await handlers.broadcastMessage({ team: 'webapp', content: 'stand-up in 5' });
    expect(b.ok && b.value.recipients).not.toContain('ana');
  });

  it('pages the history: the newest first, older pages on request, nothing missed or repeated', async () => {
    const { handlers, store } = setup();
    for (let i = 0; i < 25; i++) store.mailbox.send('webapp', { from: 'lead', to: 'tester', content: `m${i}` });
    const seen: string[] = [];
    let page = await handlers.getMessages({ team: 'webapp', limit: 10 });
    const pages: Array<[number, boolean]> = [];
    for (;;) {
      if (!page.ok) throw new Error(page.error.message);
      pages.push([page.value.records.length, page.value.more]);
      seen.unshift(...page.value.records.map((r) => r.message.content as string));
      if (!page.value.more) break;
      page = await handlers.getMessages({ team: 'webapp', limit: 10, before: page.value.records[0].id });
    }
    expect(pages).toEqual([
      [10, true],
      [10, true],
      [5, false],
    ]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `m${i}`));
  });

  it('refuses bad input in plain words and writes nothing', async () => {
    const { handlers, dataDir } = setup();
    const events = path.join(dataDir, 'teams', 'webapp', 'events');
    for (const [call, input] of [
      ['sendMessage', { team: 'webapp', to: 'bob', content: '   ' }],
      ['sendMessage', { team: 'webapp', to: '../bob', content: 'hi' }],
      ['sendMessage', { team: 'webapp', to: 'bob', content: 'hi', from: 'mallory' }],
      ['broadcastMessage', { team: 'webapp', content: '' }],
      ['getMessagesByIds', { team: 'webapp', ids: ['../../config.json'] }],
      ['setBudget', { team: 'webapp', dollars: -5 }],
      ['getMessages', { team: 'webapp', before: '../x.json' }],
      ['getMessages', { team: 'webapp', limit: 0 }],
    ] as const) {
      const result = await (handlers as any)[call](input);
      expect(result.ok, `${call} ${JSON.stringify(input)}`).toBe(false);
      expect(result.error.code).toBe('INVALID_INPUT');
    }
    expect(fs.existsSync(events)).toBe(false);
    const missing = await handlers.getMessages({ team: 'nope' });
    expect(missing.ok || missing.error.message).toBe('Team nope does not exist.');
  });

  it('reports costs per agent against the budget', async () => {
    const { handlers, store } = setup();
    await store.costs.report('webapp', { agentName: 'bob', inputTokens: 1000, outputTokens: 200, costCents: 150 });
    await store.costs.report('webapp', { agentName: 'alice', inputTokens: 10, outputTokens: 2, costCents: 25 });
    const budget = await handlers.setBudget({ team: 'webapp', dollars: 2 });
    expect(budget.ok && budget.value).toEqual({ teamName: 'webapp', budgetCents: 200 });
    // The change is journaled in words (the activity view shows it).
    expect(budget.ok && budget.journaled?.map((j) => j.text)).toEqual(["set team webapp's budget to $2.00"]);
    const costs = await handlers.getCosts({ team: 'webapp' });
    expect(costs.ok && costs.value.summary).toMatchObject({ totalCostCents: 175, budgetCents: 200, eventCount: 2 });
    expect(costs.ok && costs.value.agents.map((a) => [a.agentName, a.costCents, a.inputTokens, a.outputTokens])).toEqual([
      ['bob', 150, 1000, 200],
      ['alice', 25, 10, 2],
    ]);
  });
});
