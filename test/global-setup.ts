import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Process-level tests spawn the compiled CLI and store: rebuild them when a source file is newer. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  // The CLI as tests spawn it is the bundle (bin/lockstep.js runs dist/cli/lockstep.cjs); the rest is tsc's output.
  const built = [path.join(root, 'dist', 'cli', 'main.js'), path.join(root, 'dist', 'cli', 'lockstep.cjs')];
  const sources = ['shared', 'store', 'cli'].map((d) => newestSource(path.join(root, 'src', d)));
  const fresh = built.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs >= Math.max(...sources));
  if (fresh) return;
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle-cli.mjs')], { cwd: root, stdio: 'inherit' });
}
