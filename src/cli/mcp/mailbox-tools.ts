import { inboxName } from '../../shared/domain';
import { NotFoundError } from '../../shared/errors';
import type { MessageType, TeamMessage } from '../../shared/messages';
import { tool, given, optInt, optList, optText, text, type ToolDef } from './tool';

/**
 * ClawTeam's mailbox_*, plan_*, cost_summary, board_* and workspace_* tools (clawteam/mcp/tools/), same names and
 * parameters, on the Lockstep store. Plans are answered once (Store.requests): a second approve or reject of one
 * plan is a CONFLICT error naming who answered.
 */

/** mailbox_send's optional parameters and the message fields they fill (ClawTeam's aliases). */
const SEND_FIELDS: Record<string, string> = {
  request_id: 'requestId',
  proposed_name: 'proposedName',
  capabilities: 'capabilities',
  feedback: 'feedback',
  reason: 'reason',
  assigned_name: 'assignedName',
  agent_id: 'agentId',
  message_team_name: 'teamName',
  plan_file: 'planFile',
  summary: 'summary',
  plan: 'plan',
  last_task: 'lastTask',
  status: 'status',
};

const planParams = { team_name: text(), leader_name: text(), plan_id: text(), agent_name: text(), feedback: optText() };

function noWorkspaces(team: string): never {
  throw new NotFoundError(
    `Lockstep keeps no git workspaces for team ${team}; run git in the agent's own folder (or ClawTeam's workspace commands) instead.`,
    { team },
  );
}

