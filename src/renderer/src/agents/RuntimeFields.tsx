import { AGENT_RUNTIMES } from '../../../shared/agents-api';
import { CallError } from '../api';
import { Field } from '../components/Field';

export type Runtime = (typeof AGENT_RUNTIMES)[number];
export const RUNTIME_LABELS: Record<Runtime, string> = { claude: 'Claude Code', codex: 'Codex', custom: 'Any command' };

/** The argv typed one word per line (never a shell string: nothing is split, quoted or expanded). */
export const argvOf = (text: string): string[] => text.split('\n').filter((w) => w.trim().length > 0);

/** Where a refusal belongs: beside the command, beside the folder, or under the dialog. */
export function fieldOf(err: unknown): 'command' | 'cwd' | null {
  if (!(err instanceof CallError)) return null;
  if (err.error.details.field === 'cwd') return 'cwd';
  return err.error.details.runtime !== undefined || err.error.details.command !== undefined ? 'command' : null;
}

/** Runtime, command, working folder and task fields, shared by the start and template dialogs. */
export function RuntimeFields(props: {
  runtime: Runtime | '';
  onRuntime(r: Runtime | ''): void;
  command: string;
  onCommand(c: string): void;
  cwd: string;
  onCwd(c: string): void;
  problems: { command?: string | null; cwd?: string | null };
  /** Offer "the template's command" (runtime ''). */
  templateDefault?: boolean;
}) {
  return (
    <>
      <Field label="Runtime">
        {(p) => (
          <select
            {...p}
            value={props.runtime}
            onChange={(e) => props.onRuntime(e.target.value as Runtime | '')}
            data-testid="agent-runtime"
          >
            {props.templateDefault && <option value="">The template’s command</option>}
            {AGENT_RUNTIMES.map((r) => (
              <option key={r} value={r}>
                {RUNTIME_LABELS[r]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Command (one word per line)"
        problem={props.problems.command}
        hint={
          props.runtime === 'custom'
            ? 'Each line is one argument, passed as is; the prompt is added as -p PROMPT.'
            : 'Empty: the runtime’s own program.'
        }
      >
        {(p) => (
          <textarea {...p} rows={2} value={props.command} onChange={(e) => props.onCommand(e.target.value)} data-testid="agent-command" />
        )}
      </Field>
      <Field label="Working folder" problem={props.problems.cwd}>
        {(p) => <input {...p} value={props.cwd} onChange={(e) => props.onCwd(e.target.value)} data-testid="agent-cwd" />}
      </Field>
    </>
  );
}
