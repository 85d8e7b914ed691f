import { randomBytes } from 'crypto';
import type { PoolClient } from 'pg';
import { leaderOf, type TeamConfig } from '../../shared/domain';
import { InvalidInputError } from '../../shared/errors';
import type { MessageRecord, TeamMessage } from '../../shared/messages';
import { assertName } from '../../shared/names';
import { requestAnswerSchema, type RequestAnswer, type RequestKind, type RequestList, type TeamRequest } from '../../shared/requests';
import { newEventName, newMessageName, parseMessage, serializeMessage } from '../core/message-format';
import { buildMessage } from '../core/message-rules';
import {
  alreadyAnswered,
  ANSWER_OP,
  answerRequest,
  asRequest,
  assertRequestId,
  checkAnswer,
  collectRequests,
  idleMessage,
  joinMessage,
  planMessage,
  requestKey,
  REQUEST_MESSAGE_TYPES,
  shutdownMessage,
  type AnswerInput,
  type AnswerResult,
  type IdleInput,
  type JoinInput,
  type PlanInput,
  type RequestService,
  type ShutdownInput,
} from '../core/requests';
import type { PgContext } from './pg-context';
import { deliverMessages, inboxOf, requireTeam } from './pg-mail-common';
import type { PgMessages } from './pg-messages';
import { mutateTeam } from './pg-mutate';
import { appendMember } from './pg-teams';

/**
 * Requests in the database. Requests and answers are messages (pg-messages.ts); a plan's text travels in its request
 * message (`plan`, as ClawTeam's) and is read back from the history, so there is no plan file (`planFile` names where
 * a data folder would keep it, prefixed `postgres:`). Answering runs in one transaction with the team row locked:
 * the answer row (lockstep_request_answers, one per request by its primary key), the answer message and, for a join
 * approval, the new member commit together or not at all.
 */
export class PgRequests implements RequestService {
  constructor(
    private readonly ctx: PgContext,
    private readonly messages: PgMessages,
  ) {}

  private config(team: string): Promise<TeamConfig> {
    assertName(team, 'team');
    return this.ctx.run(async (client) => (await requireTeam(client, team)).config);
  }

  private leader(config: TeamConfig, given: string | undefined, what: string): string {
    const leader = given ?? leaderOf(config)?.name;
    if (!leader) throw new InvalidInputError(`Team ${config.name} has no members to ${what}; say whom to ask.`);
    return leader;
  }

  /**
   * History entries of requests, answers and idle notices (by the `"type": "…"` line every writer formats alike) whose
   * text holds `needle` (any, when undefined), oldest first.
   */
  private async history(client: PoolClient, teamId: string, needle?: string): Promise<MessageRecord[]> {
    const r = await client.query(
      `SELECT name, raw FROM lockstep_message_events
        WHERE team_id = $1 AND ($2::text IS NULL OR strpos(raw, $2) > 0) AND substring(raw FROM '"type": *"([a-z_]+)"') = ANY($3::text[])
        ORDER BY name`,
      [teamId, needle ?? null, [...REQUEST_MESSAGE_TYPES]],
    );
    return (r.rows as Array<{ name: string; raw: string }>).flatMap((row) => {
      const parsed = parseMessage(Buffer.from(row.raw, 'utf8'));
      return 'message' in parsed ? [{ id: row.name, message: parsed.message }] : [];
    });
  }

  private async recorded(client: PoolClient, teamId: string, kind?: RequestKind, requestId?: string): Promise<Map<string, RequestAnswer>> {
    const r = await client.query(
      `SELECT kind, request_id, answer FROM lockstep_request_answers
        WHERE team_id = $1 AND ($2::text IS NULL OR (kind = $2 AND request_id = $3))`,
      [teamId, kind ?? null, requestId ?? null],
    );
    const out = new Map<string, RequestAnswer>();
    for (const row of r.rows) {
      const parsed = requestAnswerSchema.safeParse(row.answer);
      if (parsed.success) out.set(requestKey(row.kind, row.request_id), parsed.data);
    }
    return out;
  }

