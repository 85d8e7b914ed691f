import { InvalidInputError, LockstepError, NotFoundError } from '../shared/errors';
import type { TeamRequest } from '../shared/requests';
import type { AnswerInput, Store } from '../store';
import { str, who, type Command } from './command';

/**
 * `lockstep plan …`, `lockstep lifecycle …`, join requests, `request list` and `task wait`: ClawTeam's verbs and
 * argument order (clawteam/cli/commands.py) on either backend, through `Store.requests` (store/requests.ts).
 */

function seconds(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 31_536_000) {
    throw new InvalidInputError(`${what} must be a number of seconds above 0 (got "${value}").`);
  }
  return n;
}

async function answer(store: Store, team: string, input: AnswerInput, what: string) {
  const result = await store.requests.answer(team, input);
  const verb = input.approve ? 'Approved' : 'Rejected';
  return {
    json: {
      ok: true,
      requestId: input.requestId,
      ...(input.kind === 'plan' ? { planId: input.requestId } : {}),
      message: result.message,
      member: result.member,
    },
    text: `${verb} ${what} ${input.requestId} from ${result.request.from}${result.member ? `: ${result.member.name} joined team ${team}` : ''}.`,
  };
}

function describe(r: TeamRequest): string {
  const about =
    r.kind === 'plan'
      ? String(r.message.summary ?? '').split('\n')[0]
      : r.kind === 'join'
        ? `as ${String(r.message.proposedName ?? r.from)}${r.message.capabilities ? ` (${String(r.message.capabilities)})` : ''}`
        : String(r.message.reason ?? '');
  const state = r.answer ? `  ${r.answer.decision} by ${r.answer.by}` : '';
  return `${r.kind.padEnd(8)} ${r.requestId}  ${r.from} → ${r.to}  ${about}${state}`;
}

const feedbackOption = { as: { type: 'string' }, feedback: { type: 'string' } } as const;

/** `plan approve` / `plan reject`: the same answer, plan_approved or plan_rejected with the feedback. */
function planAnswer(approve: boolean): Command {
  return {
    usage: `plan ${approve ? 'approve' : 'reject'} TEAM PLAN_ID AGENT [--feedback F] --as LEADER`,
    summary: approve
      ? "Approve AGENT's plan (sends plan_approved); refused when somebody answered it already."
      : "Reject AGENT's plan (sends plan_rejected with the feedback).",
    positionals: ['TEAM', 'PLAN_ID', 'AGENT'],
    options: feedbackOption,
    run: (store, [team, planId, agent], v) =>
      answer(
        store,
        team,
        {
          kind: 'plan',
          requestId: planId,
          requester: agent,
          by: who(v, approve ? 'approving' : 'rejecting'),
          approve,
          feedback: str(v, 'feedback'),
        },
        'plan',
      ),
  };
}
const reasonOption = { as: { type: 'string' }, reason: { type: 'string' } } as const;

