import type { Member } from '../../shared/domain';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared/errors';
import type { MessageRecord, SendMessageInput, TeamMessage } from '../../shared/messages';
import { assertName, MAX_NAME_LENGTH, NAME_PATTERN } from '../../shared/names';
import {
  REQUEST_KINDS,
  REQUEST_TYPES,
  type RequestAnswer,
  type RequestKind,
  type RequestList,
  type TeamRequest,
} from '../../shared/requests';

/**
 * Requests and their answers, the rules both backends share (requests-folder.ts, postgres/pg-requests.ts): the
 * messages in ClawTeam 0.3's exact formats (team/plan.py, team/lifecycle.py, `team approve-join`), the open and
 * answered requests read from the history, and answering once: `answerRequest` runs inside the team's lock (a data
 * folder) or transaction (a database), finds the request, refuses with CONFLICT naming who answered when it already
 * was (through Lockstep, or by a reply in the history), else sends the answer and records it.
 */

import {
  answerMessage,
  text,
  type AnswerInput,
  type IdleInput,
  type JoinInput,
  type PlanInput,
  type ShutdownInput,
} from './request-messages';

export type { AnswerInput, IdleInput, JoinInput, PlanInput, ShutdownInput } from './request-messages';
export { idleMessage, joinMessage, pendingInbox, planMessage, shutdownMessage } from './request-messages';

export interface AnswerResult {
  request: TeamRequest;
  message: TeamMessage;
  /** A join approval: the member added. */
  member?: Member;
}

/** Plans, shutdown, join and idle requests on one backend (`Store.requests`). */
export interface RequestService {
  /** ClawTeam's submit_plan: saves the plan (`plans/<team>/<agent>-<plan id>.md`) and asks the leader. */
  submitPlan(team: string, input: PlanInput): Promise<TeamRequest>;
  /** The plan's text, or null when there is no such plan. */
  getPlan(team: string, planId: string, agent: string): Promise<string | null>;
  requestShutdown(team: string, input: ShutdownInput): Promise<TeamRequest>;
  requestJoin(team: string, input: JoinInput): Promise<TeamRequest>;
  /** ClawTeam's send_idle: tells the leader the agent is idle. */
  sendIdle(team: string, input: IdleInput): Promise<TeamMessage>;
  /**
   * Approves or rejects a request, exactly once whoever races: the loser gets CONFLICT (`details.answeredBy`,
   * `details.decision`, `details.at`) and nothing is sent for it. A join approval adds the member in the same step.
   */
  answer(team: string, input: AnswerInput): Promise<AnswerResult>;
  /** Open requests (only those asked of `for`, when given), answered ones, and each member's latest idle notice. */
  list(team: string, options?: { for?: string }): Promise<RequestList>;
}

export const requestKey = (kind: RequestKind, requestId: string): string => `${kind}:${requestId}`;

/** The message types a request list is made of (requests, their answers, idle notices): others need not be kept. */
export const REQUEST_MESSAGE_TYPES: ReadonlySet<string> = new Set([
  ...REQUEST_KINDS.flatMap((k) => Object.values(REQUEST_TYPES[k])),
  'idle',
]);

/** Request and plan ids: ClawTeam's identifiers (a file name part, like a member name). */
export function assertRequestId(value: unknown, what = 'request id'): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value) || value.length > MAX_NAME_LENGTH || value === '.' || value === '..') {
    throw new InvalidInputError(`The ${what} must be 1 to ${MAX_NAME_LENGTH} letters, digits, ".", "_" or "-" (got "${String(value)}").`);
  }
  return value;
}

/** A request message as a request (its answer not looked up). */
/** A request message as a request (its answer not looked up). */
export function asRequest(kind: RequestKind, m: TeamMessage): TeamRequest {
  return { kind, requestId: m.requestId as string, from: m.from, to: m.to ?? '', at: m.timestamp, message: m };
}

/** The open and answered requests in a history (oldest first), with the answers Lockstep recorded. */
export function collectRequests(records: MessageRecord[], recorded: ReadonlyMap<string, RequestAnswer>, forWhom?: string): RequestList {
  const asks = new Map<string, TeamRequest>();
  const replies = new Map<string, RequestAnswer>();
  const idle: Record<string, TeamMessage> = {};
  for (const { message: m } of records) {
    if (m.type === 'idle') idle[m.from] = m;
    if (typeof m.requestId !== 'string') continue;
    for (const kind of REQUEST_KINDS) {
      const types = REQUEST_TYPES[kind];
      const key = requestKey(kind, m.requestId);
      if (m.type === types.ask && !asks.has(key)) asks.set(key, asRequest(kind, m));
      if ((m.type === types.approved || m.type === types.rejected) && !replies.has(key)) {
        const feedback = typeof m.feedback === 'string' ? m.feedback : typeof m.reason === 'string' ? m.reason : undefined;
        replies.set(key, {
          decision: m.type === types.approved ? 'approved' : 'rejected',
          by: m.from,
          at: m.timestamp,
          source: 'message',
          ...(feedback ? { feedback } : {}),
        });
      }
    }
  }
  const list: RequestList = { open: [], answered: [], idle };
  for (const [key, request] of asks) {
    if (forWhom !== undefined && request.to !== forWhom) continue;
    const answer = recorded.get(key) ?? replies.get(key);
    if (answer) list.answered.push({ ...request, answer });
    else list.open.push(request);
  }
  return list;
}

