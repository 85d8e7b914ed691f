import { useDroppable } from '@dnd-kit/core';
import type { Member, VersionedTask } from '../../../shared/domain';
import { memberAvailability, memberProfile } from '../../../shared/members';
import type { MemberStats } from '../board/logic';
import { useMemberMail } from '../messages/MessagesContext'; // messages: unread badge + click to filter
import { AgentLine } from '../agents/AgentLine'; // agents: liveness, last output, Start agent…

interface Props {
  member: Member;
  leader: boolean;
  stats: MemberStats;
  dragging: VersionedTask | null;
  allTasks: VersionedTask[];
  onRemove(name: string): void;
}

/** A member: drop a task here to assign it. While dragging, members who cannot take it are shown as unavailable. */
export function MemberTarget({ member, leader, stats, dragging, allTasks, onRemove }: Props) {
  const availability = dragging ? memberAvailability(member, dragging, allTasks) : { available: true as const };
  const { setNodeRef, isOver } = useDroppable({ id: `member:${member.name}`, data: { member: member.name } });
  const profile = memberProfile(member);
  const mail = useMemberMail(member);
  return (
    <div
      ref={setNodeRef}
      onClick={mail.onCardClick}
      className={`member${isOver ? ' over' : ''}${availability.available ? '' : ' unavailable'}${mail.selected ? ' mail-selected' : ''}`}
      data-testid={`member-${member.name}`}
      aria-label={`${member.name}${leader ? ' (leader)' : ''}: owns ${stats.owned}, holds ${stats.held}${availability.available ? '' : `; unavailable: ${availability.reason}`}`}
      title={availability.available ? undefined : availability.reason}
    >
      <div className="member-name">
        <span className="avatar" aria-hidden="true">
          {member.name.slice(0, 2).toUpperCase()}
        </span>
        <span>
          {member.name}
          {leader && <span className="muted"> · lead</span>}
          {profile.role && <span className="muted"> · {profile.role}</span>}
        </span>
      </div>
      <div className="member-stats">
        <span>owns {stats.owned}</span>
        <span>
          holds {stats.held}
          {profile.wipLimit !== undefined ? ` / ${profile.wipLimit}` : ''}
        </span>
        {mail.badge}
      </div>
      {profile.capabilities && profile.capabilities.length > 0 && (
        <div className="tags">
          {profile.capabilities.map((c) => (
            <span key={c} className="tag">
              {c}
            </span>
          ))}
        </div>
      )}
      {!availability.available && <div className="unavailable-reason">{availability.reason}</div>}
      <AgentLine member={member.name} />
      <button
        type="button"
        className="icon-button remove-member"
        aria-label={`Remove ${member.name} from the team`}
        onClick={() => onRemove(member.name)}
      >
        ×
      </button>
    </div>
  );
}
