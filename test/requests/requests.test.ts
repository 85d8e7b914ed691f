import * as fs from 'fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendsHere, folderBackend, type Backend } from '../race/backends';
import type { Store } from '../../src/store';
import type { OpenedStore } from '../../src/store';
import { lockstepAt } from '../features/cli-harness';
import { describeEntry } from '../../src/shared/activity';
import { copyStore } from '../../src/store/copy/copy';

/**
 * Plans, shutdown, join and idle requests through `Store.requests`, on both backends from one set of tests: the
 * messages in ClawTeam's exact formats, the open and answered lists, and "answered once" when answerers race (each
 * answerer its own store, as separate windows or CLIs would be).
 */

function suite(backend: Backend): void {
  const opened: OpenedStore[] = [];
  afterAll(async () => {
    for (const o of opened.splice(0)) await o.close();
  });
  const open = (loc: string): Store => {
    const o = backend.open(loc);
    opened.push(o);
    return o.store;
  };

  it('a plan: the file, the request in ClawTeam format, approve with feedback, then it is answered, never twice', async () => {
    const loc = await backend.fixture();
    const store = open(loc);
    const r = store.requests;
    const request = await r.submitPlan('webapp', { agent: 'frontend', content: '# Plan\n\n1. build the form\n2. test it' });
    expect(request.requestId).toMatch(/^[0-9a-f]{12}$/);
    expect(request).toMatchObject({ kind: 'plan', from: 'frontend', to: 'lead' });
    const m = request.message;
    expect(Object.keys(m)).toEqual(['type', 'from', 'to', 'requestId', 'timestamp', 'planFile', 'summary', 'plan']);
    expect(m).toMatchObject({
      type: 'plan_approval_request',
      summary: '# Plan\n\n1. build the form\n2. test it',
      plan: '# Plan\n\n1. build the form\n2. test it',
    });
    if (backend.name === 'folder') {
      expect(m.planFile).toBe(`${loc}/plans/webapp/frontend-${request.requestId}.md`);
      expect(fs.readFileSync(m.planFile as string, 'utf8')).toBe('# Plan\n\n1. build the form\n2. test it');
    }
    expect(await r.getPlan('webapp', request.requestId, 'frontend')).toBe('# Plan\n\n1. build the form\n2. test it');
    expect(await r.getPlan('webapp', 'aaaaaaaaaaaa', 'frontend')).toBeNull();
    expect((await store.messages.peek('webapp', 'lead')).map((x) => x.type)).toEqual(['plan_approval_request']);

    const open1 = await r.list('webapp', { for: 'lead' });
    expect(open1.open.map((x) => x.requestId)).toEqual([request.requestId]);
    expect((await r.list('webapp', { for: 'tester' })).open).toEqual([]);

    const answered = await r.answer('webapp', {
      kind: 'plan',
      requestId: request.requestId,
      by: 'lead',
      approve: true,
      feedback: 'go ahead',
      requester: 'frontend',
    });
    expect(Object.keys(answered.message)).toEqual(['type', 'from', 'to', 'requestId', 'timestamp', 'feedback']);
    expect(answered.message).toMatchObject({
      type: 'plan_approved',
      from: 'lead',
      to: 'frontend',
      requestId: request.requestId,
      feedback: 'go ahead',
    });
    expect((await store.messages.receive('webapp', 'frontend')).map((x) => x.type)).toEqual(['plan_approved']);
    const journaled = (await store.history('webapp')).filter((e) => e.op === 'team.answer-request');
    expect(journaled).toMatchObject([
      { actor: 'lead', details: { kind: 'plan', requestId: request.requestId, decision: 'approved', from: 'frontend' } },
    ]);
    expect(describeEntry(journaled[0])).toBe(`approved frontend's plan ${request.requestId}`);

    const after = await r.list('webapp');
    expect(after.open).toEqual([]);
    expect(after.answered).toHaveLength(1);
    expect(after.answered[0].answer).toMatchObject({ decision: 'approved', by: 'lead', feedback: 'go ahead', source: 'lockstep' });

    await expect(r.answer('webapp', { kind: 'plan', requestId: request.requestId, by: 'tester', approve: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { answeredBy: 'lead', decision: 'approved' },
    });
    expect(await store.messages.peek('webapp', 'frontend')).toEqual([]);
    await expect(r.answer('webapp', { kind: 'plan', requestId: 'bbbbbbbbbbbb', by: 'lead', approve: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(r.answer('webapp', { kind: 'shutdown', requestId: request.requestId, by: 'lead', approve: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // Rejecting with an empty feedback leaves the field out, as ClawTeam's `feedback or None`.
    const second = await r.submitPlan('webapp', { agent: 'backend', content: 'x'.repeat(300), leader: 'tester' });
    expect(second.message.summary).toBe('x'.repeat(200));
    const rejected = await r.answer('webapp', { kind: 'plan', requestId: second.requestId, by: 'tester', approve: false });
    expect(rejected.message).not.toHaveProperty('feedback');
    expect(rejected.message.type).toBe('plan_rejected');
    // A request a reply in the history answered (ClawTeam's own code, no Lockstep record) is answered too.
    const third = await r.submitPlan('webapp', { agent: 'backend', content: 'p3' });
    await store.messages.send('webapp', { from: 'lead', to: 'backend', type: 'plan_approved', fields: { requestId: third.requestId } });
    await expect(r.answer('webapp', { kind: 'plan', requestId: third.requestId, by: 'lead', approve: false })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { answeredBy: 'lead' },
    });
    expect((await r.list('webapp')).answered.find((x) => x.requestId === third.requestId)?.answer?.source).toBe('message');
  });

  it('a person at a window answers as the leader: the answer is sent from the leader, the person is recorded and named to a later answerer', async () => {
    const store = open(await backend.fixture());
    const r = store.requests;
    const plan = await r.submitPlan('webapp', { agent: 'frontend', content: 'my plan' });
    const answered = await r.answer('webapp', { kind: 'plan', requestId: plan.requestId, by: 'lead', person: 'alice', approve: true });
    expect(answered.message).toMatchObject({ type: 'plan_approved', from: 'lead', to: 'frontend' });
    expect((await r.list('webapp')).answered[0].answer).toMatchObject({ by: 'lead', person: 'alice' });
    const late = r.answer('webapp', { kind: 'plan', requestId: plan.requestId, by: 'lead', person: 'bob', approve: false, feedback: 'no' });
    await expect(late).rejects.toMatchObject({ code: 'CONFLICT', details: { answeredBy: 'lead', person: 'alice', decision: 'approved' } });
    await expect(late).rejects.toThrow(/already approved by lead \(alice, from a Lockstep window\)/);
    // The journal names the person who acted, and for whom.
    const entry = (await store.history('webapp')).find((e) => e.op === 'team.answer-request');
    expect(entry).toMatchObject({ actor: 'alice', details: { as: 'lead', decision: 'approved', from: 'frontend' } });
    expect(describeEntry(entry!, undefined, undefined)).toBe(`approved frontend's plan ${plan.requestId} as lead`);
  });

  it('shutdown: request, approve and reject in ClawTeam format; join adds the member; idle notices', async () => {
    const store = open(await backend.fixture());
    const r = store.requests;
    const ask = await r.requestShutdown('webapp', { from: 'lead', to: 'tester', reason: 'done for today' });
    expect(ask.message).toMatchObject({
      type: 'shutdown_request',
      from: 'lead',
      to: 'tester',
      content: 'Shutdown requested. Reason: done for today',
      reason: 'done for today',
    });
    const yes = await r.answer('webapp', { kind: 'shutdown', requestId: ask.requestId, by: 'tester', approve: true, requester: 'lead' });
    expect(yes.message).toMatchObject({
      type: 'shutdown_approved',
      from: 'tester',
      to: 'lead',
      content: 'tester shutting down.',
      requestId: ask.requestId,
    });
    expect(yes.message).not.toHaveProperty('reason');
    const ask2 = await r.requestShutdown('webapp', { from: 'lead', to: 'backend' });
    expect(ask2.message.content).toBe('Shutdown requested.');
    expect(ask2.message).not.toHaveProperty('reason');
    await expect(
      r.answer('webapp', { kind: 'shutdown', requestId: ask2.requestId, by: 'backend', approve: false, requester: 'tester' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const no = await r.answer('webapp', {
      kind: 'shutdown',
      requestId: ask2.requestId,
      by: 'backend',
      approve: false,
      feedback: 'mid-task',
    });
    expect(no.message).toMatchObject({ type: 'shutdown_rejected', content: 'Shutdown rejected. Reason: mid-task', reason: 'mid-task' });

    const join = await r.requestJoin('webapp', { from: 'newbie', capabilities: 'ts,react' });
    expect(join.message).toMatchObject({
      type: 'join_request',
      from: 'newbie',
      to: 'lead',
      proposedName: 'newbie',
      capabilities: 'ts,react',
    });
    const welcomed = await r.answer('webapp', { kind: 'join', requestId: join.requestId, by: 'lead', approve: true });
    expect(welcomed.member?.name).toBe('newbie');
    expect(welcomed.message).toMatchObject({
      type: 'join_approved',
      to: '_pending_newbie',
      assignedName: 'newbie',
      agentId: welcomed.member?.agentId,
      teamName: 'webapp',
    });
    expect((await store.getTeam('webapp')).members.map((m) => m.name)).toContain('newbie');
    const journal = await store.history('webapp');
    expect(journal[journal.length - 1]).toMatchObject({
      op: 'team.add-member',
      actor: 'lead',
      details: { member: 'newbie', requestId: join.requestId },
    });

    const idle = await r.sendIdle('webapp', { agent: 'tester', lastTask: 't-1', status: 'completed' });
    expect(Object.keys(idle)).toEqual(['type', 'from', 'to', 'requestId', 'timestamp', 'agentId', 'lastTask', 'status']);
    expect(idle).toMatchObject({ type: 'idle', from: 'tester', to: 'lead', lastTask: 't-1', status: 'completed' });
    const list = await r.list('webapp');
    expect(list.idle.tester).toMatchObject({ lastTask: 't-1' });
    expect(list.open).toEqual([]);
    expect(list.answered.map((x) => x.kind)).toEqual(['shutdown', 'shutdown', 'join']);
  });

  it('the CLI on this backend: plan submit, request list, approve once, shutdown both answers, task wait', async () => {
    const loc = await backend.fixture();
    const cli = (args: string[]) => lockstepAt(backend.storeArgs(loc), args);
    const submitted = cli(['plan', 'submit', 'webapp', '# the plan', '--as', 'backend']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const planId = submitted.json.planId;
    expect(cli(['plan', 'show', 'webapp', planId, 'backend']).json.content).toBe('# the plan');
    expect(cli(['request', 'list', 'webapp', '--for', 'lead']).json.open.map((r: any) => r.requestId)).toEqual([planId]);
    expect(cli(['plan', 'approve', 'webapp', planId, 'backend', '--feedback', 'fine', '--as', 'lead']).code).toBe(0);
    const again = cli(['plan', 'approve', 'webapp', planId, 'backend', '--as', 'tester']);
    expect(again.json.error).toMatchObject({ code: 'CONFLICT', details: { answeredBy: 'lead' } });
    expect(cli(['inbox', 'receive', 'webapp', '--as', 'backend']).json.messages).toMatchObject([
      { type: 'plan_approved', feedback: 'fine' },
    ]);
    const ask = cli(['lifecycle', 'request-shutdown', 'webapp', 'tester', '--reason', 'done', '--as', 'lead']).json;
    const no = cli(['lifecycle', 'reject-shutdown', 'webapp', ask.requestId, 'lead', '--reason', 'busy', '--as', 'tester']);
    expect(no.json.message).toMatchObject({ type: 'shutdown_rejected', reason: 'busy' });
    expect(cli(['lifecycle', 'approve-shutdown', 'webapp', ask.requestId, 'lead', '--as', 'tester']).json.error.code).toBe('CONFLICT');
    const listed = cli(['request', 'list', 'webapp', '--all']).json;
    expect(listed.open).toEqual([]);
    expect(listed.answered.map((r: any) => [r.kind, r.answer.decision, r.answer.by])).toEqual([
      ['plan', 'approved', 'lead'],
      ['shutdown', 'rejected', 'tester'],
    ]);
    const wait = cli(['task', 'wait', 'webapp', '--timeout', '0.1']);
    expect(wait.code).toBe(1);
    expect(wait.json.error.code).toBe('TIMED_OUT');
  });

  it('eight answerers race on one plan (each its own store): one answer is sent, the others are told who answered', async () => {
    const loc = await backend.fixture();
    const first = open(loc);
    const plan = await first.requests.submitPlan('webapp', { agent: 'frontend', content: 'race me' });
    const answerers = ['lead', 'backend', 'tester', 'frontend', 'lead', 'backend', 'tester', 'lead'];
    const stores = answerers.map(() => open(loc));
    const results = await Promise.allSettled(
      stores.map((s, i) =>
        s.requests.answer('webapp', { kind: 'plan', requestId: plan.requestId, by: answerers[i], approve: i % 2 === 0, feedback: `#${i}` }),
      ),
    );
    const won = results.flatMap((x, i) => (x.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    const winner = answerers[won[0]];
    for (const x of results) {
      if (x.status === 'rejected') expect(x.reason).toMatchObject({ code: 'CONFLICT', details: { answeredBy: winner } });
    }
    const got = await first.messages.receive('webapp', 'frontend');
    expect(got.map((m) => [m.type, m.from, m.feedback])).toEqual([
      [won[0] % 2 === 0 ? 'plan_approved' : 'plan_rejected', winner, `#${won[0]}`],
    ]);
  });
}

describe('folder backend: the request list reads only new history files', () => {
  it('sees new requests and answers, and starts over when the history it read is gone (the team made again)', async () => {
    const loc = await folderBackend.empty();
    const { store } = folderBackend.open(loc);
    try {
      await store.createTeam({ name: 'crew', description: '', members: [{ name: 'lead' }, { name: 'ann' }] });
      const first = await store.requests.submitPlan('crew', { agent: 'ann', content: 'one' });
      expect((await store.requests.list('crew')).open.map((r) => r.requestId)).toEqual([first.requestId]);
      await store.messages.send('crew', { from: 'ann', to: 'lead', content: 'chatter' });
      const second = await store.requests.requestShutdown('crew', { from: 'lead', to: 'ann' });
      expect((await store.requests.list('crew')).open.map((r) => r.requestId)).toEqual([first.requestId, second.requestId]);
      await store.deleteTeam('crew');
      await store.createTeam({ name: 'crew', description: '', members: [{ name: 'lead' }, { name: 'ann' }] });
      expect((await store.requests.list('crew')).open).toEqual([]);
      const third = await store.requests.submitPlan('crew', { agent: 'ann', content: 'three' });
      expect((await store.requests.list('crew')).open.map((r) => r.requestId)).toEqual([third.requestId]);
    } finally {
      await folderBackend.cleanup();
    }
  });
});

for (const backend of backendsHere()) {
  describe.skipIf(backend.skipReason !== null)(`${backend.name} backend: requests`, () => {
    beforeAll(() => backend.start(), 60_000);
    afterAll(async () => {
      await backend.cleanup();
      await backend.stop();
    });
    suite(backend);
    if (backend.name === 'postgres') {
      it('store copy both ways keeps plans readable and answered requests answered', async () => {
        const url = await backend.fixture();
        const db = backend.open(url);
        try {
          const plan = await db.store.requests.submitPlan('webapp', { agent: 'frontend', content: '# in the database' });
          await db.store.requests.answer('webapp', { kind: 'plan', requestId: plan.requestId, by: 'lead', approve: true, feedback: 'ok' });
          const open = await db.store.requests.submitPlan('webapp', { agent: 'backend', content: '# still open' });
          const dir = await folderBackend.empty();
          await copyStore(url, dir, { replace: true });
          const folder = folderBackend.open(dir).store;
          expect(await folder.requests.getPlan('webapp', plan.requestId, 'frontend')).toBe('# in the database');
          const list = await folder.requests.list('webapp');
          expect(list.open.map((r) => r.requestId)).toEqual([open.requestId]);
          expect(list.answered.map((r) => [r.requestId, r.answer?.by, r.answer?.feedback])).toEqual([[plan.requestId, 'lead', 'ok']]);
          await expect(
            folder.requests.answer('webapp', { kind: 'plan', requestId: plan.requestId, by: 'tester', approve: false }),
          ).rejects.toMatchObject({
            code: 'CONFLICT',
            details: { answeredBy: 'lead' },
          });
          // And back: a plan submitted on the folder is read from its request message in a new database.
          const mine = await folder.requests.submitPlan('webapp', { agent: 'tester', content: '# from the folder' });
          const url2 = await backend.fromFolder(dir);
          const db2 = backend.open(url2);
          try {
            expect(await db2.store.requests.getPlan('webapp', mine.requestId, 'tester')).toBe('# from the folder');
          } finally {
            await db2.close();
          }
        } finally {
          await db.close();
          await folderBackend.cleanup();
        }
      });
    }
  });
}
