import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockstep } from '../features/cli-harness';
import { copyFixture, tempDir } from '../fixture';

/**
 * Messages and costs live in the data folder too, so the boundary holds for them: a link planted where an inbox,
 * the message history, a message or the cost folder belongs is refused (UNSAFE_PATH) or left alone, and nothing is
 * written to, read from or deleted in what it points to.
 */

const SECRET = 'SECRET-MARKER-c41d';
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setup(): { dataDir: string; outside: string } {
  const dataDir = copyFixture('lockstep-mailbox-links-');
  const outside = tempDir('lockstep-mailbox-outside-');
  made.push(dataDir, outside);
  fs.writeFileSync(path.join(outside, 'keep.txt'), SECRET);
  return { dataDir, outside };
}

const listing = (dir: string) => fs.readdirSync(dir).sort();

describe('the mailbox and the cost folder never follow a link out of the data folder', () => {
  it('an inbox folder that is a link: send is refused, nothing lands outside', () => {
    const { dataDir, outside } = setup();
    const inboxes = path.join(dataDir, 'teams', 'webapp', 'inboxes');
    fs.mkdirSync(inboxes, { recursive: true });
    fs.symlinkSync(outside, path.join(inboxes, 'tester'));
    const sent = lockstep(dataDir, ['inbox', 'send', 'webapp', 'tester', 'hello', '--as', 'lead']);
    expect(sent.json.error?.code).toBe('UNSAFE_PATH');
    expect(JSON.stringify(sent.json)).not.toContain(SECRET);
    expect(listing(outside)).toEqual(['keep.txt']);
    expect(fs.existsSync(path.join(dataDir, 'teams', 'webapp', 'events'))).toBe(false); // nothing half-sent
  });

  it('the history folder as a link: log and send are refused, the outside is untouched', () => {
    const { dataDir, outside } = setup();
    fs.symlinkSync(outside, path.join(dataDir, 'teams', 'webapp', 'events'));
    expect(lockstep(dataDir, ['inbox', 'log', 'webapp']).json.error?.code).toBe('UNSAFE_PATH');
    expect(lockstep(dataDir, ['inbox', 'send', 'webapp', 'tester', 'hello', '--as', 'lead']).json.error?.code).toBe('UNSAFE_PATH');
    expect(listing(outside)).toEqual(['keep.txt']);
  });

  it("a message file that is a link is not delivered with another file's bytes, and its target stays", () => {
    const { dataDir, outside } = setup();
    const inbox = path.join(dataDir, 'teams', 'webapp', 'inboxes', 'tester');
    fs.mkdirSync(inbox, { recursive: true });
    fs.symlinkSync(path.join(outside, 'keep.txt'), path.join(inbox, 'msg-1700000000000-deadbeef.json'));
    const received = lockstep(dataDir, ['inbox', 'receive', 'webapp', '--as', 'tester']);
    expect(JSON.stringify(received.json)).not.toContain(SECRET);
    expect(received.json.count ?? 0).toBe(0);
    const peeked = lockstep(dataDir, ['inbox', 'peek', 'webapp', '--as', 'tester']);
    expect(JSON.stringify(peeked.json)).not.toContain(SECRET);
    expect(fs.readFileSync(path.join(outside, 'keep.txt'), 'utf8')).toBe(SECRET);
  });

  it('a cost folder that is a link: report and show are refused, nothing is written outside', () => {
    const { dataDir, outside } = setup();
    fs.mkdirSync(path.join(dataDir, 'costs'), { recursive: true });
    fs.symlinkSync(outside, path.join(dataDir, 'costs', 'webapp'));
    const args = ['cost', 'report', 'webapp', '--as', 'backend', '--input-tokens', '10', '--output-tokens', '5', '--cost-cents', '3'];
    expect(lockstep(dataDir, args).json.error?.code).toBe('UNSAFE_PATH');
    expect(lockstep(dataDir, ['cost', 'show', 'webapp']).json.error?.code).toBe('UNSAFE_PATH');
    expect(listing(outside)).toEqual(['keep.txt']);
  });
});
