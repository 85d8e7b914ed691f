// First step of `npm start`, `npm test` and `npm run bench`: installs dependencies when they are missing or older
// than package-lock.json, and builds the plain-Node code (store + CLI). Node built-ins only: it runs before
// anything is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// electron's own postinstall downloads from GitHub, which these machines cannot reach; scripts/ensure-electron.mjs
// provides the runtime instead.
const run = (args) =>
  execFileSync(npm, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
  });

function needsInstall() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  const lock = join(root, 'package-lock.json');
  return existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000;
}

export async function setup({ electron = false } = {}) {
  if (needsInstall()) {
    console.log('lockstep: installing dependencies (npm ci)…');
    run(['ci', '--no-audit', '--no-fund']);
  } else {
    run(['run', '--silent', 'build:node']);
  }
  if (electron) {
    const { ensureElectron } = await import('./ensure-electron.mjs');
    await ensureElectron(root);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  setup({ electron: process.argv.includes('--electron') }).catch((err) => {
    console.error(`lockstep: set-up failed: ${err?.message ?? err}`);
    process.exit(1);
  });
}
