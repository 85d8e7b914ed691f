import { useEffect, useState } from 'react';
import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type TaskPriority,
  type TaskStatus,
  type TeamConfig,
  type VersionedTask,
} from '../../../shared/domain';
import { claimView, leaseLabel, STATUS_LABEL } from '../board/logic';
import { useNow } from '../state/useNow';
import { Ago } from './Ago';
import { BreakClaimDialog, ConfirmDialog } from './ConfirmDialog';
import { LabelsField } from './LabelsField';

export interface DetailActions {
  save(
    task: VersionedTask,
    patch: {
      subject?: string;
      description?: string;
      priority?: TaskPriority;
      owner?: string;
      status?: TaskStatus;
      metadata?: Record<string, unknown>;
    },
  ): void;
  addBlocker(task: VersionedTask, blockerId: string): void;
  removeBlocker(task: VersionedTask, blockerId: string): void;
  claim(task: VersionedTask): void;
  release(task: VersionedTask): void;
  forceRelease(task: VersionedTask, reason: string): void;
  complete(task: VersionedTask): void;
  remove(task: VersionedTask): void;
  close(): void;
}

interface Props {
  task: VersionedTask;
  config: TeamConfig;
  allTasks: Map<string, VersionedTask>;
  agentName: string;
  actions: DetailActions;
}

/** Who holds the task, since when, the lease; ticking on its own so the rest of the panel does not re-render. */
function ClaimStatus({ task }: { task: VersionedTask }) {
  const now = useNow();
  const claim = claimView(task, now);
  if (!claim) return <p className="muted">Nobody is working on this task.</p>;
  return (
    <p>
      Held by <strong>{claim.holder}</strong> <Ago at={task.lockedAt} prefix="since " />
      {claim.token !== undefined && (
        <span className="muted" title="The claim's fencing number: a holder whose claim was taken over cannot write with an older one.">
          {' '}
          · claim #{claim.token}
        </span>
      )}
      {claim.leaseUntilMs !== undefined && <> · {leaseLabel(claim.leaseUntilMs, now)}</>}
    </p>
  );
}

