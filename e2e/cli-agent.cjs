'use strict';
// An agent in its own process that drives the real `lockstep` CLI: claim the next task, complete it, repeat until
// nothing is left. Prints {"claimed": [...]} at the end. Usage: node cli-agent.cjs DATA_DIR TEAM AGENT
const { execFileSync } = require('child_process');
const path = require('path');
const [dataDir, team, agent] = process.argv.slice(2);
const cli = path.join(__dirname, '..', 'bin', 'lockstep.js');
const lockstep = (args) => {
  try {
    return JSON.parse(execFileSync(process.execPath, [cli, ...args, '--json', '--data-dir', dataDir], { encoding: 'utf8' }));
  } catch (err) {
    return JSON.parse(err.stdout);
  }
};
const claimed = [];
const refusedCompletes = [];
for (;;) {
  const task = lockstep(['task', 'claim', team, '--next', '--as', agent]);
  if (task === null) break;
  if (task.error) throw new Error(`claim failed: ${task.error.message}`);
  claimed.push(task.id);
  const done = lockstep(['task', 'complete', team, task.id, '--as', agent]);
  if (done.error) refusedCompletes.push({ id: task.id, code: done.error.code });
}
console.log(JSON.stringify({ claimed, refusedCompletes }));
