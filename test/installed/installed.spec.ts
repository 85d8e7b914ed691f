import { expect, test } from '@playwright/test';
import { spawn, spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tempDir } from '../fixture';

/**
 * Lockstep as a person installs it: `npm run package` builds the .deb (and the tarball), apt installs it, the
 * INSTALLED app opens under Xvfb and makes the sample team in its default data folder, and the installed `lockstep`
 * command reads that folder; then apt removes the package. Needs Linux x64, root, dpkg/apt and fakeroot (as in CI:
 * .ci/run installs fakeroot); elsewhere every step is skipped with the reason.
 */

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const OUT = path.join(ROOT, 'dist', 'package');
const DEB = path.join(OUT, `lockstep_${pkg.version}_amd64.deb`);
const TARBALL = path.join(OUT, `lockstep-${pkg.version}-linux-x64.tar.gz`);
const APP_DIR = '/usr/lib/lockstep';
const APP = path.join(APP_DIR, 'lockstep');
const CLI = '/usr/bin/lockstep';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const isInstalled = () => /Status: install ok installed/.test(spawnSync('dpkg', ['-s', 'lockstep'], { encoding: 'utf8' }).stdout ?? '');

function whyNotHere(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'the package is built for Linux x64';
  if (process.getuid?.() !== 0) return 'installing a .deb needs root (CI runs as root)';
  const missing = ['dpkg', 'dpkg-deb', 'apt-get', 'fakeroot', 'tar'].filter((t) => !has(t));
  if (missing.length > 0) return `${missing.join(', ')} missing (apt-get install ${missing.join(' ')})`;
  if (isInstalled()) return 'a lockstep package is already installed on this machine; this test will not replace it';
  return null;
}

function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
}

function expectOk(result: SpawnSyncReturns<string>, what: string): void {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
  expect(result.status, `${what} failed:\n${output}`).toBe(0);
}

/** Environment of a person who just installed the app: a fresh home, none of the developers' or tests' variables. */
function freshUserEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(LOCKSTEP_|CLAWTEAM_|ELECTRON_|XDG_|NODE_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, HOME: home, ...extra };
}

/** A page of the installed app over Chromium's DevTools protocol (Node's WebSocket; no Playwright page: its
 * connectOverCDP needs browser contexts, which Electron does not offer). */
class CdpPage {
  private next = 0;
  private readonly waiting = new Map<number, (reply: { result?: any; error?: { message: string } }) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (event) => {
      const reply = JSON.parse(String(event.data));
      this.waiting.get(reply.id)?.(reply);
      this.waiting.delete(reply.id);
    };
  }

  static async open(port: number): Promise<CdpPage> {
    let url: string | undefined;
    await expect
      .poll(
        async () => {
          const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{
            type: string;
            url: string;
            webSocketDebuggerUrl: string;
          }>;
          url = targets.find((t) => t.type === 'page' && t.url.startsWith('lockstep:'))?.webSocketDebuggerUrl;
          return Boolean(url);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    const ws = new WebSocket(url as string);
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    return new CdpPage(ws);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<any> {
    const id = ++this.next;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) =>
      this.waiting.set(id, (reply) => (reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolve(reply.result))),
    );
  }

  /** The value of `expression` in the page (a promise is awaited). */
  async evaluate<T>(expression: string): Promise<T> {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
    return r.result.value as T;
  }

  async until(what: string, expression: string): Promise<void> {
    await expect.poll(() => this.evaluate<boolean>(expression), { message: what, timeout: 30_000 }).toBe(true);
  }

  /** A key press as the keyboard gives it (modifiers: Alt 1, Ctrl 2, Meta 4, Shift 8). */
  async press(key: string, code: string, keyCode: number, modifiers = 0): Promise<void> {
    for (const type of ['rawKeyDown', 'keyUp']) {
      await this.send('Input.dispatchKeyEvent', { type, key, code, windowsVirtualKeyCode: keyCode, modifiers });
    }
  }

  close(): void {
    this.ws.close();
  }
}

interface Installed {
  page: CdpPage;
  port: number;
  stderr(): string;
  quit(): Promise<void>;
}