/** Every field of one task, its dependencies and its claim, editable. */
export function DetailPanel({ task, config, allTasks, agentName, actions }: Props) {
  // The text being edited and the version it was read from. While the person has unsaved text, a change made by
  // somebody else does not overwrite it: saving then goes through the conflict check against that version and asks
  // "keep theirs / apply mine". (The panel is keyed by task id: another task gets a fresh panel.)
  const [base, setBase] = useState(task);
  const [subject, setSubject] = useState(task.subject);
  const [description, setDescription] = useState(task.description);
  const [blocker, setBlocker] = useState('');
  const [confirmForce, setConfirmForce] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  useEffect(() => {
    const untouched = subject === base.subject && description === base.description;
    const caughtUp = subject === task.subject && description === task.description;
    if (untouched || caughtUp) {
      setBase(task);
      setSubject(task.subject);
      setDescription(task.description);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [task]);
  const heldByOther = Boolean(task.lockedBy && task.lockedBy !== agentName);
  const candidates = [...allTasks.values()].filter((t) => t.id !== task.id && t.status !== 'completed' && !task.blockedBy.includes(t.id));
  const dirty = subject !== base.subject || description !== base.description;
  const changedUnderneath = dirty && base.version !== task.version;
  // A task that waits for unfinished work can be neither claimed nor completed yet: said beside the buttons.
  const open = task.blockedBy.map((id) => allTasks.get(id)).filter((t) => t && t.status !== 'completed');
  const waitsFor = open.length ? `Waits for ${open.map((t) => `"${t?.subject}"`).join(' and ')}: finish that first.` : null;

  return (
    <aside className="detail" data-testid="detail-panel" aria-label={`Task ${task.subject}`}>
      <header className="detail-head">
        <h2 title={`Task id ${task.id}`}>{task.subject}</h2>
        <button type="button" className="icon-button" aria-label="Close the task panel" onClick={actions.close}>
          ×
        </button>
      </header>
      <form
        data-dirty={dirty ? 'true' : undefined}
        onSubmit={(e) => {
          e.preventDefault();
          if (dirty) actions.save(base, { subject, description });
        }}
      >
        <label>
          Subject
          <input value={subject} maxLength={500} onChange={(e) => setSubject(e.target.value)} />
        </label>
        <label>
          Description
          <textarea value={description} rows={4} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {changedUnderneath && (
          <p className="warning small" role="status" data-testid="changed-underneath">
            Somebody changed this task while you were editing; saving will ask whether to keep theirs or apply yours.
          </p>
        )}
        <div className="button-row">
          <button type="submit" disabled={!dirty || !subject.trim()}>
            Save text
          </button>
          {dirty && (
            <button
              type="button"
              onClick={() => {
                setBase(task);
                setSubject(task.subject);
                setDescription(task.description);
              }}
            >
              Discard
            </button>
          )}
        </div>
      </form>
      <div className="fields">
        <label>
          Status
          <select value={task.status} onChange={(e) => actions.save(task, { status: e.target.value as TaskStatus })}>
            {TASK_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select value={task.priority} onChange={(e) => actions.save(task, { priority: e.target.value as TaskPriority })}>
            {TASK_PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Owner
          <select value={task.owner} onChange={(e) => actions.save(task, { owner: e.target.value })}>
            <option value="">nobody</option>
            {config.members.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
            {task.owner && !config.members.some((m) => m.name === task.owner) && <option value={task.owner}>{task.owner}</option>}
          </select>
        </label>
      </div>

      <LabelsField task={task} onSave={(labels) => actions.save(task, { metadata: { labels } })} />
      <p className="detail-id muted small">Task id {task.id}</p>

      <section className="claim-box" aria-label="Claim">
        <h3>Claim</h3>
        <ClaimStatus task={task} />
        {waitsFor && <p className="muted small why-disabled-claim">{waitsFor}</p>}
        <div className="button-row">
          {!task.lockedBy && task.status !== 'completed' && (
            <button type="button" disabled={Boolean(waitsFor)} title={waitsFor ?? undefined} onClick={() => actions.claim(task)}>
              Claim as {agentName}
            </button>
          )}
          {task.lockedBy === agentName && (
            <button type="button" onClick={() => actions.release(task)}>
              Release
            </button>
          )}
          {heldByOther && (
            <button type="button" className="danger" onClick={() => setConfirmForce(true)}>
              Force-release…
            </button>
          )}
          {task.status !== 'completed' && !heldByOther && (
            <button type="button" disabled={Boolean(waitsFor)} title={waitsFor ?? undefined} onClick={() => actions.complete(task)}>
              Complete
            </button>
          )}
        </div>
      </section>

      <section aria-label="Dependencies">
        <h3>Blocked by</h3>
        {task.blockedBy.length === 0 ? (
          <p className="muted">Nothing.</p>
        ) : (
          <ul className="deps">
            {task.blockedBy.map((id) => (
              <li key={id}>
                <span>{allTasks.get(id)?.subject ?? 'a task that no longer exists'}</span>{' '}
                <span className="muted small">
                  {(() => {
                    const blocker = allTasks.get(id);
                    return blocker ? STATUS_LABEL[blocker.status].toLowerCase() : 'missing';
                  })()}{' '}
                  · {id}
                </span>
                <button
                  type="button"
                  className="link"
                  aria-label={`Stop waiting for ${id}`}
                  onClick={() => actions.removeBlocker(task, id)}
                >
                  remove
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="button-row">
          <select aria-label="Add a task this one waits for" value={blocker} onChange={(e) => setBlocker(e.target.value)}>
            <option value="">Add a blocker…</option>
            {candidates.slice(0, 500).map((t) => (
              <option key={t.id} value={t.id}>
                {t.id} — {t.subject}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={!blocker}
            onClick={() => {
              actions.addBlocker(task, blocker);
              setBlocker('');
            }}
          >
            Add
          </button>
        </div>
        <h3>Blocks</h3>
        {task.blocks.length === 0 ? (
          <p className="muted">Nothing.</p>
        ) : (
          <ul className="deps">
            {task.blocks.map((id) => (
              <li key={id}>
                {allTasks.get(id)?.subject ?? 'a task that no longer exists'} <span className="muted small">· {id}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <p className="muted small">
        <Ago at={task.createdAt} prefix="Created " /> · <Ago at={task.updatedAt} prefix="updated " />
      </p>
      <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
        Delete task…
      </button>

      {confirmForce && (
        <BreakClaimDialog
          task={task}
          onCancel={() => setConfirmForce(false)}
          onConfirm={(reason) => {
            actions.forceRelease(task, reason);
            setConfirmForce(false);
          }}
        />
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete task ${task.id}?`}
          confirmLabel="Delete"
          cancelLabel="Keep it"
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => {
            actions.remove(task);
            setConfirmDelete(false);
          }}
        >
          <p>"{task.subject}" will be deleted and removed from every dependency list. You can undo this right after (Ctrl+Z).</p>
        </ConfirmDialog>
      )}
    </aside>
  );
}
