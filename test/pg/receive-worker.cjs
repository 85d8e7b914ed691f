'use strict';
// A receiver process for the receive race, on either backend, through the compiled store (as the CLI uses it).
// Usage: node receive-worker.cjs LOCATION TEAM AGENT LIMIT   (LOCATION: a data folder or a postgres:// URL)
// Receives until nothing is waiting any more; prints {"count": N, "messages": [...]} once done.
const path = require('path');
const dist = path.join(__dirname, '..', '..', 'dist', 'store');
const { openStore, storeLocation } = require(path.join(dist, 'index.js'));
const { waitAtBarrier } = require(path.join(dist, 'core', 'failpoints.js'));

async function main() {
  const [location, team, agent, limit] = process.argv.slice(2);
  const opened = openStore({ ...storeLocation(location, {}), poolSize: 1 });
  const messages = opened.store.messages;
  const got = [];
  try {
    await waitAtBarrier();
    for (;;) {
      const batch = await messages.receive(team, agent, Number(limit));
      got.push(...batch);
      if (batch.length === 0) {
        // Nothing free for us: done once nothing is waiting (what another receiver holds is its, or back soon).
        if ((await messages.peek(team, agent, 1)).length === 0) break;
        await new Promise((r) => setTimeout(r, 2));
      }
    }
  } finally {
    await opened.close();
  }
  console.log(JSON.stringify({ count: got.length, messages: got }));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
