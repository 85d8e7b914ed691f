import type { MessageRow } from './logic';
import { describeAge } from '../../../shared/time';

interface Props {
  row: MessageRow;
  direction: 'Sent' | 'Received' | null;
  isOpen: boolean;
  /** Who it went to, in names. */
  to: string;
  now: number;
  nameOf(inbox: string): string;
  onToggle(id: string): void;
}

/** One message of the list: who to whom, when, its kind and text (the whole of it, and its keys, when opened). */
export function MessageItem({ row, direction, isOpen, to, now, nameOf, onToggle }: Props) {
  const m = row.message;
  return (
    <button
      type="button"
      className="mp-row-button"
      aria-expanded={isOpen}
      onClick={() => onToggle(row.id)}
      title={isOpen ? 'Show less' : 'Show the whole message'}
    >
      <span className="mp-line1">
        <span className="mp-who" title={`${m.from} → ${to}`}>
          <strong>{m.from}</strong> <span aria-label="to">→</span> <strong>{to}</strong>
        </span>
        <time className="mp-time muted" dateTime={m.timestamp} title={m.timestamp}>
          {row.micros === null ? m.timestamp : describeAge(row.micros, now * 1000)}
        </time>
      </span>
      <span className="mp-line2">
        <span className={`mp-label ${row.broadcast ? 'broadcast' : 'direct'}`}>{row.broadcast ? 'Broadcast' : 'Direct'}</span>
        {direction && <span className={`mp-label ${direction.toLowerCase()}`}>{direction}</span>}
        {m.type !== 'message' && m.type !== 'broadcast' && <span className="mp-label type">{m.type.replace(/_/g, ' ')}</span>}
        <span className={isOpen ? 'mp-content full' : 'mp-content'}>{m.content ?? <em className="muted">(no text)</em>}</span>
      </span>
      {isOpen && row.broadcast && row.recipients.length > 1 && (
        <span className="mp-meta muted">to {row.recipients.map(nameOf).join(', ')}</span>
      )}
      {isOpen && (m.key || m.requestId) && (
        <span className="mp-meta muted">
          {[m.key && `key ${m.key}`, m.requestId && `request ${m.requestId}`].filter(Boolean).join(' · ')}
        </span>
      )}
    </button>
  );
}
