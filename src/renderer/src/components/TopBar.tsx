import { useState, type ReactNode } from 'react';
import type { ApiOutput, LockstepApi, Theme } from '../../../shared/api';
import { call } from '../api';
import type { OnMessage } from '../state/messages';
import { nameInputProblem } from './Field';

type Settings = ApiOutput<'getSettings'>;

interface Props {
  api: LockstepApi;
  settings: Settings | null;
  onSettings(settings: Settings): void;
  onMessage: OnMessage;
  fail(err: unknown): void;
  /** What Undo / Redo would take back or do again in the team on screen (null: nothing). */
  nextUndo: string | null;
  nextRedo: string | null;
  onUndo(): void;
  onRedo(): void;
  /** File › Connect to Database… */
  onConnectDatabase(): void;
  /** More controls before "You act as" (the Approvals button). */
  extra?: ReactNode;
}

const THEME_LABEL: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

/** The window's top bar: the data folder, the ClawTeam interlock, the theme, who you act as, Undo and Redo. */
export function TopBar({
  api,
  settings,
  onSettings,
  onMessage,
  fail,
  nextUndo,
  nextRedo,
  onUndo,
  onRedo,
  onConnectDatabase,
  extra,
}: Props) {
  const [editingName, setEditingName] = useState<string | null>(null);
  const nameProblem = editingName === null ? null : nameInputProblem(editingName, 'agent');
  return (
    <header className="topbar">
      <div className="brand">Lockstep</div>
      {settings?.database ? (
        <div className="folder db-location" data-testid="store-location" title={`PostgreSQL database ${settings.database.url}`}>
          <span className="db-badge">db</span> <code>{settings.database.label}</code>
        </div>
      ) : (
        <div
          className="folder"
          data-testid="store-location"
          title={settings ? `${settings.dataDir} (${settings.dataDirSource})` : undefined}
        >
          <span className="muted folder-label">Data folder</span> <code>{settings?.dataDir ?? '…'}</code>
        </div>
      )}
      <button
        type="button"
        className="link"
        title="Open a data folder (File › Open Data Folder…)"
        onClick={() => void call(api, 'openDataFolder', {}).then(onSettings).catch(fail)}
      >
        {settings?.database ? 'Open folder…' : 'Open…'}
      </button>
      <button
        type="button"
        className="link"
        title="Connect to a PostgreSQL database (File › Connect to Database…)"
        onClick={onConnectDatabase}
      >
        Database…
      </button>
      {!settings?.database && (
        <label
          className="topbar-toggle"
          title="Also hold ClawTeam's own lock (flock on tasks/<team>/.tasks.lock) on every write, so ClawTeam's Python agents and Lockstep never lose each other's updates. Turn off only for a folder no ClawTeam process writes to."
        >
          <input
            type="checkbox"
            checked={settings?.clawteamInterlock ?? true}
            disabled={!settings}
            onChange={(e) =>
              void call(api, 'setClawteamInterlock', { enabled: e.target.checked })
                .then((s) => {
                  onSettings(s);
                  onMessage(
                    s.clawteamInterlock
                      ? "Writes now also hold ClawTeam's lock."
                      : "Writes no longer hold ClawTeam's lock: ClawTeam agents writing to this folder may lose updates.",
                    !s.clawteamInterlock,
                  );
                })
                .catch(fail)
            }
          />
          ClawTeam interlock
        </label>
      )}
      <select
        className="theme-select"
        aria-label="Theme"
        title="Light, dark, or follow the system's setting"
        value={settings?.theme ?? 'system'}
        disabled={!settings}
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
      {extra}
      <div className="identity">
        {editingName === null ? (
          <>
            <span className="muted">You act as</span> <strong>{settings?.agentName}</strong>
            <button type="button" className="link" onClick={() => setEditingName(settings?.agentName ?? '')}>
              change
            </button>
          </>
        ) : (
          <form
            className="inline-form"
            onSubmit={async (e) => {
              e.preventDefault();
              if (nameProblem) return;
              try {
                onSettings(await call(api, 'setAgentName', { agentName: editingName.trim() }));
                setEditingName(null);
              } catch (err) {
                fail(err);
              }
            }}
          >
            <input
              aria-label="Your agent name"
              aria-invalid={nameProblem ? true : undefined}
              title={nameProblem ?? undefined}
              autoFocus
              value={editingName}
              maxLength={64}
              onChange={(e) => setEditingName(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setEditingName(null)}
            />
            <button type="submit" disabled={Boolean(nameProblem)} title={nameProblem ?? undefined}>
              Save
            </button>
            <button type="button" onClick={() => setEditingName(null)}>
              Cancel
            </button>
            {nameProblem && (
              <span className="topbar-problem" role="alert">
                {nameProblem}
              </span>
            )}
          </form>
        )}
      </div>
      <div className="undo-redo" role="group" aria-label="Undo and redo">
        <button
          type="button"
          onClick={onUndo}
          title={nextUndo ? `Undo: ${nextUndo} (Ctrl+Z)` : 'Nothing of yours to undo in this team'}
          disabled={!nextUndo}
        >
          Undo
        </button>
        <button
          type="button"
          onClick={onRedo}
          title={nextRedo ? `Redo: ${nextRedo} (Ctrl+Shift+Z or Ctrl+Y)` : 'Nothing to redo'}
          disabled={!nextRedo}
        >
          Redo
        </button>
      </div>
    </header>
  );
}
