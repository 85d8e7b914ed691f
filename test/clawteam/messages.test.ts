import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import { LockstepStore } from '../../src/store';
import { lockstep } from '../features/cli-harness';
import { Barrier, CLI, collect, runNode, tempDir } from '../race/harness';

/**
 * Messages and costs on ClawTeam 0.3's files, between real processes: Lockstep's CLI and store, and a standard
 * library Python process that follows ClawTeam's own protocol (clawteam_inbox.py).
 */

const PY = path.join(__dirname, 'clawteam_inbox.py');
const WORKER = path.join(__dirname, 'inbox-worker.cjs');
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function newTeam(members = ['lead', 'alice', 'bob']): Promise<{ dataDir: string; store: LockstepStore }> {
  const dataDir = tempDir('lockstep-msg-');
  dirs.push(dataDir);
  const store = new LockstepStore({ dataDir });
  await store.createTeam({ name: 'crew', description: '', members: members.map((name) => ({ name })) });
  return { dataDir, store };
}

function py(args: string[]): any {
  const res = spawnSync('python3', [PY, ...args], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`python failed: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

function runPy(args: string[]) {
  const child = spawn('python3', [PY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { child, done: collect(child) };
}

/** Python's json.dumps(json.loads(text), indent=2, ensure_ascii=False): pydantic's layout, floats kept as floats. */
function pythonRedump(file: string): string {
  const res = spawnSync('python3', ['-c', 'import json,sys;sys.stdout.write(json.dumps(json.load(open(sys.argv[1])),indent=2,ensure_ascii=False))', file], {
    encoding: 'utf8',
  });
  return res.stdout;
}

function inbox(dataDir: string, name: string): string {
  return path.join(dataDir, 'teams', 'crew', 'inboxes', name);
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('ClawTeam-format round trip', () => {
  it('reads a message ClawTeam wrote with every field, unknown ones too, and ClawTeam reads ours the same way', async () => {
    const { dataDir } = await newTeam();
    const fields = ['proposedName=newbie', 'capabilities=py,ts', 'planFile=/tmp/plan.md', 'summary=S', 'plan=P', 'feedback=F', 'reason=R', 'lastTask=t1', 'status=idle', 'assignedName=A', 'agentId=abc123def456', 'teamName=crew', 'key=k-1', 'futureField=kept'];
    const sent = py(['send', '--data-dir', dataDir, '--team', 'crew', '--to', 'alice', '--from', 'bob', '--type', 'join_request', '--content', 'héllo ✓\nline 2', ...fields.flatMap((f) => ['--field', f])]);
    const original = sent.messages[0];
    const peeked = lockstep(dataDir, ['inbox', 'peek', 'crew', '--as', 'alice']);
    expect(peeked.json).toEqual({ count: 1, messages: [original] });
    const log = lockstep(dataDir, ['inbox', 'log', 'crew']);
    expect(log.json.messages).toEqual([original]);
    const received = lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alice']);
    expect(received.code).toBe(0);
    expect(received.json).toEqual({ count: 1, messages: [original] });
    expect(lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alice']).json.count).toBe(0);

    // The other way: every optional field and an unknown one, sent by Lockstep, read by the ClawTeam receiver.
    const ours = lockstep(dataDir, ['inbox', 'send', 'crew', 'bob', 'status?', '--as', 'alice', '--type', 'plan_approval_request', '--key', 'k2', ...fields.filter((f) => !f.startsWith('key=')).flatMap((f) => ['--field', f])]);
    expect(ours.code, ours.stderr).toBe(0);
    const got = py(['receive', '--data-dir', dataDir, '--team', 'crew', '--inbox', 'bob']);
    expect(got.messages).toEqual([ours.json]);
    expect(got.messages[0]).toMatchObject({ type: 'plan_approval_request', from: 'alice', to: 'bob', content: 'status?', key: 'k2', proposedName: 'newbie', futureField: 'kept' });
    expect(got.messages[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    // Byte layout: what pydantic would write for the same data.
    const events = fs.readdirSync(path.join(dataDir, 'teams', 'crew', 'events')).sort();
    const ourEvent = path.join(dataDir, 'teams', 'crew', 'events', events[1]);
    expect(fs.readFileSync(ourEvent, 'utf8')).toBe(pythonRedump(ourEvent));
    expect(Object.keys(JSON.parse(fs.readFileSync(ourEvent, 'utf8'))).slice(0, 7)).toEqual(['type', 'from', 'to', 'content', 'requestId', 'timestamp', 'key']);
  });

  it('keeps cost events and the summary in ClawTeam layout both ways', async () => {
    const { dataDir } = await newTeam();
    py(['cost', '--data-dir', dataDir, '--team', 'crew', '--agent', 'alice', '--cents', '12.5', '--input', '100', '--output', '40']);
    const report = lockstep(dataDir, ['cost', 'report', 'crew', '--as', 'bob', '--input-tokens', '7', '--output-tokens', '3', '--cost-cents', '100', '--provider', 'anthropic', '--model', 'claude']);
    expect(report.code, report.stderr).toBe(0);
    expect(report.json).toMatchObject({ agentName: 'bob', inputTokens: 7, outputTokens: 3, costCents: 100, provider: 'anthropic', model: 'claude' });
    const costsDir = path.join(dataDir, 'costs', 'crew');
    const ourFile = fs.readdirSync(costsDir).find((n) => n.endsWith(`-${report.json.id}.json`))!;
    expect(ourFile).toBe(`cost-${report.json.reportedAt.replace(/:/g, '-').replace('+', 'p')}-${report.json.id}.json`);
    expect(fs.readFileSync(path.join(costsDir, ourFile), 'utf8')).toContain('"costCents": 100.0');
    expect(fs.readFileSync(path.join(costsDir, ourFile), 'utf8')).toBe(pythonRedump(path.join(costsDir, ourFile)));
    const summaryFile = path.join(costsDir, 'summary.json');
    expect(fs.readFileSync(summaryFile, 'utf8')).toBe(pythonRedump(summaryFile));
    const pySummary = py(['summary', '--data-dir', dataDir, '--team', 'crew']);
    expect(pySummary).toMatchObject({ totalCostCents: 112.5, totalInputTokens: 107, totalOutputTokens: 43, byAgent: { alice: 12.5, bob: 100 }, eventCount: 2 });
    lockstep(dataDir, ['cost', 'budget', 'crew', '5']);
    const show = lockstep(dataDir, ['cost', 'show', 'crew']);
    expect(show.json).toEqual({ teamName: 'crew', totalCostCents: 112.5, totalInputTokens: 107, totalOutputTokens: 43, byAgent: { alice: 12.5, bob: 100 }, eventCount: 2, budgetCents: 500 });
    expect(lockstep(dataDir, ['cost', 'show', 'crew', '--agent', 'alice']).json).toMatchObject({ totalCostCents: 12.5, eventCount: 1, byAgent: { alice: 12.5 } });
  });
});

describe('exactly-once delivery', () => {
  it('6 Lockstep receivers racing over 600 messages in one inbox: each delivered exactly once', async () => {
    const { dataDir } = await newTeam();
    py(['send', '--data-dir', dataDir, '--team', 'crew', '--to', 'alice', '--from', 'bob', '--content', 'm', '--count', '600']);
    expect(fs.readdirSync(inbox(dataDir, 'alice'))).toHaveLength(600);
    const barrier = new Barrier(dataDir);
    const racers = Array.from({ length: 6 }, () => runNode([WORKER, 'drain', dataDir, 'crew', 'alice', '5'], barrier.env()));
    await barrier.release(6);
    const results = await Promise.all(racers.map((r) => r.done));
    const seen = new Map<string, number>();
    for (const r of results) {
      expect(r.code, r.stderr).toBe(0);
      for (const m of JSON.parse(r.stdout).messages) seen.set(m.content, (seen.get(m.content) ?? 0) + 1);
    }
    expect(seen.size).toBe(600);
    expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);
    expect(results.filter((r) => JSON.parse(r.stdout).count > 0).length).toBeGreaterThan(1); // a real race
    expect(fs.readdirSync(inbox(dataDir, 'alice'))).toEqual([]);
  });

  it('a receiver killed after its claim: the message is delivered again, exactly once, to the next receiver', async () => {
    const { dataDir } = await newTeam();
    for (const c of ['first', 'second', 'third']) expect(lockstep(dataDir, ['inbox', 'send', 'crew', 'alice', c, '--as', 'bob']).code).toBe(0);
    const marker = path.join(dataDir, 'after-claim');
    const victim = runNode([CLI, 'inbox', 'receive', 'crew', '--as', 'alice', '--limit', '1', '--json', '--data-dir', dataDir], {
      ...process.env,
      LOCKSTEP_FAILPOINT_AFTER_CLAIM: marker,
    });
    const claimedMarker = () => fs.readdirSync(dataDir).find((n) => n.startsWith('after-claim.claimed.') && !n.endsWith('.part'));
    await waitFor(() => claimedMarker() !== undefined, 'the receiver to claim a message');
    const held = fs.readFileSync(path.join(dataDir, claimedMarker()!), 'utf8');
    expect(held).toMatch(/\.consumed$/);
    // While it holds the claim nobody else gets that message: not Lockstep, not a ClawTeam receiver, not peek.
    expect(lockstep(dataDir, ['inbox', 'peek', 'crew', '--as', 'alice']).json.messages.map((m: any) => m.content)).toEqual(['second', 'third']);
    expect(py(['receive', '--data-dir', dataDir, '--team', 'crew', '--inbox', 'alice', '--limit', '1']).count).toBe(0);
    expect(lockstep(dataDir, ['doctor', 'crew']).json.findings).toEqual([]); // a held claim is nobody's problem
    const others = lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alice']);
    expect(others.json.messages.map((m: any) => m.content)).toEqual(['second', 'third']);
    victim.child.kill('SIGKILL');
    const end = await victim.done;
    expect(end.signal).toBe('SIGKILL');
    expect(end.stdout).toBe(''); // it never handed the message to anybody
    expect(fs.existsSync(path.join(inbox(dataDir, 'alice'), held))).toBe(true);
    expect(lockstep(dataDir, ['inbox', 'peek', 'crew', '--as', 'alice']).json.count).toBe(1);
    // Receivers leave a fresh claim alone for a moment (it may be a live ClawTeam receiver's); then it is taken.
    let again: any = { json: { count: 0 } };
    const deadline = Date.now() + 30_000;
    while (again.json.count === 0 && Date.now() < deadline) again = lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alice']);
    expect(again.json).toMatchObject({ count: 1, messages: [{ content: 'first', from: 'bob', to: 'alice' }] });
    expect(lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alice']).json.count).toBe(0);
    expect(fs.readdirSync(inbox(dataDir, 'alice'))).toEqual([]);
  });

  it('a receiver that opened a message another Lockstep receiver then delivered and deleted does not deliver it again', async () => {
    const { dataDir } = await newTeam();
    lockstep(dataDir, ['inbox', 'send', 'crew', 'alice', 'exactly once', '--as', 'bob']);
    const claim = path.join(dataDir, 'claim');
    const open = path.join(dataDir, 'open');
    const args = [CLI, 'inbox', 'receive', 'crew', '--as', 'alice', '--json', '--data-dir', dataDir];
    const first = runNode(args, { ...process.env, LOCKSTEP_FAILPOINT_AFTER_CLAIM: claim });
    await waitFor(() => fs.readdirSync(dataDir).some((n) => n.startsWith('claim.claimed.') && !n.endsWith('.part')), 'the first receiver to hold its claim');
    // The second receiver lists the claimed file and opens it while the first still holds it...
    // (No grace: this receiver may take a claim the moment it is made, so it reaches the file the first one holds.)
    const second = runNode(args, { ...process.env, LOCKSTEP_FAILPOINT_BEFORE_LOCK: open, LOCKSTEP_FAILPOINT_CLAIM_GRACE_MS: '0' });
    await waitFor(() => fs.readdirSync(dataDir).some((n) => n.startsWith('open.opened.') && !n.endsWith('.part')), 'the second receiver to open the file');
    // ...then the first delivers and deletes it, and only after that does the second get the (now free) lock.
    fs.writeFileSync(`${claim}.go`, '');
    const firstOut = JSON.parse((await first.done).stdout);
    fs.writeFileSync(`${open}.go`, '');
    const secondOut = JSON.parse((await second.done).stdout);
    expect(firstOut.messages.map((m: any) => m.content)).toEqual(['exactly once']);
    expect(secondOut).toEqual({ count: 0, messages: [] });
  });

  it('mixed with ClawTeam receivers: nothing lost, no message twice among Lockstep receivers; ClawTeam duplicates counted', async () => {
    const { dataDir } = await newTeam();
    py(['send', '--data-dir', dataDir, '--team', 'crew', '--to', 'alice', '--from', 'bob', '--content', 'm', '--count', '600']);
    const barrier = new Barrier(dataDir);
    const racers = [
      ...Array.from({ length: 3 }, () => ({ side: 'lockstep', ...runNode([WORKER, 'drain', dataDir, 'crew', 'alice', '5'], barrier.env()) })),
      ...Array.from({ length: 3 }, () => ({ side: 'clawteam', ...runPy(['receive', '--data-dir', dataDir, '--team', 'crew', '--inbox', 'alice', '--limit', '5', '--drain', '--barrier', barrier.file]) })),
    ];
    await barrier.release(6);
    const results = await Promise.all(racers.map((r) => r.done));
    const bySide = new Map<string, string[]>(); // content -> sides that got it
    for (const [i, r] of results.entries()) {
      expect(r.code, r.stderr).toBe(0);
      for (const m of JSON.parse(r.stdout).messages) bySide.set(m.content, [...(bySide.get(m.content) ?? []), `${racers[i].side}${i}`]);
    }
    expect(bySide.size).toBe(600); // nothing lost
    const twice = [...bySide.values()].filter((s) => s.length > 1);
    const lockstepTwice = twice.filter((s) => s.filter((x) => x.startsWith('lockstep')).length > 1);
    expect(lockstepTwice).toEqual([]);
    console.log(`mixed race: ${twice.length} of 600 messages read twice, each involving a ClawTeam receiver's ack gap: ${JSON.stringify(twice.slice(0, 5))}`);
    expect(fs.readdirSync(inbox(dataDir, 'alice'))).toEqual([]);
  });

  it("ClawTeam's own ack gap: a second ClawTeam receiver reads a message the first has unlocked but not yet deleted", async () => {
    const { dataDir } = await newTeam();
    lockstep(dataDir, ['inbox', 'send', 'crew', 'alice', 'only once?', '--as', 'bob']);
    const gate = path.join(dataDir, 'ack-gate');
    const first = runPy(['receive', '--data-dir', dataDir, '--team', 'crew', '--inbox', 'alice', '--pause-in-ack', gate]);
    await waitFor(() => fs.readdirSync(dataDir).some((n) => n.startsWith('ack-gate.paused.')), 'the first receiver to unlock');
    const second = py(['receive', '--data-dir', dataDir, '--team', 'crew', '--inbox', 'alice']);
    fs.writeFileSync(gate, '');
    const firstResult = JSON.parse((await first.done).stdout);
    expect(firstResult.messages.map((m: any) => m.content)).toEqual(['only once?']);
    expect(second.messages.map((m: any) => m.content)).toEqual(['only once?']); // the duplicate ClawTeam allows
  });
});