export const MAILBOX_TOOLS: ToolDef[] = [
  tool({
    name: 'mailbox_send',
    description: 'Send a message to a team member inbox.',
    params: {
      team_name: text(),
      from_agent: text(),
      to: text(),
      content: optText(),
      msg_type: optText(),
      key: optText(),
      ...Object.fromEntries(Object.keys(SEND_FIELDS).map((k) => [k, optText()])),
    },
    run({ store }, a) {
      const fields: Record<string, string> = {};
      const values = a as Record<string, unknown>;
      for (const [param, field] of Object.entries(SEND_FIELDS)) {
        const v = given(values[param]);
        if (typeof v === 'string') fields[field] = v;
      }
      return store.messages.send(a.team_name, {
        from: a.from_agent,
        to: a.to,
        content: a.content ?? undefined,
        type: (given(a.msg_type) ?? 'message') as MessageType,
        key: given(a.key),
        fields,
      });
    },
  }),
  tool({
    name: 'mailbox_broadcast',
    description: 'Broadcast a message to team inboxes.',
    params: { team_name: text(), from_agent: text(), content: text(), msg_type: optText(), key: optText(), exclude: optList() },
    async run({ store }, a) {
      const type = (given(a.msg_type) ?? 'broadcast') as MessageType;
      const exclude: string[] = given(a.exclude) ?? [];
      if (!exclude.length)
        return (await store.messages.broadcast(a.team_name, { from: a.from_agent, content: a.content, type, key: given(a.key) })).messages;
      const config = await store.getTeam(a.team_name);
      const skip = new Set([
        a.from_agent,
        ...exclude,
        ...config.members.filter((m) => [a.from_agent, ...exclude].includes(m.name)).map(inboxName),
      ]);
      const all = new Set([...(await store.messages.recipients(a.team_name)), ...config.members.map(inboxName)]);
      const sent: TeamMessage[] = [];
      for (const to of [...all].filter((r) => !skip.has(r)).sort()) {
        sent.push(await store.messages.send(a.team_name, { from: a.from_agent, to, content: a.content, type, key: given(a.key) }));
      }
      return sent;
    },
  }),
  tool({
    name: 'mailbox_receive',
    description: 'Receive and consume pending inbox messages.',
    params: { team_name: text(), agent_name: text(), limit: optInt() },
    run: ({ store }, a) => store.messages.receive(a.team_name, a.agent_name, given(a.limit) ?? 10),
  }),
  tool({
    name: 'mailbox_peek',
    description: 'Preview pending inbox messages without consuming them.',
    params: { team_name: text(), agent_name: text() },
    run: ({ store }, a) => store.messages.peek(a.team_name, a.agent_name),
  }),
  tool({
    name: 'mailbox_peek_count',
    description: 'Get the number of pending inbox messages.',
    params: { team_name: text(), agent_name: text() },
    run: async ({ store }, a) => ({ agentName: a.agent_name, count: (await store.messages.peek(a.team_name, a.agent_name)).length }),
  }),
  tool({
    name: 'plan_submit',
    description: 'Submit a plan for leader review.',
    params: { team_name: text(), agent_name: text(), leader_name: text(), plan_content: text(), summary: optText() },
    async run({ store }, a) {
      const r = await store.requests.submitPlan(a.team_name, {
        agent: a.agent_name,
        leader: a.leader_name,
        content: a.plan_content,
        summary: given(a.summary),
      });
      return { planId: r.requestId };
    },
  }),
  tool({
    name: 'plan_get',
    description: 'Get the stored content for a submitted plan.',
    params: { team_name: text(), plan_id: text(), agent_name: text() },
    run: async ({ store }, a) => ({
      planId: a.plan_id,
      agentName: a.agent_name,
      content: await store.requests.getPlan(a.team_name, a.plan_id, a.agent_name),
    }),
  }),
  ...(['approve', 'reject'] as const).map((verb) =>
    tool({
      name: `plan_${verb}`,
      description: `${verb === 'approve' ? 'Approve' : 'Reject'} a submitted plan (once: a plan already answered is a CONFLICT error naming who answered).`,
      params: planParams,
      async run({ store }, a) {
        await store.requests.answer(a.team_name, {
          kind: 'plan',
          requestId: a.plan_id,
          requester: a.agent_name,
          by: a.leader_name,
          approve: verb === 'approve',
          feedback: given(a.feedback),
        });
        return { ok: true, planId: a.plan_id };
      },
    }),
  ),
  tool({
    name: 'cost_summary',
    description: 'Get aggregated token and cost totals for a team.',
    params: { team_name: text() },
    run: async ({ store }, a) => {
      await store.getTeam(a.team_name);
      return store.costs.summary(a.team_name);
    },
  }),
  tool({
    name: 'board_overview',
    description: 'List lightweight board summaries for all teams.',
    params: {},
    run: async ({ store }) => (await store.listTeams()).teams,
  }),
  tool({
    name: 'board_team',
    description: 'Get the full board view for one team.',
    params: { team_name: text() },
    async run({ store }, a) {
      const team = await store.getTeam(a.team_name);
      const { tasks } = await store.listTasks(a.team_name);
      const byStatus: Record<string, typeof tasks> = { pending: [], in_progress: [], completed: [], blocked: [] };
      for (const t of tasks) byStatus[t.status].push(t);
      const unread = await store.messages.unreadCounts(a.team_name);
      const requests = await store.requests.list(a.team_name);
      return {
        team,
        taskSummary: { total: tasks.length },
        tasks: byStatus,
        unread,
        costs: await store.costs.summary(a.team_name),
        openRequests: requests.open,
      };
    },
  }),
  tool({
    name: 'workspace_agent_diff',
    description: "Get git diff statistics for one agent branch (ClawTeam's git workspaces; Lockstep keeps none).",
    params: { team_name: text(), agent_name: text(), repo: optText() },
    run: async (_ctx, a) => noWorkspaces(a.team_name),
  }),
  tool({
    name: 'workspace_file_owners',
    description: "List modified files grouped by agent owners (ClawTeam's git workspaces; Lockstep keeps none).",
    params: { team_name: text(), repo: optText() },
    run: async (_ctx, a) => noWorkspaces(a.team_name),
  }),
  tool({
    name: 'workspace_cross_branch_log',
    description: "Get recent cross-branch commit activity (ClawTeam's git workspaces; Lockstep keeps none).",
    params: { team_name: text(), limit: optInt(), repo: optText() },
    run: async (_ctx, a) => noWorkspaces(a.team_name),
  }),
  tool({
    name: 'workspace_agent_summary',
    description: "Get a git activity summary for one agent (ClawTeam's git workspaces; Lockstep keeps none).",
    params: { team_name: text(), agent_name: text(), repo: optText() },
    run: async (_ctx, a) => noWorkspaces(a.team_name),
  }),
];
