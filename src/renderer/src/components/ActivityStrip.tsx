import type { EventPayload } from '../../../shared/api';

export type Activity = EventPayload<'activity'>;

function describe(a: Activity): string {
  if (a.kind === 'created') return `created "${a.subject}"`;
  if (a.kind === 'deleted') return `deleted "${a.subject}"`;
  const status = a.changes.find((c) => c.field === 'status');
  if (status) return `moved "${a.subject}" to ${String(status.to).replace('_', ' ')}`;
  const lock = a.changes.find((c) => c.field === 'lockedBy');
  if (lock) return lock.to ? `claimed "${a.subject}"` : `released "${a.subject}"`;
  const owner = a.changes.find((c) => c.field === 'owner');
  if (owner) return `assigned "${a.subject}" to ${String(owner.to) || 'nobody'}`;
  const fields = a.changes.map((c) => c.field).filter((f) => f !== 'metadata');
  return `changed ${fields.join(', ') || 'details of'} "${a.subject}"`;
}

/** Recent changes from the watcher, newest first: who, what, when. */
export function ActivityStrip({ items, onOpen }: { items: Activity[]; onOpen(team: string, id: string): void }) {
  return (
    <section className="activity" data-testid="activity-strip" aria-label="Recent activity">
      <h3>Activity</h3>
      {items.length === 0 ? (
        <p className="muted">Changes made by anybody, the agents included, show up here.</p>
      ) : (
        <ol>
          {items.slice(0, 30).map((a, i) => (
            <li key={`${a.at}-${a.taskId}-${i}`}>
              <time>{new Date(a.at).toLocaleTimeString()}</time> <strong>{a.actor || 'someone'}</strong>{' '}
              <button type="button" className="link" onClick={() => onOpen(a.team, a.taskId)}>{describe(a)}</button>
              <span className="muted"> · {a.team}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
