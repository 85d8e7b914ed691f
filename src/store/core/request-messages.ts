import type { Member } from '../../shared/domain';
import { InvalidInputError } from '../../shared/errors';
import { MAX_CONTENT_LENGTH, type SendMessageInput } from '../../shared/messages';
import { assertName } from '../../shared/names';
import { REQUEST_TYPES, type RequestKind, type TeamRequest } from '../../shared/requests';

/**
 * The messages of requests and answers, exactly as ClawTeam 0.3 builds them (team/plan.py, team/lifecycle.py,
 * `team approve-join`): which fields, which text, what is left out when empty. Both backends send these (requests.ts).
 */

export interface PlanInput {
  agent: string;
  content: string;
  /** ClawTeam's default: the plan's first 200 characters. */
  summary?: string;
  /** Who approves (the team's leader by default). */
  leader?: string;
}
export interface ShutdownInput {
  from: string;
  to: string;
  reason?: string;
}
export interface JoinInput {
  from: string;
  /** The name to join under (default `from`). */
  proposedName?: string;
  capabilities?: string;
  /** Who approves (the team's leader by default). */
  to?: string;
}
export interface IdleInput {
  agent: string;
  lastTask?: string;
  status?: string;
  /** Who is told (the team's leader by default). */
  to?: string;
}
export interface AnswerInput {
  kind: RequestKind;
  requestId: string;
  /** Who answers: an agent, or the person at the window. */
  by: string;
  /** The person at a window answering as `by` (recorded, and named to whoever answers too late). */
  person?: string;
  approve: boolean;
  /** A plan's feedback, or the reason given with a shutdown or join answer. */
  feedback?: string;
  /** Who asked, as ClawTeam's CLI names it: checked against the request (and finds a plan by its file). */
  requester?: string;
  /** A join approval: the new member's name (default: the proposed name). */
  assignedName?: string;
}

export function text(value: unknown, what: string, max = MAX_CONTENT_LENGTH): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`The ${what} must be text.`);
  if (value.length > max) throw new InvalidInputError(`The ${what} is too long (at most ${max} characters).`);
  return value;
}

/** Optional message fields, left out when empty (ClawTeam sends null, which is not written). */
function fields(values: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (v) out[k] = v;
  return out;
}

export function planMessage(input: PlanInput, leader: string, planId: string, planFile: string): SendMessageInput {
  const content = text(input.content, 'plan') ?? '';
  if (!content.trim()) throw new InvalidInputError('Write the plan to submit.');
  // Python slices by code point: the first 200 characters, never half of one.
  const summary = text(input.summary, 'summary', 10_000) ?? Array.from(content).slice(0, 200).join('');
  return {
    type: 'plan_approval_request',
    from: assertName(input.agent, 'agent'),
    to: assertName(leader, 'member'),
    fields: { requestId: planId, planFile, summary, plan: content },
  };
}

export function shutdownMessage(input: ShutdownInput): SendMessageInput {
  const reason = text(input.reason, 'reason', 10_000);
  return {
    type: 'shutdown_request',
    from: assertName(input.from, 'agent'),
    to: assertName(input.to, 'member'),
    content: `Shutdown requested.${reason ? ` Reason: ${reason}` : ''}`,
    fields: fields({ reason }),
  };
}

export function joinMessage(input: JoinInput, leader: string, team: string): SendMessageInput {
  const from = assertName(input.from, 'agent');
  const proposedName = assertName(input.proposedName ?? from, 'member');
  const capabilities = text(input.capabilities, 'capabilities', 10_000);
  return {
    type: 'join_request',
    from,
    to: assertName(leader, 'member'),
    content: `${proposedName} asks to join team ${team}.`,
    fields: fields({ proposedName, capabilities }),
  };
}

export function idleMessage(input: IdleInput, leader: string, agentId: string | undefined): SendMessageInput {
  return {
    type: 'idle',
    from: assertName(input.agent, 'agent'),
    to: assertName(leader, 'member'),
    fields: fields({ agentId, lastTask: text(input.lastTask, 'last task', 10_000), status: text(input.status, 'status', 200) }),
  };
}

/** ClawTeam's inbox for somebody who is not a member yet (`team approve-join` answers there). */
export const pendingInbox = (proposedName: string): string => `_pending_${proposedName}`;

export function answerMessage(team: string, request: TeamRequest, input: AnswerInput, member?: Member): SendMessageInput {
  const types = REQUEST_TYPES[request.kind];
  const type = input.approve ? types.approved : types.rejected;
  const note = text(input.feedback, input.kind === 'plan' ? 'feedback' : 'reason', 100_000);
  const requestId = request.requestId;
  if (request.kind === 'plan') return { type, from: input.by, to: request.from, fields: fields({ requestId, feedback: note }) };
  if (request.kind === 'shutdown') {
    return input.approve
      ? { type, from: input.by, to: request.from, content: `${input.by} shutting down.`, fields: { requestId } }
      : {
          type,
          from: input.by,
          to: request.from,
          content: `Shutdown rejected.${note ? ` Reason: ${note}` : ''}`,
          fields: fields({ requestId, reason: note }),
        };
  }
  const to = pendingInbox(String(request.message.proposedName ?? request.from));
  if (member)
    return { type, from: input.by, to, fields: { requestId, assignedName: member.name, agentId: member.agentId, teamName: team } };
  return {
    type,
    from: input.by,
    to,
    content: `Join request rejected.${note ? ` Reason: ${note}` : ''}`,
    fields: fields({ requestId, reason: note }),
  };
}
