import { useState } from 'react';
import type { TeamConfig, VersionedTask } from '../../../shared/domain';
import type { DetailActions } from './detail/actions';
import { Ago } from './Ago';
import { BreakClaimDialog, ConfirmDialog } from './ConfirmDialog';
import type { ConflictField } from './detail/conflict';
import { ClaimBox } from './detail/ClaimBox';
import { Dependencies } from './detail/Dependencies';
import { TaskFields } from './detail/TaskFields';
import { TaskTextForm } from './detail/TaskTextForm';
import { LabelsField } from './LabelsField';

export type { DetailActions } from './detail/actions';

interface Props {
  task: VersionedTask;
  config: TeamConfig;
  allTasks: Map<string, VersionedTask>;
  agentName: string;
  actions: DetailActions;
  /** What the person typed and did not keep in a conflict (Keep theirs), shown with Copy. */
  discarded?: ConflictField[] | null;
  onDismissDiscarded?(): void;
}

/** Every field of one task, its dependencies and its claim, editable. */
export function DetailPanel({ task, config, allTasks, agentName, actions, discarded, onDismissDiscarded }: Props) {
  const [confirmForce, setConfirmForce] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
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
      <TaskTextForm task={task} save={actions.save} discarded={discarded} onDismissDiscarded={onDismissDiscarded} />
      <TaskFields task={task} config={config} save={actions.save} />
      <LabelsField task={task} onSave={(labels) => actions.save(task, { metadata: { labels } })} />
      <p className="detail-id muted small">Task id {task.id}</p>
      <ClaimBox task={task} agentName={agentName} waitsFor={waitsFor} actions={actions} onForce={() => setConfirmForce(true)} />
      <Dependencies task={task} allTasks={allTasks} actions={actions} />
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
