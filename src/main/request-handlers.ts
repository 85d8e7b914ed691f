import type { z } from 'zod';
import type { ApiOutput } from '../shared/api';
import { REQUEST_API } from '../shared/requests-api';
import { waitAtBarrier } from '../store';
import type { HandlerContext } from './handler-context';

/**
 * The handlers of the approvals calls (merged into createHandlers); inputs arrive validated. Both backends answer
 * through Store.requests: the answer goes out in ClawTeam's format from `as`, recorded with the person at the window
 * (the "You act as" name), exactly once whoever races.
 */

type RequestApiName = keyof typeof REQUEST_API;
type Impl<N extends RequestApiName> = (input: z.output<(typeof REQUEST_API)[N]['input']>) => Promise<ApiOutput<N>>;

export function requestHandlers(ctx: HandlerContext): { [N in RequestApiName]: Impl<N> } {
  const requests = () => ctx.store().requests;
  return {
    listRequests: async ({ team }) => requests().list(team),
    getPlan: async ({ team, planId, agent }) => ({ plan: await requests().getPlan(team, planId, agent) }),
    answerRequest: async ({ team, kind, requestId, requester, as, approve, feedback, assignedName }) => {
      const person = ctx.settings().agentName;
      await waitAtBarrier(); // racing windows in a test line up here (LOCKSTEP_FAILPOINT_BARRIER); nothing in normal use
      const { request } = await requests().answer(team, {
        kind,
        requestId,
        requester,
        by: as,
        person,
        approve,
        feedback: feedback?.trim() || undefined,
        assignedName,
      });
      return request;
    },
  };
}
