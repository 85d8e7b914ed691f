import {
  TASK_PRIORITIES,
  TASK_STATUSES,
  type TaskPriority,
  type TaskStatus,
  type TeamConfig,
  type VersionedTask,
} from '../../../../shared/domain';
import { STATUS_LABEL } from '../../board/logic';
import type { DetailActions } from './actions';

/** Status, priority and owner, each saved as soon as it is chosen; members by the name people see. */
export function TaskFields({ task, config, save }: { task: VersionedTask; config: TeamConfig; save: DetailActions['save'] }) {
  return (
    <div className="fields">
      <label>
        Status
        <select value={task.status} onChange={(e) => save(task, { status: e.target.value as TaskStatus })}>
          {TASK_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Priority
        <select value={task.priority} onChange={(e) => save(task, { priority: e.target.value as TaskPriority })}>
          {TASK_PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        Owner
        <select value={task.owner} onChange={(e) => save(task, { owner: e.target.value })}>
          <option value="">nobody</option>
          {config.members.map((m) => (
            <option key={m.name} value={m.name}>
              {m.lockstep?.displayName ?? m.name}
            </option>
          ))}
          {task.owner && !config.members.some((m) => m.name === task.owner) && <option value={task.owner}>{task.owner}</option>}
        </select>
      </label>
    </div>
  );
}