const WHAT: Record<RequestKind, string> = { plan: 'Plan', shutdown: 'Shutdown request', join: 'Join request' };

export function alreadyAnswered(kind: RequestKind, requestId: string, from: string, answer: RequestAnswer): ConflictError {
  const { by, decision, at, person } = answer;
  const who = person ? `${by} (${person}, from a Lockstep window)` : by;
  return new ConflictError(
    `${WHAT[kind]} ${requestId} from ${from} was already ${decision} by ${who} at ${at}; your answer was not sent.`,
    { kind, requestId, answeredBy: by, decision, at, person },
  );
}

/** What answering needs from a backend, each step inside the team's lock or transaction. */
export interface AnswerSteps {
  /** History entries (at least every one carrying this request id), oldest first. */
  history(): Promise<MessageRecord[]>;
  /** The answer Lockstep recorded for this request, if any. */
  recorded(): Promise<RequestAnswer | undefined>;
  /** Whether the plan file exists (a plan request no longer in the history can still be answered, as ClawTeam does). */
  planExists(agent: string): Promise<boolean>;
  addMember(name: string): Promise<Member>;
  send(input: SendMessageInput): Promise<TeamMessage>;
  record(answer: RequestAnswer): Promise<void>;
}

export function checkAnswer(input: AnswerInput): AnswerInput {
  if (!input || typeof input !== 'object') throw new InvalidInputError('Say which request to answer.');
  if (!(REQUEST_KINDS as readonly string[]).includes(input.kind)) {
    throw new InvalidInputError(`Unknown request kind "${String(input.kind)}"; use one of: ${REQUEST_KINDS.join(', ')}.`);
  }
  assertRequestId(input.requestId, input.kind === 'plan' ? 'plan id' : 'request id');
  assertName(input.by, 'agent');
  if (input.person !== undefined) assertName(input.person, 'agent');
  if (typeof input.approve !== 'boolean') throw new InvalidInputError('Say whether to approve or reject.');
  if (input.requester !== undefined) assertName(input.requester, 'agent');
  if (input.assignedName !== undefined) assertName(input.assignedName, 'member');
  text(input.feedback, 'feedback', 100_000);
  return input;
}

/** The journal entry's op for an answer that adds no member (a team entry: it changes no task). */
export const ANSWER_OP = 'team.answer-request';

/**
 * Answers one request (see RequestService.answer); runs inside the team's lock or transaction. `details` (the journal
 * entry's) gets who asked.
 */
export async function answerRequest(
  team: string,
  input: AnswerInput,
  steps: AnswerSteps,
  details: Record<string, unknown> = {},
): Promise<AnswerResult> {
  const { kind, requestId } = input;
  const found = collectRequests(await steps.history(), new Map());
  const key = requestKey(kind, requestId);
  let request = [...found.open, ...found.answered].find((r) => requestKey(r.kind, r.requestId) === key);
  const answer = (await steps.recorded()) ?? request?.answer;
  if (answer) throw alreadyAnswered(kind, requestId, request?.from ?? input.requester ?? '?', answer);
  if (!request && kind === 'plan' && input.requester && (await steps.planExists(input.requester))) {
    const message: TeamMessage = { type: 'plan_approval_request', from: input.requester, requestId, timestamp: '' };
    request = { kind, requestId, from: input.requester, to: input.by, at: '', message };
  }
  if (!request) {
    const from = input.requester ? ` from ${input.requester}` : '';
    throw new NotFoundError(`There is no ${WHAT[kind].toLowerCase()} ${requestId}${from} in team ${team}.`, { team, kind, requestId });
  }
  if (input.requester && input.requester !== request.from) {
    throw new InvalidInputError(`${WHAT[kind]} ${requestId} was made by ${request.from}, not ${input.requester}.`, { requestId });
  }
  details.from = request.from;
  const joining = kind === 'join' && input.approve;
  const member = joining ? await steps.addMember(input.assignedName ?? String(request.message.proposedName ?? request.from)) : undefined;
  const message = await steps.send(answerMessage(team, request, input, member));
  const feedback = text(input.feedback, 'feedback', 100_000);
  const recorded: RequestAnswer = {
    decision: input.approve ? 'approved' : 'rejected',
    by: input.by,
    ...(input.person && input.person !== input.by ? { person: input.person } : {}),
    at: message.timestamp,
    source: 'lockstep',
    ...(feedback ? { feedback } : {}),
    ...(member ? { member: member.name } : {}),
  };
  await steps.record(recorded);
  return { request: { ...request, answer: recorded }, message, ...(member ? { member } : {}) };
}
