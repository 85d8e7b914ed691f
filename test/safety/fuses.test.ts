import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../fixture';

/**
 * Issue 28, item 9: the packaged app's Electron fuses (scripts/fuses.cjs, flipped by electron-builder's afterPack).
 * Applied here to a copy of the Electron runtime the package is made from (its other files linked beside it), then
 * checked in the binary and by running it: RunAsNode still runs the CLI's Node, NODE_OPTIONS and --inspect are
 * ignored.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fuseConfig } = require(path.join(ROOT, 'scripts', 'fuses.cjs'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { flipFuses, getCurrentFuseWire, FuseV1Options } = require('@electron/fuses');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const asar = require('@electron/asar');

const dist = path.join(ROOT, 'node_modules', 'electron', 'dist');
const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * A copy of the runtime with the Electron binary copied (to flip) and everything else linked, and a tiny app as
 * `resources/app.asar` (where a package has it) that writes `ran` with its execArgv to $OUT and quits.
 */
async function runtimeCopy(): Promise<{ dir: string; electron: string }> {
  const dir = tempDir('lockstep-fuses-');
  made.push(dir);
  for (const name of fs.readdirSync(dist)) {
    if (name === 'electron') fs.copyFileSync(path.join(dist, name), path.join(dir, name));
    else if (name !== 'resources') fs.symlinkSync(path.join(dist, name), path.join(dir, name));
  }
  fs.mkdirSync(path.join(dir, 'resources'));
  for (const name of fs.readdirSync(path.join(dist, 'resources')))
    fs.symlinkSync(path.join(dist, 'resources', name), path.join(dir, 'resources', name));
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{"name":"fuse-check","main":"main.js"}');
  fs.writeFileSync(path.join(app, 'main.js'), 'require("fs").writeFileSync(process.env.OUT, "ran"); require("electron").app.quit();');
  await asar.createPackage(app, path.join(dir, 'resources', 'app.asar'));
  return { dir, electron: path.join(dir, 'electron') };
}

const ON = 49; // '1'
const OFF = 48; // '0'

describe.skipIf(
  process.platform !== 'linux' || !fs.existsSync(path.join(dist, 'electron')) || spawnSync('which', ['xvfb-run']).status !== 0,
)('the packaged app’s fuses', () => {
  it('RunAsNode on; NODE_OPTIONS, --inspect off; app.asar only; as the binary says and as it runs', async () => {
    const { dir, electron } = await runtimeCopy();
    const before = await getCurrentFuseWire(electron);
    expect(before[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(ON); // stock Electron: on
    await flipFuses(electron, fuseConfig('linux', 'x64'));
    const wire = await getCurrentFuseWire(electron);
    expect(wire[FuseV1Options.RunAsNode]).toBe(ON);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(OFF);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(OFF);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ON);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ON);

    // The CLI launcher's way in (assets/linux/lockstep-cli.sh) still works.
    const node = spawnSync(electron, ['-e', 'console.log("node " + process.versions.node)'], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(node.stdout).toMatch(/^node \d+/);
    // The app: NODE_OPTIONS is ignored (a --require of a missing module would stop a stock runtime) and so is
    // --inspect (a stock runtime says "Debugger listening").
    const app = (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
      const out = path.join(dir, name);
      const res = spawnSync('xvfb-run', ['-a', electron, '--no-sandbox', ...args], {
        env: { ...process.env, OUT: out, ...env },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { ran: fs.existsSync(out), output: `${res.stdout}${res.stderr}` };
    };
    const withOptions = app('options', [], { NODE_OPTIONS: '--require /nonexistent-lockstep-module' });
    expect(withOptions.ran, withOptions.output).toBe(true);
    const inspected = app('inspect', ['--inspect=127.0.0.1:0']);
    expect(inspected.ran, inspected.output).toBe(true);
    expect(inspected.output).not.toContain('Debugger listening');
  }, 120_000);
});
