import { QueryClientProvider } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { LockstepApi } from '../../shared/api';
import { AttentionProvider } from './attention/attention';
import { AppWindow } from './components/AppWindow';
import { ApiProvider } from './state/api-context';
import { MessageContext, NoticesProvider, useNoticeLine } from './state/messages';
import { createQueryClient } from './state/queries';
import { useUndoStack } from './state/useUndoStack';

/**
 * The root: what every part of the window takes from context — the query cache (TanStack Query), the API (through
 * the undo stack, which records the window's own changes), the message line's reporter — and the team on screen.
 */
export function App({ api: bridge }: { api: LockstepApi }) {
  const [client] = useState(createQueryClient);
  const [selected, setSelected] = useState<string | null>(null);
  const { message, onMessage, fail, dismiss } = useNoticeLine();
  // The activity view hears of the window's own journaled changes from the undo stack's recording API (set below).
  const followActivity = useRef<(team: string) => void>(() => undefined);
  // Undo/redo: every write goes through `api`, which records the window's own changes on the stack
  // (Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y and Edit › Undo / Redo are handled there).
  const undoStack = useUndoStack(bridge, {
    team: selected,
    onMessage,
    onTeamRenamed: (from, to) => setSelected((current) => (current === from ? to : current)),
    onTeamRestored: (team) => setSelected(team),
    onJournaled: (changed) => changed.forEach((team) => followActivity.current(team)),
  });
  return (
    <QueryClientProvider client={client}>
      <ApiProvider api={undoStack.api} bridge={bridge}>
        <NoticesProvider onMessage={onMessage} fail={fail}>
          <AttentionProvider>
            <MessageContext.Provider value={message}>
              <AppWindow
                selection={[selected, setSelected]}
                undoStack={undoStack}
                followActivity={followActivity}
                message={message}
                onDismiss={dismiss}
              />
            </MessageContext.Provider>
          </AttentionProvider>
        </NoticesProvider>
      </ApiProvider>
    </QueryClientProvider>
  );
}
