import { useEffect, useState } from 'react';
import type { LockstepApi } from '../../../shared/api';
import type { TeamRequest } from '../../../shared/requests';
import { call } from '../api';

export interface RequestDetails {
  /** The plan's text (from its message, else ClawTeam's plan file); null while reading or when there is none. */
  plan: string | null;
  /** The tasks the asker is working on now (in progress, owned or claimed by it): what the plan is for. */
  tasks: Array<{ id: string; subject: string }>;
}

/** What a request card shows beyond the message: the plan's text and the asker's tasks in progress. */
export function useRequestDetails(api: LockstepApi, team: string, request: TeamRequest): RequestDetails {
  const inMessage = typeof request.message.plan === 'string' ? request.message.plan : null;
  const [plan, setPlan] = useState<string | null>(inMessage);
  const [tasks, setTasks] = useState<RequestDetails['tasks']>([]);
  const { kind, requestId, from } = request;
  useEffect(() => {
    let live = true;
    if (kind === 'plan' && inMessage === null) {
      void call(api, 'getPlan', { team, planId: requestId, agent: from })
        .then((r) => live && setPlan(r.plan))
        .catch(() => undefined);
    }
    if (kind !== 'join') {
      void call(api, 'getTeam', { team, filter: { status: ['in_progress'] } })
        .then(({ tasks: all }) => {
          if (!live) return;
          setTasks(all.filter((t) => t.owner === from || t.lockedBy === from).map((t) => ({ id: t.id, subject: t.subject })));
        })
        .catch(() => undefined);
    }
    return () => {
      live = false;
    };
  }, [api, team, kind, requestId, from, inMessage]);
  return { plan: plan ?? inMessage, tasks };
}
