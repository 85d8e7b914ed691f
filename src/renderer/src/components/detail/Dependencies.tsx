import { useState } from 'react';
import type { VersionedTask } from '../../../../shared/domain';
import { STATUS_LABEL } from '../../board/logic';
import type { DetailActions } from './actions';

/** What the task waits for (with remove and Add a blocker…) and what waits for it. */
export function Dependencies({
  task,
  allTasks,
  actions,
}: {
  task: VersionedTask;
  allTasks: Map<string, VersionedTask>;
  actions: DetailActions;
}) {
  const [blocker, setBlocker] = useState('');
  const candidates = [...allTasks.values()].filter((t) => t.id !== task.id && t.status !== 'completed' && !task.blockedBy.includes(t.id));
  return (
    <section aria-label="Dependencies">
      <h3>Blocked by</h3>
      {task.blockedBy.length === 0 ? (
        <p className="muted">Nothing.</p>
      ) : (
        <ul className="deps">
          {task.blockedBy.map((id) => {
            const blocking = allTasks.get(id);
            return (
              <li key={id}>
                <span>{blocking?.subject ?? 'a task that no longer exists'}</span>{' '}
                <span className="muted small">
                  {blocking ? STATUS_LABEL[blocking.status].toLowerCase() : 'missing'} · {id}
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
            );
          })}
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
  );
}
