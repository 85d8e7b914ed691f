import { useDroppable } from '@dnd-kit/core';
import type { Member, VersionedTask } from '../../../shared/domain';
import { memberAvailability, memberProfile } from '../../../shared/members';
import type { MemberStats } from '../board/logic';
import { AgentLine } from '../agents/AgentLine'; // agents: liveness, last output, Start agent…
import { useMemberMail } from '../messages/MessagesContext'; // messages: unread badge + click to filter
import { IdleMark } from '../approvals/ApprovalsContext'; // approvals: the agent said it is idle
import { agentsUseHint } from '../state/names';

interface Props {
  member: Member;
  leader: boolean;
  stats: MemberStats;
  dragging: VersionedTask | null;
  allTasks: VersionedTask[];
  onRemove(name: string): void;
  /** Opens the member's profile (role, skills, most tasks at once). */
  onEdit?(name: string): void;
}

/** A member: drop a task here to assign it. While dragging, members who cannot take it are shown as unavailable. */
export function MemberTarget({ member, leader, stats, dragging, allTasks, onRemove, onEdit }: Props) {
  const availability = dragging ? memberAvailability(member, dragging, allTasks) : { available: true as const };
  const { setNodeRef, isOver } = useDroppable({ id: `member:${member.name}`, data: { member: member.name } });
  const profile = memberProfile(member);
  const mail = useMemberMail(member);
  const overLimit = profile.wipLimit !== undefined && stats.held > profile.wipLimit;
  const label = profile.displayName ?? member.name;
  const agentsUse = agentsUseHint(member.name, label);
  const doing = `working on ${stats.held}${profile.wipLimit !== undefined ? ` of ${profile.wipLimit} at most` : ''}`;
  return (
    <div
      ref={setNodeRef}
      onClick={mail.onCardClick}
      className={`member${isOver ? ' over' : ''}${availability.available ? '' : ' unavailable'}${mail.selected ? ' mail-selected' : ''}`}
      data-testid={`member-${member.name}`}
      aria-label={`${label}${agentsUse ? ` (${agentsUse})` : ''}${leader ? ' (leader)' : ''}: ${stats.owned} assigned, ${doing}${overLimit ? ' (over the limit)' : ''}${availability.available ? '' : `; unavailable: ${availability.reason}`}`}
      title={availability.available ? agentsUse : availability.reason}
    >
      <div className="member-name">
        <span className="avatar" aria-hidden="true">
          {initials(label)}
        </span>
        <span className="member-title">
          <span>{label}</span>
          {(leader || profile.role || agentsUse) && (
            <span className="member-role">{[leader ? 'team lead' : '', profile.role, agentsUse].filter(Boolean).join(' · ')}</span>
          )}
        </span>
      </div>
      {availability.available ? (
        <div className="member-stats">
          <span title={`${stats.owned} open task${stats.owned === 1 ? '' : 's'} assigned to ${label}`}>{stats.owned} assigned</span>
          <span
            className={overLimit ? 'over-limit' : undefined}
            title={`${label} is ${doing}${overLimit ? ': over the limit' : ''}`}
            data-testid={`wip-${member.name}`}
          >
            doing {stats.held}
            {profile.wipLimit !== undefined ? ` / ${profile.wipLimit}` : ''}
          </span>
          <IdleMark member={member.name} />
          {mail.badge}
        </div>
      ) : (
        <div className="unavailable-reason">{availability.reason}</div>
      )}
      {profile.capabilities && profile.capabilities.length > 0 && (
        <div className="tags">
          {profile.capabilities.map((c) => (
            <span key={c} className="tag">
              {c}
            </span>
          ))}
        </div>
      )}
      {onEdit && (
        <button
          type="button"
          className="icon-button edit-member"
          aria-label={`Edit ${label}'s profile`}
          title="Role, skills, most tasks at once"
          onClick={(e) => {
            e.stopPropagation();
            onEdit(member.name);
          }}
        >
          ✎
        </button>
      )}
      <AgentLine member={member.name} />
      <button
        type="button"
        className="icon-button remove-member"
        aria-label={`Remove ${label} from the team`}
        onClick={() => onRemove(member.name)}
      >
        ×
      </button>
    </div>
  );
}

/** "SL" for Sam Lee, "FR" for frontend. */
function initials(label: string): string {
  const words = label.split(/[\s._-]+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[1][0] : label.slice(0, 2)).toUpperCase();
}
