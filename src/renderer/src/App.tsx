import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiOutput, LockstepApi } from '../../shared/api';
import type { TeamSummary } from '../../shared/domain';
import { call, describeFailure } from './api';
import { useActivity } from './activity/useActivity';
import { ActivityStrip } from './components/ActivityStrip';
import { Sidebar } from './components/Sidebar';
import { TeamView } from './components/TeamView';
import { UndoToast } from './components/UndoToast';
import { useUndoStack } from './state/useUndoStack';

type Settings = ApiOutput<'getSettings'>;

interface Message {
  text: string;
  error: boolean;
  seq: number;
}

export function App({ api: bridge }: { api: LockstepApi }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [teams, setTeams] = useState<TeamSummary[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [banner, setBanner] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const [focusRequest, setFocusRequest] = useState<{ id: string; seq: number } | null>(null);
  const [editingName, setEditingName] = useState<string | null>(null);
  const seq = useRef(0);
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  const onMessage = useCallback((text: string, error = false) => setMessage({ text, error, seq: ++seq.current }), []);
  // Undo/redo (issue 10): every write goes through `api`, which records the window's own changes on the stack.
  const undoStack = useUndoStack(bridge, {
    team: selected,
    onMessage,
    onTeamRenamed: (from, to) => setSelected((current) => (current === from ? to : current)),
    onTeamRestored: (team) => setSelected(team),
  });
  const api = undoStack.api;
  const activity = useActivity(bridge, teams?.map((t) => t.name) ?? [], selected);

  const loadTeams = useCallback(async () => {
    try {
      const value = await call(api, 'listTeams', {});
      setTeams(value.teams);
      setSelected((current) => (current && value.teams.some((t) => t.name === current) ? current : value.teams[0]?.name ?? null));
    } catch (err) {
      onMessage(describeFailure(err), true);
    }
  }, [api, onMessage]);

  useEffect(() => {
    void call(api, 'getSettings', {}).then(setSettings).catch((err) => onMessage(describeFailure(err), true));
    void loadTeams();
    const offs = [
      api.on('teamsChanged', () => void loadTeams()),
      api.on('storeError', (e) => setBanner(e.message)),
      api.on('folderChanged', (s) => {
        setSettings(s);
        setSelected(null);
        void loadTeams();
      }),
    ];
    // Claim ages and lease countdowns tick.
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      offs.forEach((off) => off());
      clearInterval(timer);
    };
  }, [api, loadTeams]);

  useEffect(() => {
    if (!message || message.error) return;
    const t = setTimeout(() => setMessage((m) => (m?.seq === message.seq ? null : m)), 5000);
    return () => clearTimeout(t);
  }, [message]);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">Lockstep</div>
        <div className="folder" title={settings?.dataDir}>
          <span className="muted">Data folder</span> <code>{settings?.dataDir ?? '…'}</code>
          <span className="muted"> ({settings?.dataDirSource})</span>
          <button type="button" className="link" onClick={() => void call(api, 'openDataFolder', {}).then(setSettings).catch((err) => onMessage(describeFailure(err), true))}>
            Open…
          </button>
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
                    setSettings(s);
                    onMessage(s.clawteamInterlock ? 'Writes now also hold ClawTeam\'s lock.' : 'Writes no longer hold ClawTeam\'s lock: ClawTeam agents writing to this folder may lose updates.', !s.clawteamInterlock);
                  })
                  .catch((err) => onMessage(describeFailure(err), true))
              }
            />
            ClawTeam interlock
          </label>
        </div>
        <div className="identity">
          {editingName === null ? (
            <>
              <span className="muted">You act as</span> <strong>{settings?.agentName}</strong>
              <button type="button" className="link" onClick={() => setEditingName(settings?.agentName ?? '')}>change</button>
            </>
          ) : (
            <form
              className="inline-form"
              onSubmit={async (e) => {
                e.preventDefault();
                try {
                  setSettings(await call(api, 'setAgentName', { agentName: editingName }));
                  setEditingName(null);
                } catch (err) {
                  onMessage(describeFailure(err), true);
                }
              }}
            >
              <input aria-label="Your agent name" autoFocus value={editingName} maxLength={64} onChange={(e) => setEditingName(e.target.value)} />
              <button type="submit">Save</button>
              <button type="button" onClick={() => setEditingName(null)}>Cancel</button>
            </form>
          )}
          <button type="button" onClick={() => void undoStack.undo()} title={undoStack.nextUndo ? `Undo: ${undoStack.nextUndo.label} (Ctrl+Z)` : 'Nothing of yours to undo in this team'} disabled={!undoStack.nextUndo}>Undo</button>
          <button type="button" onClick={() => void undoStack.redo()} title={undoStack.nextRedo ? `Redo: ${undoStack.nextRedo.label} (Ctrl+Shift+Z)` : 'Nothing to redo'} disabled={!undoStack.nextRedo}>Redo</button>
        </div>
      </header>
      {banner && (
        <div className="banner" role="alert">
          {banner} <button type="button" className="link" onClick={() => setBanner(null)}>Dismiss</button>
        </div>
      )}
      <div className="message-region" aria-live="polite">
        {message && (
          <p className={message.error ? 'message error' : 'message'} role={message.error ? 'alert' : 'status'} data-testid={message.error ? 'error-message' : 'status-message'}>
            {message.text}
            <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setMessage(null)}>×</button>
          </p>
        )}
      </div>
      <div className="body">
        <Sidebar
          teams={teams ?? []}
          selected={selected}
          onSelect={setSelected}
          onCreate={async (name, description) => {
            try {
              await call(api, 'createTeam', { name, description });
              await loadTeams();
              setSelected(name);
              return true;
            } catch (err) {
              onMessage(describeFailure(err), true);
              return false;
            }
          }}
          onRename={async (team, newName) => {
            try {
              await call(api, 'renameTeam', { team, newName });
              setSelected(newName);
              await loadTeams();
              return true;
            } catch (err) {
              onMessage(describeFailure(err), true);
              return false;
            }
          }}
          onDelete={async (team) => {
            try {
              const result = await call(api, 'deleteTeam', { team });
              onMessage(`Deleted team ${team} and its ${result.deletedTasks} tasks.`);
              setSelected(null);
              await loadTeams();
            } catch (err) {
              onMessage(describeFailure(err), true);
            }
          }}
        />
        <main className="main">
          {teams === null ? (
            <p className="muted">Loading…</p>
          ) : selected && settings ? (
            <TeamView
              api={api}
              team={selected}
              agentName={settings.agentName}
              now={now}
              focusRequest={focusRequest}
              onMessage={onMessage}
              onChanged={() => void loadTeams()}
            />
          ) : (
            <section className="welcome">
              <h1>Welcome to Lockstep</h1>
              <p>This data folder has no teams yet. Start with a sample team to see how a board works, or open a ClawTeam data folder.</p>
              <div className="button-row">
                <button
                  type="button"
                  className="primary"
                  onClick={async () => {
                    try {
                      const team = await call(api, 'createSampleTeam', {});
                      await loadTeams();
                      setSelected(team.name);
                    } catch (err) {
                      onMessage(describeFailure(err), true);
                    }
                  }}
                >
                  Create a sample team
                </button>
                <button type="button" onClick={() => void call(api, 'openDataFolder', {}).then(setSettings).catch((err) => onMessage(describeFailure(err), true))}>
                  Open a data folder…
                </button>
              </div>
            </section>
          )}
        </main>
      </div>
      <UndoToast item={undoStack.state.undo[undoStack.state.undo.length - 1]} onUndo={(item) => void undoStack.undo(item)} />
      <ActivityStrip
        items={activity}
        now={now}
        onOpen={(team, id) => {
          setSelected(team);
          setFocusRequest({ id, seq: ++seq.current });
        }}
      />
    </div>
  );
}