export const REQUEST_COMMANDS: Record<string, Command> = {
  'plan submit': {
    usage: 'plan submit TEAM PLAN_TEXT [--summary S] [--to LEADER] --as AGENT',
    summary: "Submit a plan for approval (to the team's leader by default); prints the plan id.",
    positionals: ['TEAM', 'PLAN_TEXT'],
    options: { as: { type: 'string' }, summary: { type: 'string' }, to: { type: 'string' } },
    async run(store, [team, content], v) {
      const r = await store.requests.submitPlan(team, {
        agent: who(v, 'submitting'),
        content,
        summary: str(v, 'summary'),
        leader: str(v, 'to'),
      });
      return {
        json: { planId: r.requestId, leader: r.to, planFile: r.message.planFile, message: r.message },
        text: `Plan ${r.requestId} submitted to ${r.to} for approval.`,
      };
    },
  },
  'plan approve': planAnswer(true),
  'plan reject': planAnswer(false),
  'plan show': {
    usage: 'plan show TEAM PLAN_ID AGENT',
    summary: "Print AGENT's plan.",
    positionals: ['TEAM', 'PLAN_ID', 'AGENT'],
    options: {},
    async run(store, [team, planId, agent]) {
      const content = await store.requests.getPlan(team, planId, agent);
      if (content === null) throw new NotFoundError(`There is no plan ${planId} from ${agent} in team ${team}.`, { team, planId, agent });
      return { json: { planId, agentName: agent, content }, text: content };
    },
  },
  'lifecycle request-shutdown': {
    usage: 'lifecycle request-shutdown TEAM AGENT [--reason R] --as FROM',
    summary: 'Ask AGENT to shut down (sends shutdown_request); prints the request id.',
    positionals: ['TEAM', 'AGENT'],
    options: reasonOption,
    async run(store, [team, agent], v) {
      const r = await store.requests.requestShutdown(team, { from: who(v, 'asking'), to: agent, reason: str(v, 'reason') });
      return { json: { requestId: r.requestId, message: r.message }, text: `Shutdown request ${r.requestId} sent to ${agent}.` };
    },
  },
  'lifecycle approve-shutdown': {
    usage: 'lifecycle approve-shutdown TEAM REQUEST_ID REQUESTER --as AGENT',
    summary: 'Agree to shut down (sends shutdown_approved to REQUESTER).',
    positionals: ['TEAM', 'REQUEST_ID', 'REQUESTER'],
    options: { as: { type: 'string' } },
    run: (store, [team, requestId, requester], v) =>
      answer(store, team, { kind: 'shutdown', requestId, requester, by: who(v, 'approving'), approve: true }, 'shutdown request'),
  },
  'lifecycle reject-shutdown': {
    usage: 'lifecycle reject-shutdown TEAM REQUEST_ID REQUESTER [--reason R] --as AGENT',
    summary: 'Refuse to shut down (sends shutdown_rejected to REQUESTER).',
    positionals: ['TEAM', 'REQUEST_ID', 'REQUESTER'],
    options: reasonOption,
    run: (store, [team, requestId, requester], v) =>
      answer(
        store,
        team,
        { kind: 'shutdown', requestId, requester, by: who(v, 'rejecting'), approve: false, feedback: str(v, 'reason') },
        'shutdown request',
      ),
  },
  'lifecycle idle': {
    usage: 'lifecycle idle TEAM --as AGENT [--last-task ID] [--task-status S] [--to LEADER]',
    summary: "Tell the team's leader you are idle (sends idle).",
    positionals: ['TEAM'],
    options: { as: { type: 'string' }, 'last-task': { type: 'string' }, 'task-status': { type: 'string' }, to: { type: 'string' } },
    async run(store, [team], v) {
      const agent = who(v, 'idle');
      const m = await store.requests.sendIdle(team, {
        agent,
        lastTask: str(v, 'last-task'),
        status: str(v, 'task-status'),
        to: str(v, 'to'),
      });
      return { json: m, text: `Told ${m.to} that ${agent} is idle.` };
    },
  },
  'team request-join': {
    usage: 'team request-join TEAM [PROPOSED_NAME] [--capabilities C] [--to LEADER] --as FROM',
    summary: 'Ask to join a team (sends join_request to its leader); prints the request id.',
    positionals: ['TEAM', 'PROPOSED_NAME?'],
    options: { as: { type: 'string' }, capabilities: { type: 'string' }, to: { type: 'string' } },
    async run(store, [team, proposedName], v) {
      const from = who(v, 'asking');
      const r = await store.requests.requestJoin(team, { from, proposedName, capabilities: str(v, 'capabilities'), to: str(v, 'to') });
      return { json: { requestId: r.requestId, message: r.message }, text: `Join request ${r.requestId} sent to ${r.to}.` };
    },
  },
  'team approve-join': {
    usage: 'team approve-join TEAM REQUEST_ID [--assigned-name NAME] --as LEADER',
    summary: 'Let the asker in: adds the member and sends join_approved.',
    positionals: ['TEAM', 'REQUEST_ID'],
    options: { as: { type: 'string' }, 'assigned-name': { type: 'string' } },
    run: (store, [team, requestId], v) =>
      answer(
        store,
        team,
        { kind: 'join', requestId, by: who(v, 'approving'), approve: true, assignedName: str(v, 'assigned-name') },
        'join request',
      ),
  },
  'team reject-join': {
    usage: 'team reject-join TEAM REQUEST_ID [--reason R] --as LEADER',
    summary: 'Turn a join request down (sends join_rejected).',
    positionals: ['TEAM', 'REQUEST_ID'],
    options: reasonOption,
    run: (store, [team, requestId], v) =>
      answer(store, team, { kind: 'join', requestId, by: who(v, 'rejecting'), approve: false, feedback: str(v, 'reason') }, 'join request'),
  },
  'request list': {
    usage: 'request list TEAM [--for NAME] [--all]',
    summary: 'Requests waiting for an answer (asked of NAME only, with --for); --all adds the answered ones.',
    positionals: ['TEAM'],
    options: { for: { type: 'string' }, all: { type: 'boolean' } },
    async run(store, [team], v) {
      const list = await store.requests.list(team, { for: str(v, 'for') });
      const shown = v.all ? [...list.open, ...list.answered] : list.open;
      return { json: list, text: shown.length ? shown.map(describe).join('\n') : 'No requests waiting for an answer.' };
    },
  },
  'task wait': {
    usage: 'task wait TEAM [--timeout SECONDS] [--poll-interval SECONDS]',
    summary: 'Wait until every task of the team is completed (exit 1 with a sentence when the time runs out).',
    positionals: ['TEAM'],
    options: { timeout: { type: 'string' }, 'poll-interval': { type: 'string' } },
    async run(store, [team], v) {
      const timeout = seconds(str(v, 'timeout'), '--timeout');
      const poll = (seconds(str(v, 'poll-interval'), '--poll-interval') ?? 0.5) * 1000;
      const start = Date.now();
      for (;;) {
        const { tasks } = await store.listTasks(team);
        const done = tasks.filter((t) => t.status === 'completed').length;
        if (done === tasks.length) {
          return {
            json: { status: 'completed', total: tasks.length, completed: done },
            text: `All ${tasks.length} task(s) of team ${team} are completed.`,
          };
        }
        const elapsed = Date.now() - start;
        if (timeout !== undefined && elapsed >= timeout * 1000) {
          const left = tasks.filter((t) => t.status !== 'completed');
          throw new LockstepError(
            'TIMED_OUT',
            `Gave up after ${timeout} s: ${done} of ${tasks.length} task(s) of team ${team} are completed; still open: ${left
              .slice(0, 10)
              .map((t) => `${t.id} (${t.status})`)
              .join(', ')}${left.length > 10 ? ', …' : ''}.`,
            { team, total: tasks.length, completed: done, open: left.map((t) => t.id) },
          );
        }
        await new Promise((r) => setTimeout(r, Math.min(poll, timeout === undefined ? poll : Math.max(1, timeout * 1000 - elapsed))));
      }
    },
  },
};
