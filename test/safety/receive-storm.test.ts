import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyFixture } from '../fixture';

/**
 * Issue 28, item 6: the SIGKILL receive storm. 4 receivers take 150 messages out of one inbox in real CLI processes
 * while a random receiver process is SIGKILLed every 250 ms, at --limit 1, 5 and 10:
 * - plain receive (delete, then write out): at most once: 0 duplicated (a kill between delete and output loses);
 * - `receive --lease` + `ack`: at least once: 0 lost (a kill before the ack brings the message back).
 * A message counts as delivered when the receiver's whole line for it reached the reader. The figures are printed.
 */

const MESSAGES = 150;
const RECEIVERS = 4;
const KILL_EVERY_MS = 250;
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const ENV = { ...process.env, LOCKSTEP_FAILPOINT_CLAIM_GRACE_MS: '500' };

function fill(): { data: string; inbox: string } {
  const data = copyFixture('lockstep-storm-');
  made.push(data);
  const inbox = path.join(data, 'teams', 'webapp', 'inboxes', 'b');
  fs.mkdirSync(inbox, { recursive: true });
  for (let i = 0; i < MESSAGES; i++) {
    const body = { type: 'message', from: 'a', to: 'b', content: `m${i}`, timestamp: '2026-01-01T00:00:00+00:00' };
    fs.writeFileSync(path.join(inbox, `msg-${1700000000000 + i}-${i.toString(16).padStart(8, '0')}.json`), JSON.stringify(body));
  }
  return { data, inbox };
}

interface Figures {
  limit: number;
  mode: 'plain' | 'lease';
  kills: number;
  delivered: number;
  lost: number;
  duplicated: number;
}

const RECEIVER = path.join(__dirname, 'storm-receiver.cjs');
const LEASE_MS = 2000;

async function storm(limit: number, mode: 'plain' | 'lease'): Promise<Figures> {
  const { data, inbox } = fill();
  const live = new Set<ChildProcess>();
  const seen: string[] = [];
  let kills = 0;
  const pending = () => fs.readdirSync(inbox).some((n) => n.startsWith('msg-'));
  const giveUpAt = Date.now() + 180_000;
  // One receiver process after another in each of 4 lanes, until nothing is waiting; every whole line it wrote is
  // a batch delivered (a line cut by the kill is not).
  const lane = async () => {
    while (pending() && Date.now() < giveUpAt) {
      const args = [RECEIVER, data, 'webapp', 'b', String(limit), ...(mode === 'lease' ? [String(LEASE_MS)] : [])];
      const child = spawn(process.execPath, args, { env: ENV, stdio: ['ignore', 'pipe', 'ignore'] });
      live.add(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((resolve) => child.on('close', resolve));
      live.delete(child);
      for (const line of out.split('\n').slice(0, -1)) {
        try {
          seen.push(...(JSON.parse(line) as string[]));
        } catch {
          // Cut by the kill: not delivered.
        }
      }
      if (out === '') await new Promise((r) => setTimeout(r, 20));
    }
  };
  const killer = setInterval(() => {
    const victims = [...live];
    if (victims.length === 0) return;
    victims[Math.floor(Math.random() * victims.length)].kill('SIGKILL');
    kills++;
  }, KILL_EVERY_MS);
  try {
    await Promise.all(Array.from({ length: RECEIVERS }, lane));
  } finally {
    clearInterval(killer);
  }
  const unique = new Set(seen);
  return { limit, mode, kills, delivered: unique.size, lost: MESSAGES - unique.size, duplicated: seen.length - unique.size };
}

describe('the SIGKILL receive storm', () => {
  const figures: Figures[] = [];
  afterAll(() =>
    console.log(
      `receive storm (${MESSAGES} messages, ${RECEIVERS} receivers, a kill every ${KILL_EVERY_MS} ms):\n${figures.map((f) => JSON.stringify(f)).join('\n')}`,
    ),
  );

  for (const limit of [1, 5, 10]) {
    it(`--limit ${limit}: plain receive duplicates none; --lease with ack loses none`, async () => {
      const plain = await storm(limit, 'plain');
      figures.push(plain);
      expect(plain.duplicated).toBe(0);
      const leased = await storm(limit, 'lease');
      figures.push(leased);
      expect(leased.lost).toBe(0);
      expect(leased.kills).toBeGreaterThan(0);
    }, 600_000);
  }
});
