import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture } from '../fixture';
import { runBounded } from './bounded';
import { pool } from './helpers';

/**
 * Issue 28, item 3: a named pipe (FIFO) planted where the store reads a file never hangs a command, inside the team
 * lock or out of it. Every command here must answer within the 15 s bound the store promises for a busy lock.
 */

const PENDING = '087e245f';
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Where a FIFO is planted (relative to the data folder). */
export const FIFO_PLACES = [
  `tasks/webapp/task-${PENDING}.json`,
  'tasks/webapp/.lockstep/journal.jsonl',
  'tasks/webapp/.lockstep/ready.json',
  'tasks/webapp/.lockstep/intent.json',
  'tasks/webapp/.lockstep/members.json',
  'teams/webapp/inboxes/b/msg-1700000000000-aaaaaaaa.json',
  'teams/webapp/inboxes/b/msg-1700000000001-bbbbbbbb.consumed',
  'teams/webapp/events/evt-1700000000000-cccccccc.json',
  'costs/webapp/summary.json',
];

const COMMANDS = [
  ['task', 'list', 'webapp'],
  ['task', 'claim', 'webapp', '--next', '--as', 'zed'],
  ['task', 'update', 'webapp', 'dd0eba2d', '--subject', 'still works'],
  ['inbox', 'peek', 'webapp', '--as', 'b'],
  ['inbox', 'receive', 'webapp', '--as', 'b'],
  ['inbox', 'log', 'webapp'],
  ['cost', 'show', 'webapp'],
  ['history', 'webapp'],
  ['doctor', 'webapp'],
];

function plant(place: string): string {
  const data = copyFixture('lockstep-fifo-');
  made.push(data);
  const at = path.join(data, place);
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.rmSync(at, { force: true });
  execFileSync('mkfifo', [at]);
  // A real message behind the pipe: a receive still delivers it.
  const inbox = path.join(data, 'teams', 'webapp', 'inboxes', 'b');
  fs.mkdirSync(inbox, { recursive: true });
  fs.writeFileSync(
    path.join(inbox, 'msg-1700000000009-dddddddd.json'),
    JSON.stringify({ type: 'message', from: 'a', to: 'b', content: 'behind the pipe', timestamp: '2026-01-01T00:00:00+00:00' }),
  );
  return data;
}

describe('a FIFO where a file belongs never hangs a command', () => {
  it('every command with a FIFO at every place answers within the bound, in sentences', async () => {
    const cases = FIFO_PLACES.flatMap((place) => COMMANDS.map((args) => ({ place, args })));
    const results = await pool(
      cases.map(({ place, args }) => async () => ({ place, args, res: await runBounded(plant(place), args) })),
      3,
    );
    for (const { place, args, res } of results) {
      const label = `${args.join(' ')} with a FIFO at ${place}`;
      expect(res.hung, label).toBe(false);
      expect(res.json?.unparsable, label).toBeUndefined();
      if (res.json?.error) {
        expect(res.json.error.message, label).toMatch(/[.!?]$/);
        expect(res.json.error.message, label).not.toMatch(/\n\s+at |Maximum call stack|Unexpected error/);
        expect(res.json.error.code, label).not.toBe('INTERNAL');
      }
    }
    // The message behind the pipe was delivered to the receiver.
    const receives = results.filter((r) => r.args[1] === 'receive' && r.place.includes('inboxes'));
    for (const r of receives)
      expect(
        r.res.json.messages?.map((m: { content: string }) => m.content),
        r.place,
      ).toContain('behind the pipe');
  }, 600_000);
});
