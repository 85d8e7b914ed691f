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
  const built = path.join(root, 'dist', 'cli', 'main.js');
  const sources = ['shared', 'store', 'cli'].map((d) => newestSource(path.join(root, 'src', d)));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= Math.max(...sources)) return;
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
