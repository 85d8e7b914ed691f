import type { MessageType, TeamMessage } from '../../../shared/messages';
import { REQUEST_TYPES, type RequestKind, type RequestList, type TeamRequest } from '../../../shared/requests';
import { describeAge, parseTimestamp } from '../../../shared/time';
import { CallError } from '../api';

/** The approvals list's rules, without React: what a request says, who answers it, and a late answer in words. */

export const KIND_LABEL: Record<RequestKind, string> = { plan: 'Plan', shutdown: 'Shutdown', join: 'Join' };

/** Message types that change the approvals list: a request, its answer, an idle notice. */
const RELEVANT = new Set<string>(['idle', ...Object.values(REQUEST_TYPES).flatMap((t): MessageType[] => [t.ask, t.approved, t.rejected])]);
export const changesApprovals = (m: TeamMessage): boolean => RELEVANT.has(m.type);

export const requestKeyOf = (team: string, r: Pick<TeamRequest, 'kind' | 'requestId'>): string => `${team}/${r.kind}:${r.requestId}`;

/** One line for a request: what is asked, in words. */
export function requestTitle(r: TeamRequest): string {
  const m = r.message;
  if (r.kind === 'plan') return `${r.from} asks ${r.to} to approve a plan`;
  if (r.kind === 'shutdown') return `${r.from} asks ${r.to} to shut down`;
  const name = typeof m.proposedName === 'string' ? m.proposedName : r.from;
  return `${name} asks to join${name !== r.from ? ` (asked by ${r.from})` : ''}`;
}

/** The short text beside it: a plan's summary, a shutdown's reason, a join's capabilities. */
export function requestSummary(r: TeamRequest): string {
  const m = r.message;
  const pick = (v: unknown) => (typeof v === 'string' ? v : '');
  if (r.kind === 'plan') return pick(m.summary);
  if (r.kind === 'shutdown') return pick(m.reason) || pick(m.content);
  return pick(m.capabilities) ? `Can do: ${pick(m.capabilities)}` : pick(m.content);
}

/** Who answers by default: the one asked (the team's leader for a plan or a join, the agent asked to shut down). */
export const defaultAnswerer = (r: TeamRequest): string => r.to;

/** A late answer (CONFLICT from answerRequest) in words: who answered, how and when; null for other failures. */
export function lateAnswer(err: unknown, now = Date.now() * 1000): string | null {
  if (!(err instanceof CallError) || err.code !== 'CONFLICT' || typeof err.error.details.answeredBy !== 'string') return null;
  const d = err.error.details;
  const who = typeof d.person === 'string' && d.person !== d.answeredBy ? `${d.person} (as ${d.answeredBy})` : d.answeredBy;
  const at = parseTimestamp(typeof d.at === 'string' ? d.at : null);
  const when = at !== null ? ` ${describeAge(at, Math.max(now, at))}` : '';
  return `Already ${String(d.decision ?? 'answered')} by ${who}${when}. Your answer was not sent.`;
}

/** Open requests of every team, oldest first. */
export function allOpen(lists: Record<string, RequestList>): Array<{ team: string; request: TeamRequest }> {
  const out = Object.entries(lists).flatMap(([team, l]) => l.open.map((request) => ({ team, request })));
  return out.sort((a, b) => (parseTimestamp(a.request.at) ?? 0) - (parseTimestamp(b.request.at) ?? 0));
}

/** Answered requests of every team, newest first. */
export function allAnswered(lists: Record<string, RequestList>): Array<{ team: string; request: TeamRequest }> {
  const out = Object.entries(lists).flatMap(([team, l]) => l.answered.map((request) => ({ team, request })));
  const at = (r: TeamRequest) => parseTimestamp(r.answer?.at || r.at) ?? 0;
  return out.sort((a, b) => at(b.request) - at(a.request));
}
