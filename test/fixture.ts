import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The data folder ClawTeam itself wrote (test/fixtures/clawteam-0.3, see its README), and helpers every suite uses. */

export const ROOT = path.resolve(__dirname, '..');
export const FIXTURE = path.resolve(ROOT, 'test', 'fixtures', 'clawteam-0.3');

export function tempDir(prefix = 'lockstep-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A writable copy of the ClawTeam fixture in a new temp folder. */
export function copyFixture(prefix = 'lockstep-data-'): string {
  const dir = tempDir(prefix);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  const makeWritable = (p: string) => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) makeWritable(path.join(p, e));
  };
  makeWritable(dir);
  return dir;
}

/** A task file as it is on disk. */
export function readTask(dataDir: string, team: string, id: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'tasks', team, `task-${id}.json`), 'utf8')) as Record<string, unknown>;
}
