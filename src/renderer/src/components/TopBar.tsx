import type { ReactNode } from 'react';
import type { ApiOutput, LockstepApi } from '../../../shared/api';
import { AttentionBar } from '../attention/AttentionBar';
import { call } from '../api';
import { Identity } from './Identity';

type Settings = ApiOutput<'getSettings'>;

interface Props {
  api: LockstepApi;
  settings: Settings | null;
  onSettings(settings: Settings): void;
  fail(err: unknown): void;
  /** What Undo / Redo would take back or do again in the team on screen (null: nothing). */
  nextUndo: string | null;
  nextRedo: string | null;
  onUndo(): void;
  onRedo(): void;
  /** File › Connect to Database… */
  onConnectDatabase(): void;
  onOpenSettings(): void;
  /** More controls beside what needs attention (the Approvals button). */
  extra?: ReactNode;
  /** The team on screen: changing who you act as offers to move the claims the old name holds there. */
  team?: string | null;
}

/**
 * The window's top bar: what needs attention, who you act as, Undo and Redo, Settings — always in reach. Where the
 * teams live (folder or database) shows too when there is room; otherwise it is in Settings.
 */
export function TopBar({
  api,
  settings,
  onSettings,
  fail,
  nextUndo,
  nextRedo,
  onUndo,
  onRedo,
  onConnectDatabase,
  onOpenSettings,
  extra,
  team = null,
}: Props) {
  return (
    <header className="topbar">
      <div className="brand">Lockstep</div>
      <div className="topbar-where">
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
      </div>
      <AttentionBar api={api} />
      {extra}
      <Identity api={api} settings={settings} onSettings={onSettings} fail={fail} team={team} />
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
      <button
        type="button"
        className="settings-button"
        onClick={onOpenSettings}
        disabled={!settings}
        title="Data folder, ClawTeam safety lock, theme, notifications"
      >
        Settings
      </button>
    </header>
  );
}