  async submitPlan(team: string, input: PlanInput): Promise<TeamRequest> {
    const config = await this.config(team);
    const planId = randomBytes(6).toString('hex');
    const planFile = `postgres:plans/${team}/${assertName(input?.agent, 'agent')}-${planId}.md`;
    const message = planMessage(input, this.leader(config, input.leader, 'approve a plan'), planId, planFile);
    return asRequest('plan', await this.messages.send(team, message));
  }

  async getPlan(team: string, planId: string, agent: string): Promise<string | null> {
    assertName(team, 'team');
    assertRequestId(planId, 'plan id');
    assertName(agent, 'agent');
    return this.ctx.run(async (client) => {
      const { id } = await requireTeam(client, team);
      const found = (await this.history(client, id, planId)).find(
        ({ message: m }) => m.type === 'plan_approval_request' && m.requestId === planId && m.from === agent,
      );
      return found && typeof found.message.plan === 'string' ? found.message.plan : null;
    });
  }

  async requestShutdown(team: string, input: ShutdownInput): Promise<TeamRequest> {
    return asRequest('shutdown', await this.messages.send(team, shutdownMessage(input)));
  }

  async requestJoin(team: string, input: JoinInput): Promise<TeamRequest> {
    const config = await this.config(team);
    return asRequest('join', await this.messages.send(team, joinMessage(input, this.leader(config, input.to, 'approve a join'), team)));
  }

  async sendIdle(team: string, input: IdleInput): Promise<TeamMessage> {
    const config = await this.config(team);
    const agentId = config.members.find((m) => m.name === input?.agent)?.agentId;
    return this.messages.send(team, idleMessage(input, this.leader(config, input.to, 'tell'), agentId));
  }

  async answer(team: string, input: AnswerInput): Promise<AnswerResult> {
    const values = checkAnswer(input);
    const joining = values.kind === 'join' && values.approve;
    const details: Record<string, unknown> = {
      kind: values.kind,
      requestId: values.requestId,
      decision: values.approve ? 'approved' : 'rejected',
      ...(values.person && values.person !== values.by ? { as: values.by } : {}),
    };
    // A person at a window answering as the leader is the one who acted (the journal's actor); `as` says for whom.
    const info = this.ctx.info(joining ? 'team.add-member' : ANSWER_OP, values.person ?? values.by, { details });
    return mutateTeam(this.ctx, team, info, async (client, teamId, loaded) => {
      const { kind, requestId } = values;
      return answerRequest(
        team,
        values,
        {
          history: () => this.history(client, teamId, requestId),
          recorded: async () => (await this.recorded(client, teamId, kind, requestId)).get(requestKey(kind, requestId)),
          planExists: async () => false, // a plan is its request message: none in the history, no plan
          addMember: async (name) => {
            details.member = name;
            const config = await appendMember(client, team, teamId, loaded, { name }, details);
            return config.members[config.members.length - 1];
          },
          send: async (input) => {
            const message = buildMessage(input);
            const raw = serializeMessage(message);
            const to = inboxOf(loaded.config, message.to as string);
            await deliverMessages(client, team, teamId, [
              { inbox: to, name: newMessageName(), event: newEventName(), from: message.from, raw },
            ]);
            return JSON.parse(raw) as TeamMessage;
          },
          record: async (answer) => {
            const r = await client.query(
              `INSERT INTO lockstep_request_answers (team_id, kind, request_id, answer) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING RETURNING 1`,
              [teamId, kind, requestId, JSON.stringify(answer)],
            );
            if (r.rowCount) return;
            // The team row lock makes this unreachable; the key still guarantees one answer if that ever changes.
            const other = (await this.recorded(client, teamId, kind, requestId)).get(requestKey(kind, requestId)) ?? answer;
            throw alreadyAnswered(kind, requestId, values.requester ?? '?', other);
          },
        },
        details,
      );
    });
  }

  async list(team: string, options: { for?: string } = {}): Promise<RequestList> {
    assertName(team, 'team');
    if (options.for !== undefined) assertName(options.for, 'member');
    return this.ctx.run(async (client) => {
      const { id } = await requireTeam(client, team);
      return collectRequests(await this.history(client, id), await this.recorded(client, id), options.for);
    });
  }
}