/**
 * Starts the installed app as a person does, plus Chromium's DevTools protocol on a free port, and opens its window's
 * page over that protocol. (Playwright's _electron needs Node's --inspect, which the packaged app's fuses turn off.)
 */
async function launchInstalled(env: Record<string, string>, extraArgs: string[] = []): Promise<Installed> {
  // Chromium refuses to run as root without --no-sandbox (CI runs as root; Playwright's _electron added it too).
  const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const args = ['--disable-gpu', ...sandbox, '--remote-debugging-port=0', ...extraArgs];
  const child = spawn(APP, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the installed app gave no DevTools endpoint in 60 s:\n${err}`)), 60_000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the installed app exited (${code}):\n${err}`));
    });
  });
  const port = Number(new URL(endpoint).port);
  const page = await CdpPage.open(port);
  return {
    page,
    port,
    stderr: () => err,
    quit: async () => {
      page.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

const reason = whyNotHere();
if (reason) console.log(`installed-package test skipped: ${reason}`);

test.describe.serial('the installed package', () => {
  test.skip(reason !== null, reason ?? '');
  let installedByUs = false;

  test.afterAll(() => {
    if (installedByUs && isInstalled()) run('apt-get', ['remove', '-y', 'lockstep']);
  });

  test('npm run package builds the .deb and the tarball offline', async () => {
    test.setTimeout(15 * 60_000);
    const started = Date.now();
    const result = run(process.execPath, [path.join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT });
    expectOk(result, 'npm run package');
    console.log(
      `npm run package took ${((Date.now() - started) / 1000).toFixed(0)} s; it printed:\n` +
        result.stdout
          .split('\n')
          .filter((l) => /^ {2}dist\/|^package: /.test(l))
          .join('\n'),
    );

    const control = run('dpkg-deb', ['--field', DEB, 'Package', 'Version', 'Architecture', 'Depends']);
    expectOk(control, 'dpkg-deb --field');
    expect(control.stdout).toContain('Package: lockstep');
    expect(control.stdout).toContain(`Version: ${pkg.version}`);
    expect(control.stdout).toContain('Architecture: amd64');
    for (const lib of ['libnss3', 'libgtk-3-0', 'libasound2', 'libgbm1', 'libdrm2', 'libxkbcommon0', 'xdg-utils']) {
      expect(control.stdout).toMatch(new RegExp(`Depends:.*\\b${lib.replace(/[.+]/g, '\\$&')}\\b`));
    }

    const listing = run('tar', ['-tzf', TARBALL]);
    expectOk(listing, 'tar -tzf');
    const top = `lockstep-${pkg.version}-linux-x64`;
    for (const entry of ['lockstep', 'resources/app.asar', 'resources/bin/lockstep']) {
      expect(listing.stdout.split('\n')).toContain(`${top}/${entry}`);
    }
    // The runtime's stand-in default_app (for `electron <folder>` in development) is not shipped.
    expect(listing.stdout).not.toContain('default_app.asar');
  });

  test('apt installs it: the app under /usr/lib/lockstep, lockstep on PATH, a desktop entry with our icon', async () => {
    test.setTimeout(5 * 60_000);
    const result = run('apt-get', ['install', '-y', '--no-install-recommends', DEB], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    installedByUs = isInstalled();
    expectOk(result, `apt-get install ${DEB}`);
    expect(fs.statSync(APP).mode & 0o111).not.toBe(0);
    expect(fs.realpathSync(CLI)).toBe(path.join(APP_DIR, 'resources', 'bin', 'lockstep'));
    expect(run('sh', ['-c', 'command -v lockstep']).stdout.trim()).toBe(CLI);

    const desktop = fs.readFileSync('/usr/share/applications/lockstep.desktop', 'utf8');
    expect(desktop).toContain('Name=Lockstep');
    const exec = /^Exec=(\S+)/m.exec(desktop)?.[1];
    expect(exec).toBe(APP);
    expect(desktop).toMatch(/^Icon=lockstep$/m);
    expect(fs.readFileSync('/usr/share/icons/hicolor/scalable/apps/lockstep.svg', 'utf8')).toBe(
      fs.readFileSync(path.join(ROOT, 'assets', 'icons', 'lockstep.svg'), 'utf8'),
    );
    expect(fs.existsSync('/usr/share/icons/hicolor/256x256/apps/lockstep.png')).toBe(true);
  });

  test('the installed app opens on its default data folder, makes the sample team, and has no DevTools', async () => {
    test.setTimeout(3 * 60_000);
    const home = tempDir('lockstep-installed-home-');
    let app: Installed | undefined;
    try {
      // The packaged app's fuses refuse Node's inspector, on the command line and in NODE_OPTIONS: nothing listens.
      const probe = await launchInstalled(freshUserEnv(home, { NODE_OPTIONS: '--inspect=0' }), ['--inspect=0']);
      expect(probe.stderr()).not.toMatch(/Debugger listening/);
      await probe.quit();

      // A dev-server URL in the environment must not be honoured by a packaged app (nothing listens on port 9).
      app = await launchInstalled(freshUserEnv(home, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:9/' }));
      const page = app.page;
      await page.until('the team list shows', `Boolean(document.querySelector('nav[aria-label="Teams"]'))`);
      expect(await page.evaluate<string>('location.href')).toBe('lockstep://app/index.html');
      const settings = await page.evaluate<{ ok: boolean; value: { dataDir: string } }>('window.lockstep.getSettings({})');
      expect(settings.ok && settings.value.dataDir).toBe(path.join(home, '.config', 'lockstep', 'data'));
      // No DevTools by the keyboard (Ctrl+Shift+I, F12): no DevTools page appears among the app's debugging targets.
      await page.press('I', 'KeyI', 73, 2 | 8);
      await page.press('F12', 'F12', 123);
      await new Promise((r) => setTimeout(r, 500));
      const targets = (await (await fetch(`http://127.0.0.1:${app.port}/json/list`)).json()) as Array<{ url: string }>;
      expect(targets.filter((t) => t.url.includes('devtools'))).toEqual([]);

      await page.evaluate(`[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Create a sample team').click()`);
      await page.until(
        'the sample board shows',
        `Boolean(document.querySelector('[data-testid="column-in_progress"]')?.textContent.includes('Design the signup API'))`,
      );
      const shot = await page.send('Page.captureScreenshot', { format: 'png' });
      fs.mkdirSync(path.join(ROOT, 'test-results', 'installed'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'test-results', 'installed', 'installed-app.png'), Buffer.from(shot.data, 'base64'));
      await app.quit();
      app = undefined;

      // The embedded default data folder, under the user's config folder, as in the dev build.
      const dataDir = path.join(home, '.config', 'lockstep', 'data');
      expect(fs.readdirSync(path.join(dataDir, 'teams'))).toEqual(['sample-launch']);

      // The installed command line, on Electron's own Node: a `node` first on PATH that fails must not matter.
      const fakeBin = tempDir('lockstep-installed-bin-');
      fs.writeFileSync(path.join(fakeBin, 'node'), '#!/bin/sh\necho "system node used" >&2\nexit 99\n', { mode: 0o755 });
      const cliEnv = freshUserEnv(home, { PATH: `${fakeBin}:${process.env.PATH}` });
      try {
        const help = run('lockstep', ['--help'], { env: cliEnv });
        expectOk(help, 'lockstep --help');
        expect(help.stdout).toContain('lockstep task list');

        const list = run('lockstep', ['task', 'list', 'sample-launch', '--data-dir', dataDir, '--json'], { env: cliEnv });
        expectOk(list, 'lockstep task list');
        const subjects = (JSON.parse(list.stdout) as { tasks: Array<{ subject: string }> }).tasks.map((t) => t.subject);
        expect(subjects).toContain('Design the signup API');
        expect(subjects).toContain('Set up the repository');
      } finally {
        fs.rmSync(fakeBin, { recursive: true, force: true });
      }
    } finally {
      await app?.quit();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  test('apt removes it: no app, no lockstep on PATH, no desktop entry', async () => {
    test.setTimeout(3 * 60_000);
    expectOk(
      run('apt-get', ['remove', '-y', 'lockstep'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }),
      'apt-get remove lockstep',
    );
    expect(isInstalled()).toBe(false);
    for (const gone of [APP_DIR, CLI, '/usr/share/applications/lockstep.desktop']) expect(fs.existsSync(gone)).toBe(false);
  });
});
