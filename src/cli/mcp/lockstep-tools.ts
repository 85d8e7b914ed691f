import { z } from 'zod';
import { tool, caller, given, optBool, optInt, optText, text, type ToolContext, type ToolDef } from './tool';

/**
 * Lockstep's own tools beside ClawTeam's: claims with leases and fencing tokens, writes checked against a version,
 * the journal, the stall radar, shutdown and idle requests, and the requests waiting for an answer. The agent is
 * `agent_name` when given, else the server's identity (CLAWTEAM_AGENT_NAME / LOCKSTEP_AGENT_NAME).
 */

const leaseSeconds = () => z.number().positive().max(31_536_000).nullish();

const guardParams = {
  agent_name: optText(),
  token: optInt(),
  expect: optText(),
  force: optBool(),
  reason: optText(),
};

type GuardArgs = {
  agent_name?: string | null;
  token?: number | null;
  expect?: string | null;
  force?: boolean | null;
  reason?: string | null;
};

function guards(ctx: ToolContext, a: GuardArgs, doing: string) {
  return {
    agent: caller(ctx, a.agent_name, doing),
    token: given(a.token),
    expectVersion: given(a.expect),
    force: a.force === true,
    reason: given(a.reason),
  };
}

const leaseMs = (a: { lease_seconds?: number | null }): number | undefined => (a.lease_seconds ? a.lease_seconds * 1000 : undefined);

export const LOCKSTEP_TOOLS: ToolDef[] = [
  tool({
    name: 'task_claim',
    description: 'Claim one task (in_progress, locked by you); TASK_LOCKED names the holder when somebody else has it.',
    params: { team_name: text(), task_id: text(), lease_seconds: leaseSeconds(), ...guardParams },
    run: (ctx, a) => ctx.store.claimTask(a.team_name, a.task_id, { ...guards(ctx, a, 'claiming'), leaseMs: leaseMs(a) }),
  }),
  tool({
    name: 'task_claim_next',
    description: 'Claim the most urgent ready task that fits you (capabilities, WIP limit); null when none is available.',
    params: { team_name: text(), agent_name: optText(), lease_seconds: leaseSeconds() },
    run: (ctx, a) => ctx.store.claimNextTask(a.team_name, { agent: caller(ctx, a.agent_name, 'claiming'), leaseMs: leaseMs(a) }),
  }),
  tool({
    name: 'task_heartbeat',
    description: 'Renew the lease of your claim (default 300 seconds).',
    params: { team_name: text(), task_id: text(), lease_seconds: leaseSeconds(), agent_name: optText(), token: optInt() },
    run: (ctx, a) =>
      ctx.store.heartbeatTask(a.team_name, a.task_id, {
        agent: caller(ctx, a.agent_name, 'renewing the claim'),
        token: given(a.token),
        leaseMs: leaseMs(a) ?? 300_000,
      }),
  }),
  tool({
    name: 'task_release',
    description: "Release your claim (another agent's only with force and a reason); token and expect guard against stale writes.",
    params: { team_name: text(), task_id: text(), ...guardParams },
    run: (ctx, a) => ctx.store.releaseTask(a.team_name, a.task_id, guards(ctx, a, 'releasing')),
  }),
  tool({
    name: 'task_complete',
    description: 'Complete a task; tasks waiting only for it become pending. token and expect guard against stale writes.',
    params: { team_name: text(), task_id: text(), ...guardParams },
    run: (ctx, a) => ctx.store.completeTask(a.team_name, a.task_id, guards(ctx, a, 'completing')),
  }),
  tool({
    name: 'history',
    description: "The team's journal, who changed what and when (newest last), optionally of one task.",
    params: { team_name: text(), task_id: optText(), limit: optInt() },
    run: async ({ store }, a) => ({
      entries: (await store.history(a.team_name, given(a.task_id))).slice(-Math.max(1, given(a.limit) ?? 50)),
    }),
  }),
  tool({
    name: 'doctor',
    description: "The stall radar: what keeps the team's work from moving (gone or expired claims, cycles, …), each with its fix.",
    params: { team_name: text(), older_than_seconds: z.number().positive().nullish() },
    run: async ({ store }, a) => ({
      findings: await store.doctor(a.team_name, a.older_than_seconds ? { oldClaimMs: a.older_than_seconds * 1000 } : {}),
    }),
  }),
  tool({
    name: 'requests_list',
    description: 'Plan, shutdown and join requests waiting for an answer (only those asked of for_name, when given), and answered ones.',
    params: { team_name: text(), for_name: optText() },
    run: ({ store }, a) => store.requests.list(a.team_name, { for: given(a.for_name) }),
  }),
  tool({
    name: 'shutdown_request',
    description: 'Ask an agent to shut down (a shutdown_request message); returns the request id.',
    params: { team_name: text(), to: text(), reason: optText(), agent_name: optText() },
    run: async (ctx, a) => {
      const r = await ctx.store.requests.requestShutdown(a.team_name, {
        from: caller(ctx, a.agent_name, 'asking'),
        to: a.to,
        reason: given(a.reason),
      });
      return { requestId: r.requestId, message: r.message };
    },
  }),
  ...(['approve', 'reject'] as const).map((verb) =>
    tool({
      name: `shutdown_${verb}`,
      description: `${verb === 'approve' ? 'Agree to' : 'Refuse to'} shut down (answers once: a request already answered is a CONFLICT error).`,
      params: { team_name: text(), request_id: text(), requester: text(), reason: optText(), agent_name: optText() },
      run: async (ctx, a) =>
        ctx.store.requests.answer(a.team_name, {
          kind: 'shutdown',
          requestId: a.request_id,
          requester: a.requester,
          by: caller(ctx, a.agent_name, 'answering'),
          approve: verb === 'approve',
          feedback: given(a.reason),
        }),
    }),
  ),
  tool({
    name: 'idle_send',
    description: "Tell the team's leader you are idle (an idle message).",
    params: { team_name: text(), last_task: optText(), status: optText(), agent_name: optText() },
    run: (ctx, a) =>
      ctx.store.requests.sendIdle(a.team_name, {
        agent: caller(ctx, a.agent_name, 'idle'),
        lastTask: given(a.last_task),
        status: given(a.status),
      }),
  }),
];
