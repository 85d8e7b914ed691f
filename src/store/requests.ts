import type { Member } from '../shared/domain';
import { ConflictError, InvalidInputError, NotFoundError } from '../shared/errors';
import { MAX_CONTENT_LENGTH, type MessageRecord, type SendMessageInput, type TeamMessage } from '../shared/messages';
import { assertName, MAX_NAME_LENGTH, NAME_PATTERN } from '../shared/names';
import { REQUEST_KINDS, REQUEST_TYPES, type RequestAnswer, type RequestKind, type RequestList, type TeamRequest } from '../shared/requests';

/**
 * Requests and their answers, the rules both backends share (requests-folder.ts, postgres/pg-requests.ts): the
 * messages in ClawTeam 0.3's exact formats (team/plan.py, team/lifecycle.py, `team approve-join`), the open and
 * answered requests read from the history, and answering once: `answerRequest` runs inside the team's lock (a data
 * folder) or transaction (a database), finds the request, refuses with CONFLICT naming who answered when it already
 * was (through Lockstep, or by a reply in the history), else sends the answer and records it.
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

/** Request and plan ids: ClawTeam's identifiers (a file name part, like a member name). */
export function assertRequestId(value: unknown, what = 'request id'): string {
  if (typeof value !== 'string' || !NAME_PATTERN.test(value) || value.length > MAX_NAME_LENGTH || value === '.' || value === '..') {
    throw new InvalidInputError(`The ${what} must be 1 to ${MAX_NAME_LENGTH} letters, digits, ".", "_" or "-" (got "${String(value)}").`);
  }
  return value;
}

function text(value: unknown, what: string, max = MAX_CONTENT_LENGTH): string | undefined {
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

function answerMessage(team: string, request: TeamRequest, input: AnswerInput, member?: Member): SendMessageInput {
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

/** Answers one request (see RequestService.answer); runs inside the team's lock or transaction. */
export async function answerRequest(team: string, input: AnswerInput, steps: AnswerSteps): Promise<AnswerResult> {
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
