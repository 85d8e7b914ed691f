'use strict';
// A Lockstep mailbox / cost process for the process-level tests, on the compiled store (as the CLI uses it).
// Usage: node inbox-worker.cjs MODE DATA_DIR TEAM ...  Prints one JSON line when done.
//   drain AGENT [LIMIT]            receive until the inbox lists nothing (what others still hold is waited for)
//   send FROM TO COUNT PREFIX      COUNT messages "PREFIX<i>"
//   cost AGENT COUNT CENTS         COUNT cost events of CENTS each
const path = require('path');
const dist = path.join(__dirname, '..', '..', 'dist', 'store');
const { LockstepStore } = require(path.join(dist, 'index.js'));
const { waitAtBarrier } = require(path.join(dist, 'core', 'failpoints.js'));
const { claimableNames } = require(path.join(dist, 'folder', 'inbox-files.js'));

async function main() {
  const [mode, dataDir, team, ...rest] = process.argv.slice(2);
  const store = new LockstepStore({ dataDir });
  await waitAtBarrier();
  if (mode === 'drain') {
    const [agent, limit = '10'] = rest;
    const dir = path.join(store.mailbox.inboxesDir(team), store.mailbox.inboxOf(team, agent));
    const got = [];
    for (;;) {
      const batch = store.mailbox.receive(team, agent, Number(limit));
      got.push(...batch);
      if (batch.length === 0) {
        if (claimableNames(dir).length === 0) break;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
    console.log(JSON.stringify({ count: got.length, messages: got }));
  } else if (mode === 'send') {
    const [from, to, count, prefix] = rest;
    for (let i = 0; i < Number(count); i++) store.mailbox.send(team, { from, to, content: `${prefix}${i}` });
    console.log(JSON.stringify({ count: Number(count) }));
  } else if (mode === 'cost') {
    const [agent, count, cents] = rest;
    for (let i = 0; i < Number(count); i++) {
      await store.costs.report(team, { agentName: agent, inputTokens: 7, outputTokens: 3, costCents: Number(cents), provider: 'test', model: 'm' });
    }
    console.log(JSON.stringify({ count: Number(count) }));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
