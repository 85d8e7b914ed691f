import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../../shared/api';
import { call, describeFailure } from '../api';
import { Dialog } from '../components/Dialog';
import { Field, nameInputProblem } from '../components/Field';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { argvOf, fieldOf, RuntimeFields, RUNTIME_LABELS } from './RuntimeFields';
import './agents.css';

type Plan = ApiOutput<'planLaunch'>;
type Problems = { command?: string | null; cwd?: string | null; other?: string | null };

function Preview({ plan }: { plan: Plan }) {
  return (
    <div className="template-preview" data-testid="template-preview">
      <h4>Members</h4>
      <ul>
        {plan.members.map((m) => (
          <li key={m.name}>
            <strong>{m.name}</strong>
            {m.leader ? ' (leader)' : ''} · {m.type} · runs <code>{m.command.join(' ')}</code>
          </li>
        ))}
      </ul>
      <h4>Tasks</h4>
      <ul>
        {plan.tasks.map((t, i) => (
          <li key={i}>
            {t.subject}
            {t.owner ? <span className="muted"> → {t.owner}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** File › New Team from Template…: choose a template, name the team, give the goal, preview, launch. */
export function TemplateDialog({ taken, onClose, onLaunched }: { taken: string[]; onClose(): void; onLaunched(team: string): void }) {
  const api = useApi();
  const { onMessage } = useNotices();
  const [templates, setTemplates] = useState<ApiOutput<'listTemplates'>['templates']>([]);
  const [template, setTemplate] = useState('');
  const [team, setTeam] = useState('');
  const [goal, setGoal] = useState('');
  const [runtime, setRuntime] = useState<keyof typeof RUNTIME_LABELS | ''>('');
  const [command, setCommand] = useState('');
  const [cwd, setCwd] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    call(api, 'listTemplates', {})
      .then((r) => {
        setTemplates(r.templates);
        setTemplate((t) => t || (r.templates.find((x) => !x.problem)?.name ?? ''));
        setCwd((c) => c || r.cwd);
      })
      .catch((err) => setProblems({ other: describeFailure(err) }));
  }, [api]);
  const teamProblem = team ? nameInputProblem(team, 'team', taken) : null;
  const words = argvOf(command);
  const input = {
    template,
    team: team.trim(),
    goal,
    cwd: cwd.trim() || undefined,
    ...(runtime ? { runtime } : {}),
    ...(words.length ? { command: words } : {}),
  };
  const ready = Boolean(template && team.trim() && !teamProblem && goal.trim()) && !busy;
  const run = async (launch: boolean) => {
    setBusy(true);
    setProblems({});
    try {
      if (!launch) setPlan(await call(api, 'planLaunch', input));
      else {
        const result = await call(api, 'launchTeam', input);
        for (const f of result.failures) onMessage(`${f.agent} did not start: ${f.message}`, true);
        onLaunched(result.team);
      }
    } catch (err) {
      setProblems({ [fieldOf(err) ?? 'other']: describeFailure(err) });
    } finally {
      setBusy(false);
    }
  };
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setPlan(null);
    };
  const chosen = templates.find((t) => t.name === template);
  return (
    <Dialog
      title="New team from template"
      wide
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" disabled={!ready} onClick={() => void run(false)} data-testid="template-preview-button">
            Preview
          </button>
          <button type="button" className="primary" disabled={!ready || !plan} onClick={() => void run(true)} data-testid="template-launch">
            {busy ? 'Working…' : 'Launch'}
          </button>
        </>
      }
    >
      <Field label="Template" problem={chosen?.problem} hint={chosen?.description}>
        {(p) => (
          <select {...p} value={template} onChange={(e) => change(setTemplate)(e.target.value)} data-testid="template-choice">
            {templates.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
                {t.builtin ? '' : ' (yours)'}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Team name" problem={teamProblem}>
        {(p) => <input {...p} value={team} onChange={(e) => change(setTeam)(e.target.value)} data-testid="template-team" />}
      </Field>
      <Field label="Goal">
        {(p) => <textarea {...p} rows={2} value={goal} onChange={(e) => change(setGoal)(e.target.value)} data-testid="template-goal" />}
      </Field>
      <RuntimeFields
        runtime={runtime}
        onRuntime={change(setRuntime)}
        command={command}
        onCommand={change(setCommand)}
        cwd={cwd}
        onCwd={change(setCwd)}
        problems={problems}
        templateDefault
      />
      {problems.other && (
        <p className="field-problem" role="alert">
          {problems.other}
        </p>
      )}
      {plan ? (
        <Preview plan={plan} />
      ) : (
        <p className="muted">Preview shows the members, their commands and the tasks before anything starts.</p>
      )}
    </Dialog>
  );
}