describe('costs from both sides at once', () => {
  it('4 Lockstep + 4 ClawTeam reporters: summary totals equal the sum of the event files', async () => {
    const { dataDir } = await newTeam();
    const barrier = new Barrier(dataDir);
    const racers = [
      ...Array.from({ length: 4 }, (_, i) => runNode([WORKER, 'cost', dataDir, 'crew', `js${i}`, '40', '1.25'], barrier.env())),
      ...Array.from({ length: 4 }, (_, i) => runPy(['cost', '--data-dir', dataDir, '--team', 'crew', '--agent', `py${i}`, '--count', '40', '--cents', '2.5', '--barrier', barrier.file])),
    ];
    await barrier.release(8);
    for (const r of await Promise.all(racers.map((x) => x.done))) expect(r.code, r.stderr).toBe(0);
    const costsDir = path.join(dataDir, 'costs', 'crew');
    const events = fs.readdirSync(costsDir).filter((n) => /^cost-.*\.json$/.test(n)).map((n) => JSON.parse(fs.readFileSync(path.join(costsDir, n), 'utf8')));
    expect(events).toHaveLength(320);
    const sum = (f: (e: any) => number) => events.reduce((s, e) => s + f(e), 0);
    // The summary as the last writer left it, without any resync: every reporter's contribution is in it.
    const summary = JSON.parse(fs.readFileSync(path.join(costsDir, 'summary.json'), 'utf8').replace(/("mtimeNs": )(\d+)/g, '$1"$2"'));
    expect(summary.eventCount).toBe(320);
    expect(Object.keys(summary.files)).toHaveLength(320);
    expect(summary.totalCostCents).toBe(sum((e) => e.costCents));
    expect(summary.totalCostCents).toBe(4 * 40 * 1.25 + 4 * 40 * 2.5);
    expect(summary.totalInputTokens).toBe(sum((e) => e.inputTokens));
    expect(summary.totalOutputTokens).toBe(sum((e) => e.outputTokens));
    for (let i = 0; i < 4; i++) {
      expect(summary.byAgent[`js${i}`]).toBe(50);
      expect(summary.byAgent[`py${i}`]).toBe(100);
    }
    const show = lockstep(dataDir, ['cost', 'show', 'crew']);
    expect(show.json).toMatchObject({ totalCostCents: 600, eventCount: 320 });
  });
});

