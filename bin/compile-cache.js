'use strict';
// Loads the bundled CLI with V8's code cache, so a command does not compile the same 0.5 MB of JavaScript every time.
// Node 22.1+ has this built in (module.enableCompileCache); Electron 25's Node 18.15, which runs the installed
// package's CLI, does not, so there the cache is V8's own (vm.Script cachedData), kept per user in a private folder
// (0700, owned by us, not a symlink) under the temporary directory. V8 checks the cache against the source and its
// own version and flags and rejects a stale one; any problem with the cache folder only means compiling as before.
const fs = require('fs');
const os = require('os');
const path = require('path');
const Module = require('module');

function privateCacheDir() {
  if (process.env.LOCKSTEP_COMPILE_CACHE === 'off') return null;
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  const dir = path.join(os.tmpdir(), `lockstep-compile-cache-${uid ?? os.userInfo().username}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if (err.code !== 'EEXIST') return null;
  }
  try {
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || (uid !== null && (st.uid !== uid || (st.mode & 0o077) !== 0))) return null;
  } catch {
    return null;
  }
  return dir;
}

/** Requires `file` (a CommonJS script), through the code cache where there is one. */
function requireCached(file) {
  const dir = privateCacheDir();
  if (dir && typeof Module.enableCompileCache === 'function') {
    Module.enableCompileCache(dir);
    return require(file);
  }
  if (!dir) return require(file);
  const vm = require('vm');
  const source = fs.readFileSync(file, 'utf8');
  const stat = fs.statSync(file);
  const key = `${process.version}-${process.arch}-${stat.size}-${Math.floor(stat.mtimeMs)}`.replace(/[^\w.-]/g, '_');
  const cacheFile = path.join(dir, `${path.basename(file)}-${key}.v8`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  mod.loaded = true;
  Module._cache[file] = mod;
  const localRequire = (id) => mod.require(id);
  localRequire.resolve = (request) => Module._resolveFilename(request, mod);
  localRequire.cache = Module._cache;
  localRequire.main = require.main;
  script.runInThisContext().call(mod.exports, mod.exports, localRequire, mod, file, path.dirname(file));
  if (cachedData === undefined || script.cachedDataRejected) {
    // Written at exit, after the command ran, so the cache holds the functions it compiled too.
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { flag: 'wx', mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A cache that cannot be written only means compiling again next time.
      }
    });
  }
  return mod.exports;
}

module.exports = { requireCached };
