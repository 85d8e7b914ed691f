import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, expect, it } from 'vitest';
import { defaultAgentName, SettingsStore, withoutPassword } from './settings';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'lockstep-settings-'));

describe('settings', () => {
  it('uses the embedded default folder when nothing is configured, and remembers a folder opened in the app', () => {
    const userData = tmp();
    const home = tmp();
    const first = new SettingsStore(userData, { env: { HOME: home } });
    expect(first.effective().dataDir).toBe(path.join(userData, 'data'));
    expect(first.effective().dataDirSource).toBe('embedded default');
    first.update({ dataDir: '/srv/clawteam', agentName: 'ana' });
    const again = new SettingsStore(userData, { env: {} });
    expect(again.effective()).toMatchObject({ dataDir: '/srv/clawteam', agentName: 'ana', dataDirSource: 'opened in the app' });
  });

  it('lets a launch that names a folder win over the remembered one', () => {
    const userData = tmp();
    new SettingsStore(userData, { env: {} }).update({ dataDir: '/remembered' });
    expect(new SettingsStore(userData, { env: { LOCKSTEP_DATA_DIR: '/from-env' } }).effective().dataDir).toBe('/from-env');
    expect(new SettingsStore(userData, { flag: '/from-flag', env: { LOCKSTEP_DATA_DIR: '/from-env' } }).effective().dataDir).toBe(
      '/from-flag',
    );
  });

  it('remembers the theme and the activity region, and a hand-edited file with bad values falls back to the defaults', () => {
    const userData = tmp();
    const first = new SettingsStore(userData, { env: {} });
    expect(first.effective()).toMatchObject({ theme: 'system', activityOpen: null, activityHeight: 160, messagesOpen: null });
    first.update({ theme: 'dark', activityOpen: false, activityHeight: 240, messagesOpen: false });
    expect(new SettingsStore(userData, { env: {} }).effective()).toMatchObject({
      theme: 'dark',
      activityOpen: false,
      activityHeight: 240,
      messagesOpen: false,
    });
    fs.writeFileSync(
      path.join(userData, 'settings.json'),
      JSON.stringify({ theme: 'purple', activityOpen: 'yes', activityHeight: 99999, messagesOpen: 'yes' }),
    );
    expect(new SettingsStore(userData, { env: {} }).effective()).toMatchObject({
      theme: 'system',
      activityOpen: null,
      activityHeight: 160,
      messagesOpen: null,
      notifications: false,
    });
  });

  it('remembers a database connected to in the app without its password, and opening a folder goes back to folders', () => {
    const userData = tmp();
    const first = new SettingsStore(userData, { env: { LOCKSTEP_DATA_DIR: '/from-env' } });
    expect(first.effective().database).toBeUndefined();
    const url = withoutPassword('postgres://ana:s3cret@db.example:6543/board');
    expect(url).not.toContain('s3cret');
    first.update({ database: { url, encryptedPassword: 'ZW5j' } });
    const again = new SettingsStore(userData, { env: {} });
    expect(again.effective().database).toEqual({ url: 'postgres://ana@db.example:6543/board', label: 'db.example:6543/board' });
    expect(again.encryptedDatabasePassword(url)).toBe('ZW5j');
    expect(fs.readFileSync(path.join(userData, 'settings.json'), 'utf8')).not.toContain('s3cret');
    // A launch naming a folder wins over the remembered database; LOCKSTEP_STORE names one at launch.
    expect(new SettingsStore(userData, { env: { LOCKSTEP_DATA_DIR: '/f' } }).effective().database).toBeUndefined();
    expect(new SettingsStore(userData, { env: { LOCKSTEP_STORE: 'postgres://bo@h/other' } }).effective().database?.label).toBe(
      'h:5432/other',
    );
    // Opening a folder in the app is the way back: the database is forgotten.
    again.update({ dataDir: '/srv/clawteam' });
    expect(new SettingsStore(userData, { env: {} }).effective()).toMatchObject({ dataDir: '/srv/clawteam' });
    expect(new SettingsStore(userData, { env: {} }).effective().database).toBeUndefined();
  });

  it('never names the person "agent" (ClawTeam’s default)', () => {
    expect(defaultAgentName()).not.toBe('agent');
    expect(defaultAgentName()).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it('keeps no password from any part of a database URL', () => {
    expect(withoutPassword('postgres://lock:pw@h:5432/db?password=secret&sslpassword=s2&application_name=a')).toBe(
      'postgres://lock@h:5432/db?application_name=a',
    );
    expect(withoutPassword('postgres://lock@h/db?PassWord=x')).toBe('postgres://lock@h/db');
  });
});
