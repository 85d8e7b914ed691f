import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { inboxName, type Member } from '../../../shared/domain';
import { describeAge } from '../../../shared/time';
import { call, describeFailure } from '../api';
import { CostStrip } from './CostStrip';
import type { MessageRecord } from '../../../shared/messages';
import { rowsFor, toRows } from './logic';
import { useMessagesContext } from './MessagesContext';
import { useNow } from '../state/useNow';
import './messages.css';

const ROW_HEIGHT = 58; // a collapsed row; an opened one is measured
const BROADCAST = '*';

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

interface ListProps {
  records: MessageRecord[];
  more: boolean;
  onLoadOlder(): Promise<void>;
  members: Member[];
  loading: boolean;
}

function MessageList({ records, more, onLoadOlder, members, loading }: ListProps) {
  const now = useNow();
  const ctx = useMessagesContext()!;
  const rows = useMemo(() => toRows(records), [records]);
  // ClawTeam addresses a member with a user by its inbox (`<user>_<name>`): show the member's name.
  const nameOf = useMemo(() => {
    const byInbox = new Map(members.map((m) => [inboxName(m), m.name]));
    return (who: string) => byInbox.get(who) ?? who;
  }, [members]);
  const selected = ctx.selected;
  const shown = useMemo(() => rowsFor(rows, selected).reverse(), [rows, selected]);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => shown[i].row.id,
    overscan: 8,
  });

  // New messages arrive at the top: keep what the person is reading where it is, unless they are at the top.
  const previous = useRef<{ first: string | null; filterKey: string }>({ first: null, filterKey: '' });
  useLayoutEffect(() => {
    const filterKey = selected?.name ?? '';
    const first = shown[0]?.row.id ?? null;
    const el = scrollRef.current;
    const prev = previous.current;
    previous.current = { first, filterKey };
    if (!el) return;
    if (prev.filterKey !== filterKey) {
      el.scrollTop = 0;
      return;
    }
    if (!prev.first || prev.first === first || el.scrollTop <= 0) return;
    const added = shown.findIndex((s) => s.row.id === prev.first);
    if (added > 0) el.scrollTop += added * ROW_HEIGHT;
  }, [shown, selected]);

  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const [loadingOlder, setLoadingOlder] = useState(false);
  const older = more ? (
    <button
      type="button"
      className="link mp-older"
      data-testid="load-older"
      disabled={loadingOlder}
      onClick={async () => {
        setLoadingOlder(true);
        await onLoadOlder();
        setLoadingOlder(false);
      }}
    >
      {loadingOlder ? 'Loading…' : 'Show older messages'}
    </button>
  ) : null;

  if (!loading && shown.length === 0) {
    return (
      <div className="mp-list mp-empty muted" data-testid="message-list">
        {selected ? (
          `${selected.name} has not sent or received any message${more ? ' among the newest ones' : ' yet'}.`
        ) : (
          <>
            No messages yet. Agents send them with the command <code>lockstep inbox send</code>; you can write one below.
          </>
        )}
        {older}
      </div>
    );
  }
  return (
    <div className="mp-list" ref={scrollRef} data-testid="message-list" role="list" aria-label="Messages, newest first">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const { row, direction } = shown[item.index];
          const isOpen = open.has(row.id);
          const m = row.message;
          const to = row.broadcast
            ? row.recipients.length > 1
              ? `everyone (${row.recipients.length})`
              : nameOf(row.recipients[0] ?? 'everyone')
            : nameOf(m.to ?? '');
          return (
            <div
              key={item.key}
              ref={virtualizer.measureElement}
              data-index={item.index}
              role="listitem"
              className={`mp-row${isOpen ? ' open' : ''}${row.broadcast ? ' broadcast' : ''}`}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                transform: `translateY(${item.start}px)`,
                ...(isOpen ? {} : { height: ROW_HEIGHT }),
              }}
              data-testid="message-row"
              data-from={m.from}
              data-to={row.recipients.join(',')}
            >
              <button
                type="button"
                className="mp-row-button"
                aria-expanded={isOpen}
                onClick={() => toggle(row.id)}
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
            </div>
          );
        })}
      </div>
      {older}
    </div>
  );
}

function Compose({ members }: { members: Member[] }) {
  const ctx = useMessagesContext()!;
  const { api, team, agentName, selected } = ctx;
  const [to, setTo] = useState<string>('');
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const others = members.filter((m) => m.name !== agentName);
  // Default recipient: the member being looked at, else the first other member, else everyone.
  const target = to || selected?.name || others[0]?.name || BROADCAST;

  const send = async () => {
    if (!text.trim() || sending) return;
    setSending(true);
    setError(null);
    try {
      if (target === BROADCAST) {
        const r = await call(api, 'broadcastMessage', { team, content: text });
        ctx.onMessage(
          r.count ? `Sent to ${r.count} inbox${r.count === 1 ? '' : 'es'}.` : 'Nobody else has an inbox in this team yet.',
          r.count === 0,
        );
      } else {
        await call(api, 'sendMessage', { team, to: target, content: text });
        ctx.onMessage(`Sent to ${target}.`);
      }
      setText('');
    } catch (err) {
      setError(describeFailure(err));
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form
      className="mp-compose"
      aria-label="Write a message"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="mp-compose-head">
        <label>
          <span className="muted">To</span>{' '}
          <select aria-label="Recipient" data-testid="compose-to" value={target} onChange={(e) => setTo(e.target.value)}>
            {others.map((m) => (
              <option key={m.name} value={m.name}>
                {m.lockstep?.displayName ?? m.name}
              </option>
            ))}
            <option value={BROADCAST}>Everyone (broadcast)</option>
          </select>
        </label>
        <span className="muted mp-as">
          as <strong>{agentName}</strong>
        </span>
      </div>
      <textarea
        aria-label="Message text"
        data-testid="compose-text"
        placeholder="Write a message… (Ctrl+Enter sends)"
        value={text}
        rows={3}
        maxLength={100_000}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      {error && (
        <p role="alert" className="mp-error">
          {error}
        </p>
      )}
      <div className="mp-compose-foot">
        <span className="muted">Ctrl+Enter sends</span>
        <button type="submit" data-testid="compose-send" disabled={!text.trim() || sending}>
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
