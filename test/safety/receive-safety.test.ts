import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstep } from '../features/cli-harness';
import { copyFixture } from '../fixture';

/**
 * Issue 28, item 5 and the lease of item 6: one bad message never takes the batch with it (a message too deep to
 * write out, a 2 GB sparse file), and `inbox receive --lease` + `inbox ack` give at-least-once.
 */

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function inbox(): { data: string; dir: string; dead: string } {
  const data = copyFixture('lockstep-receive-');
  made.push(data);
  const dir = path.join(data, 'teams', 'webapp', 'inboxes', 'b');
  fs.mkdirSync(dir, { recursive: true });
  return { data, dir, dead: path.join(data, 'teams', 'webapp', 'dead_letters', 'b') };
}

const message = (content: unknown) =>
  JSON.stringify({ type: 'message', from: 'a', to: 'b', content, timestamp: '2026-01-01T00:00:00+00:00' });

describe('one bad message never takes the batch with it', () => {
  it('two normal messages and one 100,000 levels deep: the two are delivered, the deep one goes to dead letters', () => {
    const { data, dir, dead } = inbox();
    fs.writeFileSync(path.join(dir, 'msg-1700000000001-aaaaaaaa.json'), message('first'));
    const deep = `{"type":"message","from":"a","to":"b","timestamp":"2026-01-01T00:00:00+00:00","content":"deep","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    fs.writeFileSync(path.join(dir, 'msg-1700000000002-bbbbbbbb.json'), deep);
    fs.writeFileSync(path.join(dir, 'msg-1700000000003-cccccccc.json'), message('third'));
    const received = lockstep(data, ['inbox', 'receive', 'webapp', '--as', 'b']);
    expect(received.json.error).toBeUndefined();
    expect(received.json.messages.map((m: { content: string }) => m.content)).toEqual(['first', 'third']);
    expect(fs.readdirSync(dead).filter((n) => !n.endsWith('.meta.json'))).toEqual(['msg-1700000000002-bbbbbbbb.json']);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a 2 GB sparse message ahead of a normal one: the normal one is delivered, the big one set aside unread', () => {
    const { data, dir, dead } = inbox();
    const big = path.join(dir, 'msg-1700000000001-aaaaaaaa.json');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, 2 * 1024 ** 3 + 10);
    fs.writeFileSync(path.join(dir, 'msg-1700000000002-bbbbbbbb.json'), message('behind the big one'));
    const received = lockstep(data, ['inbox', 'receive', 'webapp', '--as', 'b']);
    expect(received.json.error).toBeUndefined();
    expect(received.json.messages.map((m: { content: string }) => m.content)).toEqual(['behind the big one']);
    const meta = JSON.parse(fs.readFileSync(path.join(dead, 'msg-1700000000001-aaaaaaaa.json.meta.json'), 'utf8'));
    expect(meta.error).toMatch(/more than/);
  });
});

describe('inbox receive --lease and inbox ack: at least once', () => {
  it('a leased message not acked comes back when the lease ends; an acked one is gone', () => {
    const { data, dir } = inbox();
    fs.writeFileSync(path.join(dir, 'msg-1700000000001-aaaaaaaa.json'), message('one'));
    fs.writeFileSync(path.join(dir, 'msg-1700000000002-bbbbbbbb.json'), message('two'));
    const first = lockstep(data, ['inbox', 'receive', 'webapp', '--as', 'b', '--lease', '--lease-seconds', '1']);
    expect(first.json.messages.map((m: { content: string }) => m.content)).toEqual(['one', 'two']);
    const ids = first.json.messages.map((m: { leaseId: string }) => m.leaseId);
    // While leased, nobody else gets them.
    expect(lockstep(data, ['inbox', 'receive', 'webapp', '--as', 'b']).json.count).toBe(0);
    expect(lockstep(data, ['inbox', 'ack', 'webapp', ids[0], '--as', 'b']).json).toEqual({ acked: [ids[0]], notHeld: [] });
    // The lease of the other ends (its file's mtime is the end): set it into the past rather than wait.
    const leased = path.join(dir, `${ids[1]}.leased`);
    fs.utimesSync(leased, new Date(Date.now() - 1000), new Date(Date.now() - 1000));
    const again = lockstep(data, ['inbox', 'receive', 'webapp', '--as', 'b']);
    expect(again.json.messages.map((m: { content: string }) => m.content)).toEqual(['two']);
    expect(lockstep(data, ['inbox', 'ack', 'webapp', ids[1], '--as', 'b']).json).toEqual({ acked: [], notHeld: [ids[1]] });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('an ack id that is a path is refused in a sentence', () => {
    const { data } = inbox();
    const res = lockstep(data, ['inbox', 'ack', 'webapp', '../../../x', '--as', 'b']);
    expect(res.json.error.code).toBe('INVALID_INPUT');
  });
});
