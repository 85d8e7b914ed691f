'use strict';
// A receiver for the SIGKILL receive storm (receive-storm.test.ts), through the compiled store as the CLI uses it.
// Usage: node storm-receiver.cjs DATA_DIR TEAM AGENT LIMIT [LEASE_MS]
// Writes each batch it takes as one JSON line on stdout (written whole, then, with a lease, acked), until nothing
// is waiting. The storm SIGKILLs it at random: a line that did not reach the reader whole was not delivered.
const fs = require('fs');
const path = require('path');
const { openStore } = require(path.join(__dirname, '..', '..', 'dist', 'store', 'index.js'));

async function main() {
  const [dataDir, team, agent, limit, leaseMs] = process.argv.slice(2);
  const opened = openStore({ dataDir, lock: { app: 'storm' } });
  const messages = opened.store.messages;
  try {
    for (;;) {
      const batch = leaseMs
        ? await messages.receiveLeased(team, agent, Number(limit), Number(leaseMs))
        : await messages.receive(team, agent, Number(limit));
      if (batch.length) {
        fs.writeSync(1, `${JSON.stringify(batch.map((m) => m.content))}\n`);
        if (leaseMs)
          await messages.ack(
            team,
            agent,
            batch.map((m) => m.leaseId),
          );
        continue;
      }
      const left = fs.readdirSync(path.join(dataDir, 'teams', team, 'inboxes', agent)).some((n) => n.startsWith('msg-'));
      if (!left) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await opened.close();
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