describe('CLI conventions', () => {
  it('validates names and input in plain words with the usual exit codes', async () => {
    const { dataDir } = await newTeam();
    const bad = lockstep(dataDir, ['inbox', 'send', 'crew', '../x', 'hi', '--as', 'bob']);
    expect(bad.code).toBe(2);
    expect(bad.json.error.message).toMatch(/member "..\/x" may only use letters/);
    expect(lockstep(dataDir, ['inbox', 'send', 'crew', 'alice', 'hi']).json.error.message).toMatch(/--as/);
    expect(lockstep(dataDir, ['inbox', 'send', 'crew', 'alice', 'hi', '--as', 'bob', '--type', 'shout']).code).toBe(2);
    expect(lockstep(dataDir, ['inbox', 'receive', 'nope', '--as', 'bob']).code).toBe(4);
    expect(lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'bob', '--limit', '0']).code).toBe(2);
    expect(lockstep(dataDir, ['cost', 'report', 'crew', '--as', 'bob', '--cost-cents', '-1']).code).toBe(2);
    expect(lockstep(dataDir, ['cost', 'budget', 'crew', 'lots']).code).toBe(2);
    expect(fs.existsSync(path.join(dataDir, 'teams', 'crew', 'events'))).toBe(false); // nothing was written
    // Broadcast: one message and one history entry per other inbox; content from standard input for send.
    const b = lockstep(dataDir, ['inbox', 'broadcast', 'crew', 'stand-up', '--as', 'lead']);
    expect(b.json).toEqual({ count: 2, recipients: ['alice', 'bob'] });
    const piped = spawnSync(process.execPath, [CLI, 'inbox', 'send', 'crew', 'lead', '--as', 'alice', '--json', '--data-dir', dataDir], { input: 'from stdin', encoding: 'utf8' });
    expect(JSON.parse(piped.stdout)).toMatchObject({ content: 'from stdin', to: 'lead' });
    const log = lockstep(dataDir, ['inbox', 'log', 'crew', '--from', 'lead']);
    expect(log.json.messages.map((m: any) => [m.type, m.to])).toEqual([['broadcast', 'alice'], ['broadcast', 'bob']]);
    expect(lockstep(dataDir, ['inbox', 'log', 'crew', '--limit', '1']).json.messages.map((m: any) => m.content)).toEqual(['from stdin']);
  });
});

