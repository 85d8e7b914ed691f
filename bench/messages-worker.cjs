'use strict';
// A Lockstep mailbox process for bench/messages.mjs, on the compiled store (as the CLI uses it). DATA_DIR may be a
// postgres:// URL: then the database's messages (Store.messages) are used.
//   send FROM TO[,TO...] SECONDS     send "FROM-<i>" round-robin to the inboxes for SECONDS
//   drain AGENT UNTIL_FILE           receive (10 at a time) until UNTIL_FILE exists and the inbox is empty
// Prints {"count": N, "ids": [...]}.
const path = require('path');
const dist = path.join(__dirname, '..', 'dist', 'store');
const { LockstepStore, openStore } = require(path.join(dist, 'index.js'));
const { waitAtBarrier } = require(path.join(dist, 'core', 'failpoints.js'));
const { claimableNames } = require(path.join(dist, 'folder', 'inbox-files.js'));
const fs = require('fs');

async function main() {
  const [mode, dataDir, team, ...rest] = process.argv.slice(2);
  if (/^postgres(ql)?:\/\//i.test(dataDir)) return database(mode, dataDir, team, rest);
  const store = new LockstepStore({ dataDir });
  await waitAtBarrier();
  const ids = [];
  if (mode === 'send') {
    const [from, to, seconds] = rest;
    const inboxes = to.split(',');
    const end = Date.now() + Number(seconds) * 1000;
    for (let i = 0; Date.now() < end; i++) {
      store.mailbox.send(team, { from, to: inboxes[i % inboxes.length], content: `${from}-${i}` });
      ids.push(`${from}-${i}`);
    }
  } else if (mode === 'drain') {
    const [agent, until] = rest;
    const dir = path.join(store.mailbox.inboxesDir(team), store.mailbox.inboxOf(team, agent));
    for (;;) {
      const batch = store.mailbox.receive(team, agent, 10);
      for (const m of batch) ids.push(m.content);
      if (batch.length === 0) {
        if (fs.existsSync(until) && claimableNames(dir).length === 0) break;
        await new Promise((r) => setTimeout(r, 1));
      }
    }
  }
  console.log(JSON.stringify({ count: ids.length, ids }));
}

/** The same two modes on a database, each process with its own connection. */
async function database(mode, url, team, rest) {
  const opened = openStore({ url, poolSize: 1 });
  const messages = opened.store.messages;
  await messages.peek(team, 'nobody', 1); // connected (and the schema checked) before the start
  await waitAtBarrier();
  const ids = [];
  try {
    if (mode === 'send') {
      const [from, to, seconds] = rest;
      const inboxes = to.split(',');
      const end = Date.now() + Number(seconds) * 1000;
      for (let i = 0; Date.now() < end; i++) {
        await messages.send(team, { from, to: inboxes[i % inboxes.length], content: `${from}-${i}` });
        ids.push(`${from}-${i}`);
      }
    } else if (mode === 'drain') {
      const [agent, until] = rest;
      for (;;) {
        const batch = await messages.receive(team, agent, 10);
        for (const m of batch) ids.push(m.content);
        if (batch.length === 0) {
          if (fs.existsSync(until) && (await messages.peek(team, agent, 1)).length === 0) break;
          await new Promise((r) => setTimeout(r, 1));
        }
      }
    }
  } finally {
    await opened.close();
  }
  console.log(JSON.stringify({ count: ids.length, ids }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
