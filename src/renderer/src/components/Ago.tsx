import { describeAge, parseTimestamp } from '../../../shared/time';
import { useNow } from '../state/useNow';

/** The exact local time, for the tooltip beside every relative time. */
export function exactTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** "4 min ago", ticking, with the exact time on hover. Takes ClawTeam's timestamps or epoch milliseconds. */
export function Ago({ at, prefix = '' }: { at: string | number; prefix?: string }) {
  const now = useNow();
  const micros = typeof at === 'number' ? at * 1000 : parseTimestamp(at);
  if (micros === null) return null;
  return (
    <time dateTime={new Date(micros / 1000).toISOString()} title={exactTime(micros / 1000)}>
      {prefix}
      {describeAge(micros, Math.max(now * 1000, micros))}
    </time>
  );
}
