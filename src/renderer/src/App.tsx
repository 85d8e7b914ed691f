import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiOutput, LockstepApi } from '../../shared/api';
import { call } from './api';
import { useActivity } from './activity/useActivity';
import { ApprovalsAttention } from './approvals/ApprovalsAttention';
import { ApprovalsButton } from './approvals/ApprovalsButton';
import { ApprovalsProvider } from './approvals/ApprovalsContext';
import { ApprovalsPanel } from './approvals/ApprovalsPanel';
import { useApprovals } from './approvals/useApprovals';
import { ActivityRegion } from './components/ActivityRegion';
import { ActivityStrip } from './components/ActivityStrip';
import { AttentionProvider } from './attention/attention';
import { SettingsDialog } from './components/SettingsDialog';
import { ShortcutsHelp } from './components/ShortcutsHelp';
import { Sidebar } from './components/Sidebar';
import { TeamView } from './components/TeamView';
import { TopBar } from './components/TopBar';
import { UndoToast } from './components/UndoToast';
import { Welcome } from './components/Welcome';
import { ConnectDatabaseDialog } from './database/ConnectDatabaseDialog';
import { TemplateDialog } from './agents/TemplateDialog';
import { ConnectionBanner, useConnection } from './database/ConnectionBanner';
import { MessageContext, MessageLine, useMessages } from './state/messages';
import { TeamNamesProvider } from './state/names';
import { useShortcuts } from './state/shortcuts';
import { useTeams } from './state/useTeams';
import { useTheme } from './state/useTheme';
import { useUndoStack } from './state/useUndoStack';
import { useWindowHeight } from './state/useWindowHeight';

/** Below this window height the activity view starts collapsed (until the person shows or hides it). */
export const ACTIVITY_TALL_ENOUGH = 800;

type Settings = ApiOutput<'getSettings'>;

/**
 * The window: top bar, teams on the left, the selected team's board, the activity region at the bottom — each in
 * its own grid region, so none can push another off screen.
 */
