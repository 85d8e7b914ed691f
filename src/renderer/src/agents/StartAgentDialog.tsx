import { useState } from 'react';
import { useMemberLabel, useTeamLabel } from '../state/names';
import { call, describeFailure } from '../api';
import { Dialog } from '../components/Dialog';
import { Field } from '../components/Field';
import { useApi } from '../state/api-context';
import { useAgents } from './AgentsContext';
import { argvOf, fieldOf, RuntimeFields, type Runtime } from './RuntimeFields';

/** "Start agent…" for one member, or Start team (every member not running), with the runtime, folder and task. */
export function StartAgentDialog({ members }: { members: string[] }) {
  const agents = useAgents();
  const [runtime, setRuntime] = useState<Runtime | ''>('claude');
  const [command, setCommand] = useState('');
  const [cwd, setCwd] = useState(agents?.cwd ?? '');
  const [task, setTask] = useState('');
  const [problems, setProblems] = useState<{ command?: string | null; cwd?: string | null; other?: string | null }>({});
  const [busy, setBusy] = useState(false);
  const api = useApi();
  const memberLabel = useMemberLabel();
  const teamLabel = useTeamLabel();
  if (!agents || agents.starting === null) return null;
  const runningNow = (m: string) => ['running', 'idle'].includes(agents.statuses.get(m)?.state ?? '');
  const who = agents.starting === '*' ? members.filter((m) => !runningNow(m)) : [agents.starting];
  const close = () => agents.openStart(null);
  const start = async () => {
    setBusy(true);
    setProblems({});
    const words = argvOf(command);
    try {
      for (const agent of who) {
        const status = await call(api, 'startAgent', {
          team: agents.team,
          agent,
          runtime: runtime || 'claude',
          cwd: cwd.trim(),
          ...(words.length ? { command: words } : {}),
          ...(task.trim() ? { task: task.trim() } : {}),
        });
        agents.update(status);
      }
      close();
      if (who.length === 1) agents.openPanel(who[0]);
    } catch (err) {
      const field = fieldOf(err);
      setProblems({ [field ?? 'other']: describeFailure(err) });
    } finally {
      setBusy(false);
    }
  };
  const title = agents.starting === '*' ? `Start team ${teamLabel(agents.team)}` : `Start agent ${memberLabel(agents.starting)}`;
  // Where a display name hides a short name, the dialog says which names the agents will use.
  const named = who.some((m) => memberLabel(m) !== m) || teamLabel(agents.team) !== agents.team;
  return (
    <Dialog
      title={title}
      onClose={close}
      actions={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            disabled={busy || who.length === 0}
            onClick={() => void start()}
            data-testid="agent-start"
          >
            {busy ? 'Starting…' : who.length === 1 ? `Start ${memberLabel(who[0])}` : `Start ${who.length} agents`}
          </button>
        </>
      }
    >
      <label className="check">
        <input
          type="checkbox"
          checked={agents.starting === '*'}
          onChange={(e) => agents.openStart(e.target.checked ? '*' : (members.find((m) => !runningNow(m)) ?? members[0]))}
          data-testid="start-team"
        />
        Start the whole team (every member not running)
      </label>
      {agents.starting === '*' && (
        <p className="muted">Starts {who.length ? who.map(memberLabel).join(', ') : 'nobody: every member already runs'}.</p>
      )}
      {named && who.length > 0 && (
        <p className="muted agents-use" data-testid="start-agents-use">
          Agents use short names: team <code>{agents.team}</code>, {who.length === 1 ? 'member' : 'members'}{' '}
          {who.map((m, i) => (
            <span key={m}>
              {i > 0 ? ', ' : ''}
              <code>{m}</code>
            </span>
          ))}{' '}
          (for example{' '}
          <code>
            lockstep task claim {agents.team} --next --as {who[0]}
          </code>
          ).
        </p>
      )}
      <RuntimeFields
        runtime={runtime}
        onRuntime={setRuntime}
        command={command}
        onCommand={setCommand}
        cwd={cwd}
        onCwd={setCwd}
        problems={problems}
      />
      <Field label="Task (optional)">
        {(p) => <textarea {...p} rows={3} value={task} onChange={(e) => setTask(e.target.value)} data-testid="agent-task" />}
      </Field>
      {problems.other && (
        <p className="field-problem" role="alert">
          {problems.other}
        </p>
      )}
    </Dialog>
  );
}
