import { call } from '../api';
import { ApprovalsProvider } from '../approvals/ApprovalsContext';
import type { ApprovalsState } from '../approvals/useApprovals';
import { ConnectionBanner, useConnection } from '../database/ConnectionBanner';
import { useApi } from '../state/api-context';
import { MessageLine, useNotices, type Message } from '../state/messages';
import { useSettings } from '../state/useSettings';
import type { UndoStack } from '../state/useUndoStack';
import { TeamView } from './TeamView';
import { UndoToast } from './UndoToast';
import { Welcome } from './Welcome';

interface Props {
  /** The team list is not read yet. */
  loading: boolean;
  selected: string | null;
  approvals: ApprovalsState;
  focusRequest: { id: string; seq: number } | null;
  message: Message | null;
  onDismiss(): void;
  /** A team was created from the welcome page. */
  onCreated(team: string): void;
  undoStack: UndoStack;
}

/** The window's middle: the database banner, the message line, then the team on screen (or the welcome page), the undo toast. */
export function MainArea({ loading, selected, approvals, focusRequest, message, onDismiss, onCreated, undoStack }: Props) {
  const api = useApi();
  const { fail } = useNotices();
  const { settings, setSettings, setAppearance } = useSettings();
  const connection = useConnection();
  return (
    <main className="main">
      <ConnectionBanner connection={settings?.database ? connection : null} />
      <MessageLine message={message} onDismiss={onDismiss} />
      {loading ? (
        <p className="muted loading">
          {settings?.database && connection?.state === 'unavailable' ? 'Waiting for the database to come back…' : 'Loading…'}
        </p>
      ) : selected && settings ? (
        <ApprovalsProvider value={{ approvals, team: selected }}>
          <TeamView
            team={selected}
            agentName={settings.agentName}
            focusRequest={focusRequest}
            messagesOpen={settings.messagesOpen}
            onMessagesOpen={(open) => setAppearance({ messagesOpen: open })}
          />
        </ApprovalsProvider>
      ) : (
        <Welcome
          onOpenFolder={() => void call(api, 'openDataFolder', {}).then(setSettings).catch(fail)}
          onDatabase={Boolean(settings?.database)}
          onCreated={onCreated}
        />
      )}
      <UndoToast item={undoStack.state.undo[undoStack.state.undo.length - 1]} onUndo={(item) => void undoStack.undo(item)} />
    </main>
  );
}