describe('stall radar: the mailbox', () => {
  it('finds unheld claims, dead letters and inboxes of non-members, and fixes each', async () => {
    const { dataDir, store } = await newTeam();
    // A receiver died after claiming: its .consumed file is held by nobody.
    lockstep(dataDir, ['inbox', 'send', 'crew', 'alice', 'stuck', '--as', 'bob']);
    const aliceDir = inbox(dataDir, 'alice');
    const msg = fs.readdirSync(aliceDir)[0];
    fs.renameSync(path.join(aliceDir, msg), path.join(aliceDir, msg.replace(/\.json$/, '.consumed')));
    // A message that does not parse: the receiver sets it aside as a dead letter.
    fs.writeFileSync(path.join(inbox(dataDir, 'bob'), 'msg-1700000000000-deadbeef.json'), '{"from": "x", "content": ');
    expect(lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'bob']).json.count).toBe(0);
    // A typo in a recipient: an inbox nobody reads.
    lockstep(dataDir, ['inbox', 'send', 'crew', 'alcie', 'hello?', '--as', 'bob']);

    let doctor = lockstep(dataDir, ['doctor', 'crew']);
    // A claim nobody holds is reported once it is no longer fresh (its receiver may just be starting).
    expect(doctor.json.findings.map((f: any) => f.kind)).not.toContain('orphan-claim');
    const deadline = Date.now() + 30_000;
    while (doctor.json.findings.length < 3 && Date.now() < deadline) doctor = lockstep(dataDir, ['doctor', 'crew']);
    expect(doctor.code).toBe(0);
    const kinds = doctor.json.findings.map((f: any) => f.kind).sort();
    expect(kinds).toEqual(['dead-letter', 'orphan-claim', 'stranger-inbox']);
    const dead = doctor.json.findings.find((f: any) => f.kind === 'dead-letter');
    expect(dead.message).toMatch(/could not be read.*not valid JSON/);
    expect(doctor.json.findings.find((f: any) => f.kind === 'stranger-inbox').message).toMatch(/alcie .*not a member: 1 message\(s\) wait there/);
    const text = lockstep(dataDir, ['doctor', 'crew', '--fix-all']);
    expect(text.json.fixed).toHaveLength(3);
    expect(text.json.findings).toEqual([]);
    expect(lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alice']).json.messages.map((m: any) => m.content)).toEqual(['stuck']);
    expect((await store.getTeam('crew')).members.map((m) => m.name)).toContain('alcie');
    expect(lockstep(dataDir, ['inbox', 'receive', 'crew', '--as', 'alcie']).json.messages.map((m: any) => m.content)).toEqual(['hello?']);
    const archived = fs.readdirSync(path.join(dataDir, 'tasks', 'crew', '.lockstep', 'dead-letters'));
    expect(archived.some((n) => n.startsWith('bob-msg-1700000000000-deadbeef.json') && !n.endsWith('.meta.json'))).toBe(true);
    expect(archived.some((n) => n.endsWith('.meta.json'))).toBe(true);
    // Fixing a finding that no longer applies says so.
    expect(lockstep(dataDir, ['doctor', 'crew', '--fix', dead.id]).code).toBe(4);
  });
});
