import { expect, test } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { copyFixture, launchApp, openTeam, tempDir } from './app';

/** The window trusts only main: no folder named by the page, no permissions, no links off the allow-list. */

test('the page cannot switch main to a folder, is denied every permission, and opens no link off the allow-list', async () => {
  const { app, page, dataDir } = await launchApp(copyFixture());
  const elsewhere = path.join(tempDir('lockstep-e2e-elsewhere-'), 'made-by-renderer');
  try {
    // Record what main would open externally instead of opening it.
    await app.evaluate(({ shell }) => {
      (globalThis as unknown as { opened: string[] }).opened = [];
      shell.openExternal = async (url: string) => {
        (globalThis as unknown as { opened: string[] }).opened.push(url);
      };
    });
    await openTeam(page, 'webapp');
    const answers = await page.evaluate(async (target) => {
      const api = window.lockstep as unknown as Record<string, (input: unknown) => Promise<{ ok: boolean; error?: { code: string } }>>;
      const folder = await api.openDataFolder({ path: target });
      const notification = await Notification.requestPermission();
      const geo = await navigator.permissions.query({ name: 'geolocation' as PermissionName }).then((s) => s.state);
      const media = await navigator.mediaDevices
        .getUserMedia({ audio: true })
        .then(() => 'granted')
        .catch((e: Error) => e.name);
      window.open('https://evil.example/phish');
      window.open('file:///etc/passwd');
      window.open('https://github.com/HKUDS/ClawTeam');
      return { folder, notification, geo, media };
    }, elsewhere);
    expect(answers.folder.ok).toBe(false);
    expect(answers.folder.error?.code).toBe('INVALID_INPUT');
    expect(fs.existsSync(elsewhere)).toBe(false);
    const settings = await page.evaluate(() =>
      (window.lockstep as unknown as { getSettings: (i: unknown) => Promise<{ value: { dataDir: string } }> }).getSettings({}),
    );
    expect(settings.value.dataDir).toBe(dataDir);
    expect(answers.notification).toBe('denied');
    expect(answers.geo).toBe('denied');
    expect(answers.media).not.toBe('granted');
    await expect
      .poll(() => app.evaluate(() => (globalThis as unknown as { opened: string[] }).opened))
      .toEqual(['https://github.com/HKUDS/ClawTeam']);
  } finally {
    await app.close();
    fs.rmSync(path.dirname(elsewhere), { recursive: true, force: true });
  }
});

test('the page is served from lockstep://app and cannot read local files (issue 28)', async () => {
  const { app, page } = await launchApp(copyFixture());
  try {
    await openTeam(page, 'webapp');
    expect(page.url()).toBe('lockstep://app/index.html');
    const read = await page.evaluate(async () => {
      const attempt = async (url: string) => {
        try {
          const res = await fetch(url);
          return `status ${res.status}: ${await res.text()}`;
        } catch (err) {
          return `refused: ${(err as Error).name}`;
        }
      };
      return { hostname: await attempt('file:///etc/hostname'), outside: await attempt('lockstep://app/../../../../etc/hostname') };
    });
    expect(read.hostname).toMatch(/^refused/);
    expect(read.outside).toBe('status 404: Not found');
  } finally {
    await app.close();
  }
});
