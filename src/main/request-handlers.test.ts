import * as fs from 'fs';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFixture } from '../../test/fixture';
import { createTestHandlers } from '../../test/handlers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(person: string) {
  const dataDir = copyFixture('lockstep-req-handlers-');
  dirs.push(dataDir);
  return { dataDir, ...createTestHandlers(dataDir, person) };
}

describe('approvals from the window', () => {
  it('lists a plan, approves it as the leader with feedback (sent from the leader, the person recorded), then a second window is told who answered', async () => {
    const { handlers, store, dataDir } = setup('alice');
    const plan = await store.requests.submitPlan('webapp', { agent: 'frontend', content: '# Plan\n\n- build the form' });
    const listed = await handlers.listRequests({ team: 'webapp' });
    expect(listed.ok && listed.value.open.map((r) => [r.kind, r.requestId, r.from, r.to])).toEqual([
      ['plan', plan.requestId, 'frontend', 'lead'],
    ]);

    const input = {
      team: 'webapp',
      kind: 'plan' as const,
      requestId: plan.requestId,
      requester: 'frontend',
      as: 'lead',
      approve: true,
      feedback: ' go ',
    };
    const answered = await handlers.answerRequest(input);
    expect(answered).toMatchObject({ ok: true, value: { answer: { decision: 'approved', by: 'lead', person: 'alice', feedback: 'go' } } });
    const inbox = await store.messages.receive('webapp', 'frontend');
    expect(inbox).toMatchObject([{ type: 'plan_approved', from: 'lead', requestId: plan.requestId, feedback: 'go' }]);

    const other = createTestHandlers(dataDir, 'bob');
    const late = await other.handlers.answerRequest({ ...input, approve: false, feedback: 'no' });
    expect(late).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { answeredBy: 'lead', person: 'alice', decision: 'approved' } },
    });
    expect(await store.messages.peek('webapp', 'frontend')).toEqual([]);
    const after = await handlers.listRequests({ team: 'webapp' });
    expect(after.ok && [after.value.open.length, after.value.answered.length]).toEqual([0, 1]);
  });

  it('approving a join request adds the member; rejecting a shutdown sends the reason', async () => {
    const { handlers, store } = setup('alice');
    const join = await store.requests.requestJoin('webapp', { from: 'designer', capabilities: 'css' });
    const joined = await handlers.answerRequest({
      team: 'webapp',
      kind: 'join',
      requestId: join.requestId,
      requester: 'designer',
      as: 'lead',
      approve: true,
    });
    expect(joined).toMatchObject({ ok: true, value: { answer: { decision: 'approved', member: 'designer', person: 'alice' } } });
    expect((await store.getTeam('webapp')).members.map((m) => m.name)).toContain('designer');
    const shutdown = await store.requests.requestShutdown('webapp', { from: 'lead', to: 'backend', reason: 'done' });
    const input = {
      team: 'webapp',
      kind: 'shutdown' as const,
      requestId: shutdown.requestId,
      requester: 'lead',
      as: 'backend',
      approve: false,
    };
    expect(await handlers.answerRequest({ ...input, feedback: 'still testing' })).toMatchObject({ ok: true });
    const toLead = (await store.messages.receive('webapp', 'ana_lead')).filter((m) => m.type !== 'join_request');
    expect(toLead).toMatchObject([{ type: 'shutdown_rejected', from: 'backend', requestId: shutdown.requestId, reason: 'still testing' }]);
  });

  it('refuses bad input in plain words and sends nothing', async () => {
    const { handlers, store } = setup('alice');
    const bad = await handlers.answerRequest({
      team: 'webapp',
      kind: 'plan',
      requestId: '../x',
      requester: 'frontend',
      as: 'lead',
      approve: true,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const missing = await handlers.answerRequest({
      team: 'webapp',
      kind: 'plan',
      requestId: 'aaaaaaaaaaaa',
      requester: 'frontend',
      as: 'lead',
      approve: true,
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await store.messages.peek('webapp', 'frontend')).toEqual([]);
  });
});
