// One of app.mjs's writing agents: edits tasks of a team through the store (as the CLI does), one change every
// 25 ms for SECONDS, each agent in its own slice of the team's tasks; prints how many changes it made.
// Usage: node agent-writer.mjs DATA_DIR TEAM INDEX SECONDS
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { LockstepStore } = require(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'store', 'index.js'));
const [dataDir, team, index, seconds] = process.argv.slice(2);
const name = `agent-${index}`;
const store = new LockstepStore({ dataDir, actor: { name, via: 'cli' } });
const end = Date.now() + Number(seconds) * 1000;
let n = 0;
while (Date.now() < end) {
  const id = (0x10000000 + Number(index) * 1000 + (n % 200) * 5).toString(16);
  try {
    await store.updateTask(team, id, { subject: `${name} edit ${n}` }, { agent: name });
  } catch {
    // busy or changed meanwhile: the next one
  }
  n++;
  await new Promise((r) => setTimeout(r, 25));
}
console.log(n);