export function App({ api: bridge }: { api: LockstepApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState<{ id: string; seq: number } | null>(null);
  const [activityHeight, setActivityHeight] = useState<number | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [connectOpen, setConnectOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [approvalsOpen, setApprovalsOpen] = useState(false);
  const [templateOpen, setTemplateOpen] = useState(false);
  const windowHeight = useWindowHeight();
  const connection = useConnection(bridge);
  // The activity view hears of the window's own journaled changes from the undo stack's recording API (set below).
  const followActivity = useRef<(team: string) => void>(() => undefined);
  const { message, onMessage, fail, dismiss } = useMessages();
  // Undo/redo (issue 10): every write goes through `api`, which records the window's own changes on the stack
  // (Ctrl+Z, Ctrl+Shift+Z / Ctrl+Y and Edit › Undo / Redo are handled there).
  const undoStack = useUndoStack(bridge, {
    team: selected,
    onMessage,
    onTeamRenamed: (from, to) => setSelected((current) => (current === from ? to : current)),
    onTeamRestored: (team) => setSelected(team),
    onJournaled: (changed) => changed.forEach((team) => followActivity.current(team)),
  });
  const api = undoStack.api;
  const { teams, loadTeams, createTeam, renameTeam, deleteTeam } = useTeams(api, onMessage, fail, [selected, setSelected]);
  const activity = useActivity(bridge, teams?.map((t) => t.name) ?? [], selected);
  followActivity.current = activity.follow;
  // Requests agents ask a person to answer (issue 26): `approvals.openCount` is the number waiting. Answers go to the
  // bridge, not the undo stack: a sent answer cannot be taken back.
  const approvals = useApprovals(bridge, teams?.map((t) => t.name) ?? []);
  const seq = useRef(0);
  useTheme(settings?.theme ?? 'system');

  const setAppearance = useCallback(
    (patch: { activityOpen?: boolean; activityHeight?: number; messagesOpen?: boolean; theme?: Settings['theme'] }) =>
      void call(api, 'setAppearance', patch).then(setSettings).catch(fail),
    [api, fail],
  );
  const activityOpen = settings?.activityOpen ?? windowHeight >= ACTIVITY_TALL_ENOUGH;
  const toggleActivity = useCallback(() => {
    if (settings) setAppearance({ activityOpen: !activityOpen });
  }, [settings, activityOpen, setAppearance]);
  const toggleTheme = useCallback(() => {
    const dark = document.documentElement.dataset.theme === 'dark';
    setAppearance({ theme: dark ? 'light' : 'dark' });
  }, [setAppearance]);

  useEffect(() => {
    void call(api, 'getSettings', {}).then(setSettings).catch(fail);
    const offs = [
      api.on('storeError', (e) => onMessage(e.message, true)),
      api.on('folderChanged', (s) => {
        setSettings(s);
        setSelected(null);
        void loadTeams();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, loadTeams, fail, onMessage]);

  const menu = useRef({ toggleActivity, toggleTheme });
  menu.current = { toggleActivity, toggleTheme };
  useEffect(
    () =>
      api.on('menuCommand', ({ command }) => {
        if (command === 'shortcuts') setHelpOpen(true);
        else if (command === 'connectDatabase') setConnectOpen(true);
        else if (command === 'newTeamFromTemplate') setTemplateOpen(true);
        else if (command === 'toggleActivity') menu.current.toggleActivity();
        else if (command === 'toggleTheme') menu.current.toggleTheme();
      }),
    [api],
  );

  useShortcuts({
    '?': (e) => {
      e.preventDefault();
      setHelpOpen(true);
    },
    'Mod+j': (e) => {
      e.preventDefault();
      toggleActivity();
    },
  });

  // The title names the team on screen ("webapp — Lockstep"); with none, the database if the app works on one.
  useEffect(() => {
    if (selected) document.title = `${teams?.find((t) => t.name === selected)?.displayName ?? selected} — Lockstep`;
    else if (settings) document.title = settings.database ? `Lockstep — db: ${settings.database.label}` : 'Lockstep';
  }, [settings, selected, teams]);

  const openFolder = () => void call(api, 'openDataFolder', {}).then(setSettings).catch(fail);
  return (
    <AttentionProvider>
      <TeamNamesProvider teams={teams}>
        <MessageContext.Provider value={message}>
          <div className={`app${activityOpen ? '' : ' activity-collapsed'}`}>
            <TopBar
              api={api}
              settings={settings}
              onSettings={setSettings}
              fail={fail}
              nextUndo={undoStack.nextUndo?.label ?? null}
              nextRedo={undoStack.nextRedo?.label ?? null}
              onUndo={() => void undoStack.undo()}
              onRedo={() => void undoStack.redo()}
              onConnectDatabase={() => setConnectOpen(true)}
              onOpenSettings={() => setSettingsOpen(true)}
              extra={<ApprovalsButton count={approvals.openCount} onOpen={() => setApprovalsOpen(true)} />}
              team={selected}
            />
            <Sidebar
              teams={teams ?? []}
              selected={selected}
              onSelect={setSelected}
              onCreate={createTeam}
              onRename={renameTeam}
              onDelete={(team) => void deleteTeam(team)}
              onDatabase={Boolean(settings?.database)}
              onFromTemplate={() => setTemplateOpen(true)}
            />
            <main className="main">
              <ConnectionBanner connection={settings?.database ? connection : null} />
              <MessageLine message={message} onDismiss={dismiss} />
              {teams === null ? (
                <p className="muted loading">
                  {settings?.database && connection?.state === 'unavailable' ? 'Waiting for the database to come back…' : 'Loading…'}
                </p>
              ) : selected && settings ? (
                <ApprovalsProvider value={{ approvals, team: selected }}>
                  <TeamView
                    api={api}
                    team={selected}
                    agentName={settings.agentName}
                    focusRequest={focusRequest}
                    onMessage={onMessage}
                    messagesOpen={settings.messagesOpen}
                    onMessagesOpen={(open) => setAppearance({ messagesOpen: open })}
                  />
                </ApprovalsProvider>
              ) : (
                <Welcome
                  api={api}
                  fail={fail}
                  onOpenFolder={openFolder}
                  onDatabase={Boolean(settings?.database)}
                  onCreated={(team) => {
                    void loadTeams().then(() => setSelected(team));
                  }}
                />
              )}
              <UndoToast item={undoStack.state.undo[undoStack.state.undo.length - 1]} onUndo={(item) => void undoStack.undo(item)} />
            </main>
            <ActivityRegion
              open={activityOpen}
              height={activityHeight ?? settings?.activityHeight ?? 160}
              onToggle={toggleActivity}
              onResize={(h, done) => {
                setActivityHeight(h);
                if (done) setAppearance({ activityHeight: h });
              }}
            >
              <ActivityStrip
                items={activity.rows}
                onOpen={(team, id) => {
                  setSelected(team);
                  setFocusRequest({ id, seq: ++seq.current });
                }}
              />
            </ActivityRegion>
            <ApprovalsAttention count={approvals.openCount} onOpen={() => setApprovalsOpen(true)} />
            {approvalsOpen && settings && (
              <ApprovalsPanel api={bridge} approvals={approvals} agentName={settings.agentName} onClose={() => setApprovalsOpen(false)} />
            )}
            {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
            {templateOpen && (
              <TemplateDialog
                api={api}
                taken={(teams ?? []).map((t) => t.name)}
                onClose={() => setTemplateOpen(false)}
                onMessage={onMessage}
                onLaunched={(team) => {
                  setTemplateOpen(false);
                  void loadTeams().then(() => setSelected(team));
                }}
              />
            )}
            {settingsOpen && settings && (
              <SettingsDialog
                api={api}
                settings={settings}
                onSettings={setSettings}
                onMessage={onMessage}
                fail={fail}
                onConnectDatabase={() => {
                  setSettingsOpen(false);
                  setConnectOpen(true);
                }}
                onClose={() => setSettingsOpen(false)}
              />
            )}
            {connectOpen && (
              <ConnectDatabaseDialog
                api={api}
                current={settings?.database?.url ?? null}
                onClose={() => setConnectOpen(false)}
                onConnected={(s) => {
                  setSettings(s);
                  setSelected(null);
                  void loadTeams();
                }}
              />
            )}
          </div>
        </MessageContext.Provider>
      </TeamNamesProvider>
    </AttentionProvider>
  );
}
