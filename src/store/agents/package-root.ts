import * as fs from 'fs';
import * as path from 'path';

/**
 * The folder of Lockstep's own package.json above this code: the checkout (from src/store/agents in tests,
 * dist/store/agents compiled, dist/cli in the one-file CLI bundle, out/main in the app) or the packaged app's
 * resources. Its bin/lockstep.js and templates/ are found from there.
 */
export function packageRoot(): string {
  let dir = __dirname;
  for (let parent = path.dirname(dir); parent !== dir; dir = parent, parent = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return path.resolve(__dirname, '..', '..', '..');
}
