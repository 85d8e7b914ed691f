import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { lockstep } from '../features/cli-harness';
import { Barrier, CLI, collect, runNode, tempDir } from '../race/harness';

/**
 * Plans and shutdowns between a ClawTeam-protocol agent (clawteam_requests.py, written from ClawTeam's plan.py,
 * lifecycle.py and mailbox code) and Lockstep's CLI, in real processes on one data folder: each side's requests are
 * answered by the other, and the asking side, waiting on its inbox the ClawTeam way, reads the answer.
 */

const PY = path.join(__dirname, 'clawteam_requests.py');
const dirs: string[] = [];
const children: Array<ReturnType<typeof spawn>> = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function newTeam(): Promise<string> {
  const dataDir = tempDir('lockstep-req-');
  dirs.push(dataDir);
  const store = new LockstepStore({ dataDir });
  await store.createTeam({ name: 'crew', description: '', members: [{ name: 'lead' }, { name: 'alice' }, { name: 'bob' }] });
  return dataDir;
}

function py(dataDir: string, args: string[]): any {
  const res = spawnSync('python3', [PY, ...args, '--data-dir', dataDir, '--team', 'crew'], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

/** A waiting Python agent: resolves `ready` with the request id it printed first, `done` with its final document. */
function pyWaiting(dataDir: string, args: string[]) {
  const child = spawn('python3', [PY, ...args, '--data-dir', dataDir, '--team', 'crew', '--wait', '60'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const done = collect(child);
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line).ready);
    });
    child.on('close', () => reject(new Error(`python exited before it was ready: ${out}`)));
  });
  return {
    ready,
    result: done.then((r) => {
      if (r.code !== 0) throw new Error(`python failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split('\n').pop() as string);
    }),
  };
}

describe('requests between a ClawTeam-protocol agent and Lockstep', () => {
  it("a ClawTeam agent's plan is approved with `lockstep plan approve`; the waiting agent reads plan_approved with the feedback", async () => {
    const dataDir = await newTeam();
    const agent = pyWaiting(dataDir, ['submit-plan', '--agent', 'alice', '--leader', 'lead', '--content', '# Plan\n- step 1']);
    const planId = await agent.ready;
    expect(lockstep(dataDir, ['plan', 'show', 'crew', planId, 'alice']).json).toEqual({
      planId,
      agentName: 'alice',
      content: '# Plan\n- step 1',
    });
    const waiting = lockstep(dataDir, ['request', 'list', 'crew', '--for', 'lead']).json;
    expect(waiting.open.map((r: any) => [r.kind, r.requestId, r.from, r.message.summary])).toEqual([
      ['plan', planId, 'alice', '# Plan\n- step 1'],
    ]);
    const approved = lockstep(dataDir, ['plan', 'approve', 'crew', planId, 'alice', '--feedback', 'Looks good; add tests', '--as', 'lead']);
    expect(approved.code, approved.stderr).toBe(0);
    const got = await agent.result;
    expect(got.answer).toEqual(approved.json.message);
    expect(got.answer).toMatchObject({
      type: 'plan_approved',
      from: 'lead',
      to: 'alice',
      requestId: planId,
      feedback: 'Looks good; add tests',
    });
    expect(Object.keys(got.answer)).toEqual(['type', 'from', 'to', 'requestId', 'timestamp', 'feedback']);
    // Answered: gone from the open list, in the answered one; a second answer is refused, naming who answered.
    expect(lockstep(dataDir, ['request', 'list', 'crew']).json.open).toEqual([]);
    const again = lockstep(dataDir, ['plan', 'reject', 'crew', planId, 'alice', '--as', 'bob']);
    expect(again.code).toBe(1);
    expect(again.json.error).toMatchObject({ code: 'CONFLICT', details: { answeredBy: 'lead', decision: 'approved' } });
    expect(again.json.error.message).toContain('already approved by lead');
  });

  it('a plan submitted with `lockstep plan submit` is read by the ClawTeam leader, who rejects it the ClawTeam way', async () => {
    const dataDir = await newTeam();
    const submitted = lockstep(dataDir, [
      'plan',
      'submit',
      'crew',
      '## Migrate the DB\nfirst backup',
      '--summary',
      'DB migration',
      '--as',
      'bob',
    ]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const planId = submitted.json.planId;
    const seen = py(dataDir, ['wait', '--inbox', 'lead', '--type', 'plan_approval_request', '--request-id', planId]).message;
    expect(seen).toMatchObject({
      type: 'plan_approval_request',
      from: 'bob',
      to: 'lead',
      requestId: planId,
      summary: 'DB migration',
      plan: '## Migrate the DB\nfirst backup',
    });
    expect(seen.planFile).toBe(path.join(dataDir, 'plans', 'crew', `bob-${planId}.md`));
    expect(py(dataDir, ['read-plan', '--path', seen.planFile]).content).toBe('## Migrate the DB\nfirst backup');
    py(dataDir, [
      'approve-plan',
      '--from',
      'lead',
      '--agent',
      'bob',
      '--request-id',
      planId,
      '--feedback',
      'backup first, then talk to me',
      '--reject',
    ]);
    const got = lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'bob']).json.messages;
    expect(got).toMatchObject([{ type: 'plan_rejected', requestId: planId, feedback: 'backup first, then talk to me' }]);
    const list = lockstep(dataDir, ['request', 'list', 'crew']).json;
    expect(list.answered.map((r: any) => [r.requestId, r.answer.decision, r.answer.by, r.answer.source])).toEqual([
      [planId, 'rejected', 'lead', 'message'],
    ]);
    expect(lockstep(dataDir, ['plan', 'approve', 'crew', planId, 'bob', '--as', 'lead']).json.error.code).toBe('CONFLICT');
  });

  it('shutdown both ways: a ClawTeam leader asks a Lockstep agent, and a Lockstep leader asks a ClawTeam agent', async () => {
    const dataDir = await newTeam();
    const leader = pyWaiting(dataDir, ['request-shutdown', '--from', 'lead', '--to', 'alice', '--reason', 'all tasks done']);
    const requestId = await leader.ready;
    const asked = lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alice']).json.messages;
    expect(asked).toMatchObject([
      { type: 'shutdown_request', requestId, content: 'Shutdown requested. Reason: all tasks done', reason: 'all tasks done' },
    ]);
    const ok = lockstep(dataDir, ['lifecycle', 'approve-shutdown', 'crew', requestId, 'lead', '--as', 'alice']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await leader.result).answer).toEqual({
      type: 'shutdown_approved',
      from: 'alice',
      to: 'lead',
      content: 'alice shutting down.',
      requestId,
      timestamp: ok.json.message.timestamp,
    });

    const ours = lockstep(dataDir, ['lifecycle', 'request-shutdown', 'crew', 'bob', '--reason', 'budget', '--as', 'lead']);
    expect(ours.code, ours.stderr).toBe(0);
    const seen = py(dataDir, ['wait', '--inbox', 'bob', '--type', 'shutdown_request', '--request-id', ours.json.requestId]).message;
    expect(seen).toEqual(ours.json.message);
    py(dataDir, ['answer-shutdown', '--from', 'bob', '--to', 'lead', '--request-id', seen.requestId, '--reason', 'mid-task', '--reject']);
    const answer = lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'lead']).json.messages;
    expect(answer).toMatchObject([
      {
        type: 'shutdown_rejected',
        from: 'bob',
        requestId: seen.requestId,
        reason: 'mid-task',
        content: 'Shutdown rejected. Reason: mid-task',
      },
    ]);
    const idle = lockstep(dataDir, ['lifecycle', 'idle', 'crew', '--as', 'bob', '--last-task', 'abc', '--task-status', 'completed']);
    expect(py(dataDir, ['wait', '--inbox', 'lead', '--type', 'idle']).message).toEqual(idle.json);
  });

  it('eight `lockstep plan approve|reject` processes race on one ClawTeam plan: one answer reaches the agent, seven are told who answered', async () => {
    const dataDir = await newTeam();
    const agent = pyWaiting(dataDir, ['submit-plan', '--agent', 'alice', '--leader', 'lead', '--content', 'race']);
    const planId = await agent.ready;
    const barrier = new Barrier(dataDir);
    const names = ['lead', 'bob', 'lead', 'bob', 'lead', 'bob', 'lead', 'bob'];
    const runs = names.map((as, i) =>
      runNode(
        [
          CLI,
          'plan',
          i % 2 ? 'reject' : 'approve',
          'crew',
          planId,
          'alice',
          '--feedback',
          `#${i}`,
          '--as',
          as,
          '--json',
          '--data-dir',
          dataDir,
        ],
        barrier.env(),
      ),
    );
    await barrier.release(names.length);
    const done = await Promise.all(runs.map((r) => r.done));
    const winners = done.flatMap((r, i) => (r.code === 0 ? [i] : []));
    expect(winners).toHaveLength(1);
    const w = winners[0];
    for (const r of done.filter((_, i) => i !== w)) {
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'CONFLICT', details: { answeredBy: names[w] } });
    }
    const got = await agent.result;
    expect(got.answer).toMatchObject({ type: w % 2 ? 'plan_rejected' : 'plan_approved', from: names[w], feedback: `#${w}` });
    expect(got.others).toEqual([]);
    expect(lockstep(dataDir, ['inbox', 'peek', 'crew', '--as', 'alice']).json.count).toBe(0);
  });

  it('task wait: exit 0 once every task is completed, a sentence and exit 1 when the time runs out', async () => {
    const dataDir = await newTeam();
    const id = lockstep(dataDir, ['task', 'create', 'crew', 'only task']).json.id;
    const late = lockstep(dataDir, ['task', 'wait', 'crew', '--timeout', '0.2']);
    expect(late.code).toBe(1);
    expect(late.json.error).toMatchObject({ code: 'TIMED_OUT', details: { total: 1, completed: 0, open: [id] } });
    const waiter = runNode([CLI, 'task', 'wait', 'crew', '--timeout', '60', '--poll-interval', '0.05', '--json', '--data-dir', dataDir]);
    expect(lockstep(dataDir, ['task', 'complete', 'crew', id, '--as', 'alice', '--force', '--reason', 'test']).code).toBe(0);
    const r = await waiter.done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ status: 'completed', total: 1, completed: 1 });
  });
});
