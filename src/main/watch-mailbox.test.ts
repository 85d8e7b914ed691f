import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../shared/api';
import { LockstepStore } from '../store';
import { DataFolderWatcher } from './watcher';
import { mailboxPathKind } from './watch-mailbox';
import { copyFixture, ROOT } from '../../test/fixture';

type Received = { event: EventName; payload: unknown };
let watcher: DataFolderWatcher | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await watcher?.stop();
  watcher = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function waitFor(received: Received[], predicate: (r: Received) => boolean): Promise<Received> {
  const started = Date.now();
  for (;;) {
    const hit = received.find(predicate);
    if (hit) return hit;
    if (Date.now() - started > 10_000) throw new Error(`no matching event; got ${JSON.stringify(received)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const cli = (dataDir: string, args: string[]) =>
  spawnSync(process.execPath, [path.join(ROOT, 'bin', 'lockstep.js'), ...args, '--data-dir', dataDir], { encoding: 'utf8' });

describe('the watcher follows messages and costs', () => {
  it('reports new history files by name, inbox changes and cost events from other processes, even where no costs folder existed', async () => {
    const dataDir = copyFixture('lockstep-watch-msg-');
    dirs.push(dataDir);
    expect(fs.existsSync(path.join(dataDir, 'costs'))).toBe(false);
    const store = new LockstepStore({ dataDir });
    const received: Received[] = [];
    watcher = new DataFolderWatcher(store, <E extends EventName>(event: E, payload: EventPayload<E>) => received.push({ event, payload }));
    await watcher.start();

    expect(cli(dataDir, ['inbox', 'send', 'webapp', 'bob', 'ping', '--as', 'alice']).status).toBe(0);
    const changed = (await waitFor(received, (r) => r.event === 'messagesChanged')).payload as EventPayload<'messagesChanged'>;
    expect(changed.team).toBe('webapp');
    expect(changed.ids).toEqual(fs.readdirSync(path.join(dataDir, 'teams', 'webapp', 'events')));
    await waitFor(received, (r) => r.event === 'inboxesChanged' && (r.payload as { team: string }).team === 'webapp');
    // Only the new file is read.
    expect(store.mailbox.readEvents('webapp', undefined, new Set(changed.ids)).records.map((r) => r.message.content)).toEqual(['ping']);

    received.length = 0;
    expect(cli(dataDir, ['inbox', 'receive', 'webapp', '--as', 'bob']).status).toBe(0);
    await waitFor(received, (r) => r.event === 'inboxesChanged');
    expect(received.some((r) => r.event === 'messagesChanged')).toBe(false); // receiving does not touch history

    expect(cli(dataDir, ['cost', 'report', 'webapp', '--as', 'bob', '--cost-cents', '3']).status).toBe(0);
    await waitFor(received, (r) => r.event === 'costsChanged' && (r.payload as { team: string }).team === 'webapp');
  });

  it('keeps following a team whose folder was removed and made again (a snapshot restored)', async () => {
    const dataDir = copyFixture('lockstep-watch-msg-');
    dirs.push(dataDir);
    const store = new LockstepStore({ dataDir });
    store.mailbox.send('webapp', { from: 'lead', to: 'tester', content: 'before' });
    const received: Received[] = [];
    watcher = new DataFolderWatcher(store, <E extends EventName>(event: E, payload: EventPayload<E>) => received.push({ event, payload }));
    await watcher.start();
    const teamDir = path.join(dataDir, 'teams', 'webapp');
    const saved = fs.readFileSync(path.join(teamDir, 'config.json'));
    fs.rmSync(teamDir, { recursive: true });
    fs.mkdirSync(teamDir);
    fs.writeFileSync(path.join(teamDir, 'config.json'), saved);
    await new Promise((r) => setTimeout(r, 200));
    expect(cli(dataDir, ['inbox', 'send', 'webapp', 'tester', 'after', '--as', 'lead']).status).toBe(0);
    const changed = (await waitFor(received, (r) => r.event === 'messagesChanged')).payload as EventPayload<'messagesChanged'>;
    expect(store.mailbox.readEvents('webapp', undefined, new Set(changed.ids)).records.map((r) => r.message.content)).toEqual(['after']);
  });

  it('classifies paths: temp files, locks and the summary are not changes', () => {
    expect(mailboxPathKind(['teams', 't', 'events', 'evt-1-ab.json'])).toBe('event');
    expect(mailboxPathKind(['teams', 't', 'events', 'evt-1-ab.tmp'])).toBe('ignore');
    expect(mailboxPathKind(['teams', 't', 'inboxes', 'bob', '.tmp-ab.json'])).toBe('ignore');
    expect(mailboxPathKind(['teams', 't', 'inboxes', 'bob', 'msg-1-ab.consumed'])).toBe('inbox-file');
    expect(mailboxPathKind(['costs', 't', 'summary.json'])).toBe('ignore');
    expect(mailboxPathKind(['costs', 't', 'summary.json.lock'])).toBe('ignore');
    expect(mailboxPathKind(['costs', 't', 'cost-2026-x-ab.json'])).toBe('cost');
    expect(mailboxPathKind(['teams', 't', 'config.json'])).toBe(null);
  });
});
