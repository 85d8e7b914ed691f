import { useEffect, useState } from 'react';
import type { Member } from '../../../shared/domain';
import { Compose } from './Compose';
import { CostStrip } from './CostStrip';
import { MessageList } from './MessageList';
import { useMessagesContext } from './MessagesContext';
import './messages.css';

interface Props {
  members: Member[];
  /** A task's panel is open beside the board: in a window too narrow for both, the messages fold to a rail. */
  taskOpen?: boolean;
  /** The person's choice, remembered in the settings; null: follow the window's width. */
  open: boolean | null;
  onOpen(open: boolean): void;
  /** Closes the task panel (it asks first when it holds unsaved text): the rail's way back to the messages. */
  onCloseTask(): void;
}

/** Below this window width the messages start folded (until the person shows them; that is remembered). */
export const MESSAGES_WIDE_ENOUGH = 1200;
/** Below this width the board, the task panel and the messages do not fit side by side: an open task folds them. */
export const MESSAGES_WIDE_FOR_BOTH = 1760;

/** The team's messages (newest first), the member filter, a compose box and the cost strip: the workspace's right-hand column. */
export function MessagePanel({ members, taskOpen = false, open: chosen, onOpen, onCloseTask }: Props) {
  const ctx = useMessagesContext();
  const [width, setWidth] = useState(() => (typeof window === 'undefined' ? MESSAGES_WIDE_FOR_BOTH : window.innerWidth));
  useEffect(() => {
    const onResize = () => setWidth(window.innerWidth);
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, []);
  if (!ctx) return null;
  const open = chosen ?? width >= MESSAGES_WIDE_ENOUGH;
  const { data, selected, select } = ctx;
  const unread = Object.values(data.unread).reduce((a, b) => a + b, 0);
  // In a window too narrow for both, the task panel takes the column; the rail's click closes the task to give it back.
  const yieldsToTask = taskOpen && width < MESSAGES_WIDE_FOR_BOTH;
  if (!open || yieldsToTask) {
    const show = () => {
      if (!open) onOpen(true);
      if (yieldsToTask) onCloseTask();
    };
    const what = `${unread} unread, ${data.records.length} in history`;
    return (
      <aside className="message-rail" data-testid="message-rail" aria-label="Team messages and costs (folded)">
        <button
          type="button"
          className="rail-button"
          data-testid="show-messages"
          onClick={show}
          title={yieldsToTask ? 'Show messages and costs (closes the task panel)' : 'Show messages and costs'}
          aria-label={`Show messages and costs${yieldsToTask ? ' (closes the task panel)' : ''}: ${what}`}
        >
          <span aria-hidden="true">✉</span>
          <span className={`rail-count${unread > 0 ? ' has-unread' : ''}`} data-testid="rail-unread">
            {unread}
          </span>
          <span className="rail-label">Messages</span>
        </button>
      </aside>
    );
  }
  return (
    <aside className="message-panel" data-testid="message-panel" aria-label="Team messages and costs">
      <button
        type="button"
        className="icon-button mp-fold"
        onClick={() => onOpen(false)}
        aria-label="Fold the messages panel"
        title="Fold the messages panel (remembered)"
      >
        ⟩
      </button>
      <CostStrip />
      <div className="mp-head">
        <h2>Messages</h2>
        {selected ? (
          <span className="mp-filter" data-testid="message-filter">
            {selected.name}'s messages
            <button type="button" className="link" onClick={() => select(null)} aria-label="Show all messages">
              show all
            </button>
          </span>
        ) : (
          <span className="muted mp-hint">Click a member to filter</span>
        )}
      </div>
      {data.error && (
        <p role="alert" className="mp-error">
          {data.error}
        </p>
      )}
      <MessageList records={data.records} more={data.more} onLoadOlder={data.loadOlder} members={members} loading={data.loading} />
      <Compose members={members} />
    </aside>
  );
}
