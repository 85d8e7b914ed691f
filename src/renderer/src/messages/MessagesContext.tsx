import { createContext, useCallback, useContext, useMemo, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { inboxName, type Member } from '../../../shared/domain';
import type { SelectedMember } from './logic';
import { useTeamMessages } from './useTeamMessages';

interface MessagesContextValue {
  team: string;
  agentName: string;
  data: ReturnType<typeof useTeamMessages>;
  selected: SelectedMember | null;
  select(member: SelectedMember | null): void;
}

const Ctx = createContext<MessagesContextValue | null>(null);

/** Holds a team's messages, unread counts, costs and the member filter, for the panel and the member cards. */
export function MessagesProvider({
  team,
  agentName,
  onSelectMember,
  children,
}: {
  team: string;
  agentName: string;
  /** A member was chosen as the filter (so a folded messages column can show itself). */
  onSelectMember?(): void;
  children: ReactNode;
}) {
  const data = useTeamMessages(team);
  const [selected, setSelected] = useState<SelectedMember | null>(null);
  const [selectedTeam, setSelectedTeam] = useState(team);
  if (selectedTeam !== team) {
    setSelectedTeam(team);
    setSelected(null);
  }
  const onSelectRef = useRef(onSelectMember);
  onSelectRef.current = onSelectMember;
  const select = useCallback((member: SelectedMember | null) => {
    setSelected(member);
    if (member) onSelectRef.current?.();
  }, []);
  const value = useMemo(() => ({ team, agentName, data, selected, select }), [team, agentName, data, selected, select]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useMessagesContext(): MessagesContextValue | null {
  return useContext(Ctx);
}

/**
 * For a member card: its unread badge, whether it is the panel's filter, and a click handler that toggles the
 * filter (clicks on the card's own buttons are left alone). Inert outside a MessagesProvider.
 */
export function useMemberMail(member: Member): { selected: boolean; onCardClick(e: MouseEvent): void; badge: ReactNode } {
  const ctx = useContext(Ctx);
  const inbox = inboxName(member);
  const selected = ctx?.selected?.name === member.name;
  const select = ctx?.select;
  const onCardClick = useCallback(
    (e: MouseEvent) => {
      if (!select || (e.target as HTMLElement).closest('button, a, input, select, textarea')) return;
      select(selected ? null : { name: member.name, inbox });
    },
    [select, selected, member.name, inbox],
  );
  if (!ctx) return { selected: false, onCardClick, badge: null };
  const unread = ctx.data.unread[inbox] ?? 0;
  const badge = (
    <button
      type="button"
      className={`mail-badge${unread > 0 ? ' has-unread' : ''}${selected ? ' selected' : ''}`}
      data-testid={`unread-${member.name}`}
      data-count={unread}
      aria-pressed={selected}
      aria-label={`${unread} unread message${unread === 1 ? '' : 's'} for ${member.name}; ${selected ? 'show all messages' : `show ${member.name}'s messages`}`}
      title={selected ? 'Show all messages' : `Show ${member.name}'s messages`}
      onClick={() => ctx.select(selected ? null : { name: member.name, inbox })}
    >
      ✉ {unread}
    </button>
  );
  return { selected, onCardClick, badge };
}
