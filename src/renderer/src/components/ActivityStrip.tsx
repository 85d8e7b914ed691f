import { describeAge } from '../../../shared/time';
import { groupRows, groupSummary, type ActivityRow } from '../activity/group';
import { useTeamLabel } from '../state/names';
import { useNow } from '../state/useNow';
import '../undo-activity.css';

export type { ActivityRow } from '../activity/group';

interface Props {
  items: ActivityRow[];
  onOpen(team: string, id: string): void;
}

function Row({ row, now, onOpen, actor = true }: { row: ActivityRow; now: number; onOpen: Props['onOpen']; actor?: boolean }) {
  const teamLabel = useTeamLabel();
  return (
    <>
      <time dateTime={new Date(row.at).toISOString()} title={new Date(row.at).toLocaleString()}>
        {describeAge(row.at * 1000, Math.max(now, row.at) * 1000)}
      </time>{' '}
      {actor && <strong>{row.actor}</strong>}{' '}
      {row.taskId && row.verb !== 'deleted' ? (
        <button type="button" className="link" onClick={() => onOpen(row.team, row.taskId as string)}>
          {row.text}
        </button>
      ) : (
        <span>{row.text}</span>
      )}
      {row.reason && <span className="muted"> — "{row.reason}"</span>}
      <span className="muted"> · {teamLabel(row.team)}</span>
    </>
  );
}

/**
 * Who did what, newest first: the teams' journals (so it remembers across launches) and live changes, in words;
 * bursts from one agent fold into one expandable line; each task links to its card.
 */
export function ActivityStrip({ items, onOpen }: Props) {
  // The shared clock ticks, so "2 min ago" stays true; only this view re-renders for it.
  const now = useNow();
  const groups = groupRows(items).slice(0, 60);
  const teamLabel = useTeamLabel();
  return (
    <section className="activity" data-testid="activity-strip" aria-label="Recent activity">
      <h3>Activity</h3>
      {groups.length === 0 ? (
        <p className="muted">Changes made by anybody, the agents included, show up here.</p>
      ) : (
        <ol className="activity-list">
          {groups.map((g) =>
            g.rows.length === 1 ? (
              <li key={g.key} data-testid="activity-row">
                <Row row={g.rows[0]} now={now} onOpen={onOpen} />
              </li>
            ) : (
              <li key={g.key} data-testid="activity-group">
                <details>
                  <summary>
                    <time dateTime={new Date(g.rows[0].at).toISOString()} title={new Date(g.rows[0].at).toLocaleString()}>
                      {describeAge(g.rows[0].at * 1000, Math.max(now, g.rows[0].at) * 1000)}
                    </time>{' '}
                    <strong>{groupSummary(g)}</strong>
                    <span className="muted"> · {teamLabel(g.team)}</span>
                  </summary>
                  <ol>
                    {g.rows.map((row) => (
                      <li key={row.key} data-testid="activity-row">
                        <Row row={row} now={now} onOpen={onOpen} actor={false} />
                      </li>
                    ))}
                  </ol>
                </details>
              </li>
            ),
          )}
        </ol>
      )}
    </section>
  );
}
