import { TemplateDialog } from '../agents/TemplateDialog';
import { ApprovalsPanel } from '../approvals/ApprovalsPanel';
import type { ApprovalsState } from '../approvals/useApprovals';
import { ConnectDatabaseDialog } from '../database/ConnectDatabaseDialog';
import { useSettings } from '../state/useSettings';
import type { WindowDialogs as Dialogs } from '../state/useWindowDialogs';
import { SettingsDialog } from './SettingsDialog';
import { ShortcutsHelp } from './ShortcutsHelp';

interface Props {
  dialogs: Dialogs;
  approvals: ApprovalsState;
  /** The team names in use (a template's new team needs another). */
  taken: string[];
  onLaunched(team: string): void;
  /** The app now works on a database: the teams are read again. */
  onConnected(): void;
}

/** The window's own dialogs: Approvals, keyboard shortcuts, new team from template, Settings, Connect to Database. */
export function WindowDialogs({ dialogs, approvals, taken, onLaunched, onConnected }: Props) {
  const { settings, setSettings } = useSettings();
  const { isOpen, show, hide } = dialogs;
  return (
    <>
      {isOpen('approvals') && settings && (
        <ApprovalsPanel approvals={approvals} agentName={settings.agentName} onClose={() => hide('approvals')} />
      )}
      {isOpen('help') && <ShortcutsHelp onClose={() => hide('help')} />}
      {isOpen('template') && (
        <TemplateDialog
          taken={taken}
          onClose={() => hide('template')}
          onLaunched={(team) => {
            hide('template');
            onLaunched(team);
          }}
        />
      )}
      {isOpen('settings') && settings && (
        <SettingsDialog
          settings={settings}
          onSettings={setSettings}
          onConnectDatabase={() => {
            hide('settings');
            show('connect');
          }}
          onClose={() => hide('settings')}
        />
      )}
      {isOpen('connect') && (
        <ConnectDatabaseDialog
          current={settings?.database?.url ?? null}
          onClose={() => hide('connect')}
          onConnected={(s) => {
            setSettings(s);
            onConnected();
          }}
        />
      )}
    </>
  );
}
