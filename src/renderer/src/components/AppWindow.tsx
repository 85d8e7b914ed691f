import { useCallback, useEffect, useRef, useState, type Dispatch, type MutableRefObject, type SetStateAction } from 'react';
import { useActivity } from '../activity/useActivity';
import { ApprovalsAttention } from '../approvals/ApprovalsAttention';
import { ApprovalsButton } from '../approvals/ApprovalsButton';
import { useApprovals } from '../approvals/useApprovals';
import { useApi, useBridge } from '../state/api-context';
import { useNotices, type Message } from '../state/messages';
import { useSettings } from '../state/useSettings';
import { useTeams } from '../state/useTeams';
import { TeamNamesProvider } from '../state/names';
import { useTheme } from '../state/useTheme';
import type { UndoStack } from '../state/useUndoStack';
import { useWindowDialogs } from '../state/useWindowDialogs';
import { useWindowHeight } from '../state/useWindowHeight';
import { useWindowMenu } from '../state/useWindowMenu';
import { MainArea } from './MainArea';
import { Sidebar } from './Sidebar';
import { TopBar } from './TopBar';
import { WindowActivity } from './WindowActivity';
import { WindowDialogs } from './WindowDialogs';

/** Below this window height the activity view starts collapsed (until the person shows or hides it). */
export const ACTIVITY_TALL_ENOUGH = 800;

interface Props {
  selection: [string | null, Dispatch<SetStateAction<string | null>>];
  undoStack: UndoStack;
  /** Set here to the activity view's follow: the undo stack's recording API calls it for the window's own changes. */
  followActivity: MutableRefObject<(team: string) => void>;
  message: Message | null;
  onDismiss(): void;
}

/**
 * The window: top bar, teams on the left, the selected team's board, the activity region at the bottom — each in
 * its own grid region, so none can push another off screen.
 */
export function AppWindow({ selection, undoStack, followActivity, message, onDismiss }: Props) {
  const [selected, setSelected] = selection;
  const api = useApi();
  const bridge = useBridge();
  const { onMessage, fail } = useNotices();
  const { settings, setSettings, setAppearance } = useSettings();
  const { teams, loadTeams, createTeam, renameTeam, deleteTeam } = useTeams(selection);
  const names = teams?.map((t) => t.name) ?? [];
  const activity = useActivity(bridge, names, selected);
  followActivity.current = activity.follow;
  // Requests agents ask a person to answer: `approvals.openCount` is the number waiting.
  const approvals = useApprovals(names);
  const dialogs = useWindowDialogs();
  const [focusRequest, setFocusRequest] = useState<{ id: string; seq: number } | null>(null);
  const seq = useRef(0);
  const windowHeight = useWindowHeight();
  useTheme(settings?.theme ?? 'system');

  const activityOpen = settings?.activityOpen ?? windowHeight >= ACTIVITY_TALL_ENOUGH;
  const toggleActivity = useCallback(() => {
    if (settings) setAppearance({ activityOpen: !activityOpen });
  }, [settings, activityOpen, setAppearance]);
  const toggleTheme = useCallback(() => {
    const dark = document.documentElement.dataset.theme === 'dark';
    setAppearance({ theme: dark ? 'light' : 'dark' });
  }, [setAppearance]);
  useWindowMenu({ show: dialogs.show, toggleActivity, toggleTheme });

  useEffect(() => {
    const offs = [
      api.on('storeError', (e) => onMessage(e.message, true)),
      api.on('folderChanged', (s) => {
        setSettings(s);
        setSelected(null);
        void loadTeams();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [api, loadTeams, onMessage, setSettings, setSelected]);

  // The title names the team on screen ("webapp — Lockstep"); with none, the database if the app works on one.
  useEffect(() => {
    if (selected) document.title = `${teams?.find((t) => t.name === selected)?.displayName ?? selected} — Lockstep`;
    else if (settings) document.title = settings.database ? `Lockstep — db: ${settings.database.label}` : 'Lockstep';
  }, [settings, selected, teams]);

  // A new team shows at once, once the list (read again) holds it.
  const showNewTeam = (team: string) => void loadTeams().then(() => setSelected(team));
  return (
    <TeamNamesProvider teams={teams}>
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
          onConnectDatabase={() => dialogs.show('connect')}
          onOpenSettings={() => dialogs.show('settings')}
          extra={<ApprovalsButton count={approvals.openCount} onOpen={() => dialogs.show('approvals')} />}
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
          onFromTemplate={() => dialogs.show('template')}
        />
        <MainArea
          loading={teams === null}
          selected={selected}
          approvals={approvals}
          focusRequest={focusRequest}
          message={message}
          onDismiss={onDismiss}
          onCreated={showNewTeam}
          undoStack={undoStack}
        />
        <WindowActivity
          open={activityOpen}
          savedHeight={settings?.activityHeight}
          rows={activity.rows}
          onToggle={toggleActivity}
          onHeight={(h) => setAppearance({ activityHeight: h })}
          onOpenTask={(team, id) => {
            setSelected(team);
            setFocusRequest({ id, seq: ++seq.current });
          }}
        />
        <ApprovalsAttention count={approvals.openCount} onOpen={() => dialogs.show('approvals')} />
        <WindowDialogs
          dialogs={dialogs}
          approvals={approvals}
          taken={names}
          onLaunched={showNewTeam}
          onConnected={() => {
            setSelected(null);
            void loadTeams();
          }}
        />
      </div>
    </TeamNamesProvider>
  );
}
