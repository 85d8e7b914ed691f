import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { inboxName, type Member } from '../../../shared/domain';
import type { MessageRecord } from '../../../shared/messages';
import { useNow } from '../state/useNow';
import { rowsFor, toRows } from './logic';
import { useMessagesContext } from './MessagesContext';
import { MessageItem } from './MessageItem';

const ROW_HEIGHT = 58; // a collapsed row; an opened one is measured

interface ListProps {
  records: MessageRecord[];
  more: boolean;
  onLoadOlder(): Promise<void>;
  members: Member[];
  loading: boolean;
}

export function MessageList({ records, more, onLoadOlder, members, loading }: ListProps) {
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
              <MessageItem row={row} direction={direction} isOpen={isOpen} to={to} now={now} nameOf={nameOf} onToggle={toggle} />
            </div>
          );
        })}
      </div>
      {older}
    </div>
  );
}
