#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled into one file from src/cli by `npm run build:node` (run by npm's prepare step).
const path = require('path');
const fs = require('fs');
const entry = path.join(__dirname, '..', 'dist', 'cli', 'lockstep.cjs');
if (!fs.existsSync(entry)) {
  process.stderr.write('lockstep: the CLI is not built yet; run `npm run build:node` (npm ci does it for you).\n');
  process.exit(1);
}
require('./compile-cache.js')
  .requireCached(entry)
  .runCli(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
    // A lock wait that timed out (STORE_BUSY) still has its kernel wait pending on a worker thread until the lock
    // frees: do not let it keep a finished command alive.
    setTimeout(() => process.exit(code), 100).unref();
  });
