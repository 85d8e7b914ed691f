import { useMemo, useState } from 'react';
import type { ApiInput } from '../../../shared/api';
import { TASK_PRIORITIES, type TaskPriority, type TeamConfig, type VersionedTask } from '../../../shared/domain';
import { MAX_SUBJECT_LENGTH } from '../../../shared/schemas';
import { compareTasks, STATUS_LABEL } from '../board/logic';
import { Dialog, FormActions } from './Dialog';
import { Field } from './Field';

type NewTask = ApiInput<'createTask'>['task'];

interface Props {
  config: TeamConfig;
  tasks: Map<string, VersionedTask>;
  onClose(): void;
  onCreate(task: NewTask): Promise<boolean>;
}

/** A new task with everything it needs from the start: subject, description, priority, owner, and what it waits for. */
export function NewTaskDialog({ config, tasks, onClose, onCreate }: Props) {
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [priority, setPriority] = useState<TaskPriority>('medium');
  const [owner, setOwner] = useState('');
  const [blockedBy, setBlockedBy] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const problem = !subject.trim()
    ? 'Give the task a subject.'
    : subject.trim().length > MAX_SUBJECT_LENGTH
      ? `A subject is at most ${MAX_SUBJECT_LENGTH} characters.`
      : null;

  const submit = async () => {
    setTouched(true);
    if (problem || busy) return;
    setBusy(true);
    const ok = await onCreate({ subject: subject.trim(), description, priority, owner, blockedBy });
    setBusy(false);
    if (ok) onClose();
  };

  return (
    <Dialog
      title="New task"
      wide
      onClose={onClose}
      actions={
        <FormActions
          label="Create task"
          problem={problem}
          explain={!(touched || subject)}
          busy={busy}
          onCancel={onClose}
          onSubmit={() => void submit()}
        />
      }
    >
      <form
        className="new-task"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Subject" problem={touched || subject ? problem : null}>
          {(props) => (
            <input
              {...props}
              aria-label="New task subject"
              autoFocus
              value={subject}
              maxLength={MAX_SUBJECT_LENGTH + 1}
              onChange={(e) => setSubject(e.target.value)}
            />
          )}
        </Field>
        <Field label="Description">
          {(props) => <textarea {...props} rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
        <div className="fields two">
          <Field label="Priority">
            {(props) => (
              <select {...props} value={priority} onChange={(e) => setPriority(e.target.value as TaskPriority)}>
                {TASK_PRIORITIES.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Owner">
            {(props) => (
              <select {...props} value={owner} onChange={(e) => setOwner(e.target.value)}>
                <option value="">nobody yet</option>
                {config.members.map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.lockstep?.displayName ?? m.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <BlockerPicker tasks={tasks} blockedBy={blockedBy} onChange={setBlockedBy} />
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </Dialog>
  );
}

/** "Waits for": the team's open tasks to tick (a search box once there are more than 8). */
function BlockerPicker({
  tasks,
  blockedBy,
  onChange,
}: {
  tasks: Map<string, VersionedTask>;
  blockedBy: string[];
  onChange(update: (list: string[]) => string[]): void;
}) {
  const [find, setFind] = useState('');
  const open = useMemo(() => [...tasks.values()].filter((t) => t.status !== 'completed').sort(compareTasks), [tasks]);
  const matching = open
    .filter((t) => !find.trim() || `${t.id} ${t.subject}`.toLowerCase().includes(find.trim().toLowerCase()))
    .slice(0, 200);
  // A chosen task that was completed or deleted meanwhile stays listed (and can be unticked) rather than vanish.
  const gone = blockedBy.filter((id) => !open.some((t) => t.id === id));
  const shown = [...gone.map((id) => tasks.get(id) ?? { id, subject: 'a task that no longer exists', status: null }), ...matching];
  return (
    <fieldset className="blocker-picker">
      <legend>Waits for {blockedBy.length > 0 ? `(${blockedBy.length})` : '(optional)'}</legend>
      {open.length > 8 && (
        <input
          type="search"
          aria-label="Find a task it waits for"
          placeholder="Find a task…"
          value={find}
          onChange={(e) => setFind(e.target.value)}
        />
      )}
      {open.length === 0 ? (
        <p className="muted small">No open tasks to wait for.</p>
      ) : (
        <ul>
          {shown.map((t) => (
            <li key={t.id}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={blockedBy.includes(t.id)}
                  onChange={() => onChange((list) => (list.includes(t.id) ? list.filter((b) => b !== t.id) : [...list, t.id]))}
                />
                <span>{t.subject}</span>{' '}
                <span className="muted small">
                  {t.status ? STATUS_LABEL[t.status].toLowerCase() : 'deleted'} · {t.id}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
