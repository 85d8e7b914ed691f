import { useState } from 'react';
import type { ApiOutput, Theme } from '../../../shared/api';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { Dialog } from './Dialog';

type Settings = ApiOutput<'getSettings'>;

interface Props {
  settings: Settings;
  onSettings(settings: Settings): void;
  onConnectDatabase(): void;
  onClose(): void;
}

const THEME_LABEL: Record<Theme, string> = { system: 'Follow the system', light: 'Light', dark: 'Dark' };

/**
 * Settings: where the teams live (data folder or database), the ClawTeam interlock with what it is for (turning it off
 * asks first), the theme, and desktop notifications (off until the person turns them on).
 */
export function SettingsDialog({ settings, onSettings, onConnectDatabase, onClose }: Props) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  const [confirmOff, setConfirmOff] = useState(false);
  // Shown as chosen at once (a saved setting comes back from the store process a moment later); put back on a refusal.
  const [notify, setNotify] = useState(settings.notifications === true);
  const setNotifications = (on: boolean) => {
    setNotify(on);
    void call(api, 'setAppearance', { notifications: on })
      .then(onSettings)
      .catch((err) => {
        setNotify(!on);
        fail(err);
      });
  };
  const setInterlock = (enabled: boolean) =>
    void call(api, 'setClawteamInterlock', { enabled })
      .then((s) => {
        onSettings(s);
        setConfirmOff(false);
        onMessage(
          s.clawteamInterlock
            ? "Writes now also hold ClawTeam's lock."
            : "Writes no longer hold ClawTeam's lock: ClawTeam agents writing to this folder may lose updates.",
          !s.clawteamInterlock,
        );
      })
      .catch(fail);
  return (
    <Dialog
      title="Settings"
      wide
      onClose={onClose}
      actions={
        <button type="button" className="primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <section className="settings-section" aria-labelledby="settings-where">
        <h3 id="settings-where">Where your teams live</h3>
        {settings.database ? (
          <p>
            A PostgreSQL database: <code data-testid="settings-location">{settings.database.label}</code>
          </p>
        ) : (
          <p>
            The data folder <code data-testid="settings-location">{settings.dataDir}</code>{' '}
            <span className="muted">({settings.dataDirSource})</span>
          </p>
        )}
        <div className="settings-row">
          <button type="button" onClick={() => void call(api, 'openDataFolder', {}).then(onSettings).catch(fail)}>
            Open another folder…
          </button>
          <button type="button" onClick={onConnectDatabase}>
            Connect to a database…
          </button>
        </div>
      </section>
      {!settings.database && (
        <section className="settings-section" aria-labelledby="settings-interlock">
          <h3 id="settings-interlock">Safety lock shared with ClawTeam</h3>
          <p className="muted">
            While it is on, every change Lockstep makes also takes ClawTeam&apos;s own lock on the team&apos;s tasks, so ClawTeam&apos;s
            agents and Lockstep never overwrite each other&apos;s updates. Turn it off only for a folder that no ClawTeam program writes to.
          </p>
          <label className="settings-check">
            <input
              type="checkbox"
              checked={settings.clawteamInterlock}
              onChange={(e) => (e.target.checked ? setInterlock(true) : setConfirmOff(true))}
            />
            Share ClawTeam&apos;s lock (recommended)
          </label>
          {confirmOff && (
            <div className="settings-confirm" role="alertdialog" aria-label="Turn the safety lock off?">
              <p>Turn the safety lock off? ClawTeam agents writing to this folder at the same time may lose updates.</p>
              <button type="button" className="danger-button" onClick={() => setInterlock(false)}>
                Turn it off
              </button>
              <button type="button" autoFocus onClick={() => setConfirmOff(false)}>
                Keep it on
              </button>
            </div>
          )}
        </section>
      )}
      <section className="settings-section" aria-labelledby="settings-look">
        <h3 id="settings-look">Look and notifications</h3>
        <label className="settings-inline">
          Theme
          <select
            aria-label="Theme"
            value={settings.theme}
            onChange={(e) =>
              void call(api, 'setAppearance', { theme: e.target.value as Theme })
                .then(onSettings)
                .catch(fail)
            }
          >
            {(Object.keys(THEME_LABEL) as Theme[]).map((t) => (
              <option key={t} value={t}>
                {THEME_LABEL[t]}
              </option>
            ))}
          </select>
        </label>
        <label className="settings-check">
          <input type="checkbox" checked={notify} onChange={(e) => setNotifications(e.target.checked)} />
          Desktop notifications when something needs attention (stalled work, over budget, messages for you)
        </label>
      </section>
    </Dialog>
  );
}
