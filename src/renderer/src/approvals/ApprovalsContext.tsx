import { createContext, useContext, type ReactNode } from 'react';
import type { TeamMessage } from '../../../shared/messages';
import { describeAge, parseTimestamp } from '../../../shared/time';
import type { ApprovalsState } from './useApprovals';

interface ApprovalsContextValue {
  approvals: ApprovalsState;
  /** The team on screen (its member cards show idle notices). */
  team: string | null;
}

const Ctx = createContext<ApprovalsContextValue | null>(null);

export function ApprovalsProvider({ value, children }: { value: ApprovalsContextValue; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** A member's latest idle notice in the team on screen, if any. */
export function useMemberIdle(member: string): TeamMessage | null {
  const ctx = useContext(Ctx);
  if (!ctx?.team) return null;
  return ctx.approvals.lists[ctx.team]?.idle[member] ?? null;
}

/** The small "idle" mark on a member card: the agent said it is idle (when, and its last task, on hover). */
export function IdleMark({ member }: { member: string }) {
  const idle = useMemberIdle(member);
  if (!idle) return null;
  const last = typeof idle.lastTask === 'string' && idle.lastTask ? ` Last task: ${idle.lastTask}.` : '';
  const status = typeof idle.status === 'string' && idle.status ? ` Status: ${idle.status}.` : '';
  const at = parseTimestamp(idle.timestamp);
  const when = at !== null ? ` ${describeAge(at)}` : '';
  return (
    <span className="idle-mark" data-testid={`idle-${member}`} title={`${member} said it is idle${when}.${last}${status}`}>
      idle
    </span>
  );
}
