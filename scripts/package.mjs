// `npm run package`: Lockstep as a desktop app, built offline (npm registry and Debian packages only).
//
//   dist/package/linux-unpacked/              the app as electron-builder lays it out (its `dir` target)
//   dist/package/lockstep-<v>-linux-x64.tar.gz  that folder, to unpack anywhere
//   dist/package/lockstep_<v>_amd64.deb         that folder under /usr/lib/lockstep, with /usr/bin/lockstep (the CLI),
//                                               a desktop entry and icons (electron-installer-debian, dpkg-deb, fakeroot)
//
// electron-builder (configured in electron-builder.cjs) lays out the app: our production build (out/, from
// electron-vite) and the compiled CLI and store (dist/cli, dist/store, dist/shared) in resources/app.asar with
// the production node_modules (koffi's native library unpacked beside it), on the Electron runtime from
// node_modules/electron/dist (scripts/ensure-electron.mjs). Its own tar.gz, deb and AppImage targets download helper tools (fpm, appimagetool) from GitHub, which machines
// here cannot reach, so the archive is GNU tar's and the .deb is electron-installer-debian's; no AppImage.
//
// Options: --skip-build   reuse out/ from an `electron-vite build` that just ran
//          --no-tar       skip the .tar.gz
// Env:     LOCKSTEP_DEB_COMPRESSION=zstd|xz|gzip|none  (default zstd at level 9: 81 MB in seconds. xz makes 68 MB
//          but takes 1.5 to 9 minutes on 2 cores; choose it for dpkg older than 1.21.18, i.e. before Debian 12 or
//          Ubuntu 21.10, which cannot read zstd)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from './setup.mjs';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = path.join(root, 'dist', 'package');
const args = new Set(process.argv.slice(2));
const started = Date.now();
const log = (msg) => console.log(`package: ${msg}`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

function sh(cmd, cmdArgs, options = {}) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${cmd} could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${cmd} ${cmdArgs.join(' ')} failed (exit ${result.status})`);
  return result;
}

function checkTools() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`this script builds the Linux x64 packages; on ${process.platform}-${process.arch} see the README's Install section`);
  }
  const missing = ['dpkg-deb', 'fakeroot', 'tar'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length > 0) {
    throw new Error(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} missing: sudo apt-get install ${missing.map((t) => (t === 'dpkg-deb' ? 'dpkg' : t)).join(' ')}`);
  }
}

async function buildDir() {
  const builder = require('electron-builder');
  fs.rmSync(path.join(outDir, 'linux-unpacked'), { recursive: true, force: true });
  await builder.build({
    projectDir: root,
    targets: builder.Platform.LINUX.createTarget('dir', builder.Arch.x64),
    config: require(path.join(root, 'electron-builder.cjs')),
    publish: 'never',
  });
  const appDir = path.join(outDir, 'linux-unpacked');
  // The runtime's default_app replacement is for `electron <app-dir>` in development; the package runs its own app.
  fs.rmSync(path.join(appDir, 'resources', 'default_app.asar'), { force: true });
  fs.chmodSync(path.join(appDir, 'resources', 'bin', 'lockstep'), 0o755);
  return appDir;
}

function buildTarball(appDir, version) {
  const name = `lockstep-${version}-linux-x64`;
  const file = path.join(outDir, `${name}.tar.gz`);
  fs.rmSync(file, { force: true });
  sh('tar', ['-C', path.dirname(appDir), `--transform=s,^${path.basename(appDir)},${name},`, '--owner=0', '--group=0', '-czf', file, path.basename(appDir)]);
  return file;
}

async function buildDeb(appDir, pkg) {
  const installer = require('electron-installer-debian');
  const icons = path.join(root, 'assets', 'icons');
  const icon = { scalable: path.join(icons, 'lockstep.svg') };
  for (const size of [16, 32, 48, 64, 128, 256, 512]) icon[`${size}x${size}`] = path.join(icons, `lockstep-${size}.png`);
  // electron-installer-debian copies <src>/LICENSE into the package's copyright file (/usr/share/doc/lockstep).
  fs.writeFileSync(
    path.join(appDir, 'LICENSE'),
    `Lockstep ${pkg.version}\nLicense: ${pkg.license}\n\n` +
      'It runs on Electron 25.1.1, installed beside it under /usr/lib/lockstep: Electron is MIT-licensed\n' +
      '(/usr/lib/lockstep/LICENSE.electron.txt), and Chromium\'s licenses are in /usr/lib/lockstep/LICENSES.chromium.html.\n',
  );
  for (const old of fs.readdirSync(outDir).filter((f) => f.endsWith('.deb'))) fs.rmSync(path.join(outDir, old));
  const compression = process.env.LOCKSTEP_DEB_COMPRESSION || 'zstd';
  // dpkg-deb (which electron-installer-debian runs) takes its compression level from the environment.
  if (compression === 'zstd') process.env.DPKG_DEB_COMPRESSOR_LEVEL ??= '9';
  const options = await installer({
    src: appDir,
    dest: outDir,
    arch: 'amd64',
    name: 'lockstep',
    productName: 'Lockstep',
    genericName: 'Task board for AI agent teams',
    description: 'Task board and CLI for teams of AI agents and people',
    productDescription:
      'Lockstep runs teams of AI agents and people on one shared task store, in a desktop board and a ' +
      'command line (lockstep). It reads and writes ClawTeam-compatible data folders and stays correct while ' +
      'agents, scripts and the app write at the same time.',
    version: pkg.version,
    maintainer: 'The Lockstep developers',
    section: 'devel',
    categories: ['Development', 'ProjectManagement'],
    // /usr/bin/lockstep is the command line; the desktop entry starts the window (/usr/lib/lockstep/lockstep).
    bin: 'resources/bin/lockstep',
    desktopTemplate: path.join(root, 'assets', 'linux', 'lockstep.desktop.ejs'),
    icon,
    // Beyond the packager's defaults for Electron 25 (GTK 3, NSS, libnotify, xdg-utils, AT-SPI, DRM, GBM,
    // xcb-dri3): every other library the executables link (objdump -p ... NEEDED, mapped with dpkg -S).
    depends: [
      'libasound2', 'libatk-bridge2.0-0', 'libatk1.0-0', 'libc6', 'libcairo2', 'libcups2', 'libdbus-1-3', 'libexpat1',
      'libgcc-s1', 'libglib2.0-0', 'libnspr4', 'libpango-1.0-0', 'libx11-6', 'libxcb1', 'libxcomposite1',
      'libxdamage1', 'libxext6', 'libxfixes3', 'libxkbcommon0', 'libxrandr2',
    ],
    compression,
  });
  fs.rmSync(path.join(appDir, 'LICENSE'), { force: true });
  return options.packagePaths[0];
}

function size(file) {
  const bytes = fs.statSync(file).isDirectory()
    ? Number(spawnSync('du', ['-sb', file], { encoding: 'utf8' }).stdout.split('\t')[0])
    : fs.statSync(file).size;
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

async function main() {
  checkTools();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  await setup({ electron: true });
  let t = Date.now();
  if (!args.has('--skip-build')) {
    sh(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
    log(`production build (electron-vite) in ${seconds(t)}`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  t = Date.now();
  const appDir = await buildDir();
  log(`app folder (electron-builder dir) in ${seconds(t)}`);
  const made = [[appDir, 'the app, unpacked']];
  if (!args.has('--no-tar')) {
    t = Date.now();
    made.push([buildTarball(appDir, pkg.version), 'tarball']);
    log(`tarball in ${seconds(t)}`);
  }
  t = Date.now();
  made.push([await buildDeb(appDir, pkg), 'Debian package']);
  log(`Debian package in ${seconds(t)}`);
  log(`done in ${seconds(started)}:`);
  for (const [file, what] of made) console.log(`  ${path.relative(root, file).padEnd(48)} ${size(file).padStart(7)}  ${what}`);
}

main().catch((err) => {
  console.error(`package: ${err?.message ?? err}`);
  process.exit(1);
});
