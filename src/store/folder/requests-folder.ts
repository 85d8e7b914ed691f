import { randomBytes } from 'crypto';
import * as path from 'path';
import { leaderOf, type TeamConfig } from '../../shared/domain';
import { CorruptFileError, InvalidInputError, UnsafePathError } from '../../shared/errors';
import { stringifyJson } from '../../shared/json';
import { assertName } from '../../shared/names';
import { requestAnswerSchema, type RequestAnswer, type RequestList, type TeamRequest } from '../../shared/requests';
import type { MessageRecord, TeamMessage } from '../../shared/messages';
import {
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
import { assertNoLinks, mkdirInside, readBounded } from './safe-fs';
import type { FolderContext } from './store-context';
import { appendMember } from './store-teams';
import { writeFileDurably } from './task-files';
import { MAX_FILE_BYTES } from '../core/task-format';
import { readJsonFile } from './team-config';

/**
 * Requests on a data folder. The plan is ClawTeam's file `plans/<team>/<agent>-<plan id>.md`; requests and answers
 * are ClawTeam's inbox messages (inbox.ts). Who answered is recorded in `tasks/<team>/.lockstep/answers.json`,
 * written inside the team's write lock after the answer was sent, so two Lockstep answerers (windows, CLIs, MCP
 * servers) answer once. ClawTeam's own `plan approve` takes no lock: its reply still counts once it is in the
 * history, but a ClawTeam answerer racing a Lockstep one can both send.
 */
export class FolderRequests implements RequestService {
  constructor(private readonly ctx: FolderContext) {}

  private get mailbox() {
    return this.ctx.mailbox;
  }

  /** Per team: every history file read so far, and the ones a request list is made of (oldest first). */
  private readonly seen = new Map<string, { known: Set<string>; kept: MessageRecord[] }>();

  /**
   * The history entries of requests, answers and idle notices, reading only files not read before (a window asks
   * often; the history only grows). When a file read before is gone (the team was deleted and made again, or the
   * history cleaned), everything is read again.
   */
  private history(team: string): MessageRecord[] {
    this.config(team);
    let cache = this.seen.get(team);
    let read = this.mailbox.readEvents(team, cache?.known);
    if (cache && read.names.length < cache.known.size + read.records.length) {
      const now = new Set(read.names);
      if ([...cache.known].some((n) => !now.has(n))) {
        cache = undefined;
        read = this.mailbox.readEvents(team);
      }
    }
    const kept = [...(cache?.kept ?? []), ...read.records.filter((r) => REQUEST_MESSAGE_TYPES.has(r.message.type))];
    kept.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.seen.set(team, { known: new Set(read.names), kept });
    return kept;
  }

  /** ClawTeam's plan file (and, for reading, its older flat layout `plans/<agent>-<plan id>.md`). */
  private planPaths(team: string, agent: string, planId: string): string[] {
    const name = `${assertName(agent, 'agent')}-${assertRequestId(planId, 'plan id')}.md`;
    const root = path.join(this.ctx.paths.root, 'plans');
    return [path.join(root, assertName(team, 'team'), name), path.join(root, name)];
  }

  private answersPath(team: string): string {
    return path.join(this.ctx.paths.lockstepDir(team), 'answers.json');
  }

  private readAnswers(team: string): Map<string, RequestAnswer> {
    const file = this.answersPath(team);
    let json: unknown;
    try {
      json = readJsonFile(this.ctx.paths.root, file);
    } catch (err) {
      // No tasks folder yet (a team ClawTeam made): nobody answered through Lockstep.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    const out = new Map<string, RequestAnswer>();
    if (json === undefined) return out;
    const answers = json && typeof json === 'object' ? (json as { answers?: unknown }).answers : undefined;
    if (!answers || typeof answers !== 'object') throw new CorruptFileError(file, 'not an answers file (no "answers" object)');
    for (const [key, value] of Object.entries(answers)) {
      const parsed = requestAnswerSchema.safeParse(value);
      if (parsed.success) out.set(key, parsed.data);
    }
    return out;
  }

  private config(team: string): TeamConfig {
    return this.ctx.requireTeam(assertName(team, 'team')).config;
  }

  private leader(config: TeamConfig, given: string | undefined, what: string): string {
    const leader = given ?? leaderOf(config)?.name;
    if (!leader) throw new InvalidInputError(`Team ${config.name} has no members to ${what}; say whom to ask.`);
    return leader;
  }

  async submitPlan(team: string, input: PlanInput): Promise<TeamRequest> {
    const config = this.config(team);
    const planId = randomBytes(6).toString('hex');
    const [file] = this.planPaths(team, input?.agent, planId);
    const message = planMessage(input, this.leader(config, input.leader, 'approve a plan'), planId, file);
    mkdirInside(this.ctx.paths.root, path.dirname(file));
    writeFileDurably(this.ctx.paths.root, file, input.content);
    return asRequest('plan', this.mailbox.send(team, message));
  }

  async getPlan(team: string, planId: string, agent: string): Promise<string | null> {
    this.config(team);
    for (const file of this.planPaths(team, agent, planId)) {
      try {
        assertNoLinks(this.ctx.paths.root, file, 'file');
      } catch (err) {
        if (err instanceof UnsafePathError) throw err;
        continue;
      }
      const read = readBounded(file, MAX_FILE_BYTES * 4);
      if (read.kind === 'ok') return read.bytes.toString('utf8');
      if (read.kind === 'problem') throw new CorruptFileError(file, read.reason);
    }
    // No file (a team copied from a database, where a plan is only its message): the text the request carried.
    const asked = this.history(team).find(
      ({ message: m }) => m.type === 'plan_approval_request' && m.requestId === planId && m.from === agent,
    );
    return typeof asked?.message.plan === 'string' ? asked.message.plan : null;
  }

  async requestShutdown(team: string, input: ShutdownInput): Promise<TeamRequest> {
    return asRequest('shutdown', this.mailbox.send(team, shutdownMessage(input)));
  }

  async requestJoin(team: string, input: JoinInput): Promise<TeamRequest> {
    const config = this.config(team);
    return asRequest('join', this.mailbox.send(team, joinMessage(input, this.leader(config, input.to, 'approve a join'), team)));
  }

  async sendIdle(team: string, input: IdleInput): Promise<TeamMessage> {
    const config = this.config(team);
    const agentId = config.members.find((m) => m.name === input?.agent)?.agentId;
    return this.mailbox.send(team, idleMessage(input, this.leader(config, input.to, 'tell'), agentId));
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
    return this.ctx.writer(team).mutateDirect(info, () => {
      const loaded = this.ctx.requireTeam(team);
      const key = requestKey(values.kind, values.requestId);
      return answerRequest(
        team,
        values,
        {
          history: async () => this.history(team),
          recorded: async () => this.readAnswers(team).get(key),
          planExists: async (agent) => (await this.getPlan(team, values.requestId, agent)) !== null,
          addMember: async (name) => {
            details.member = name;
            return appendMember(this.ctx, team, loaded, { name }, details);
          },
          send: async (message) => this.mailbox.send(team, message),
          record: async (answer) => {
            const all = Object.fromEntries(this.readAnswers(team));
            all[key] = answer;
            writeFileDurably(this.ctx.paths.root, this.answersPath(team), stringifyJson({ version: 1, answers: all }, 2));
          },
        },
        details,
      );
    });
  }

  async list(team: string, options: { for?: string } = {}): Promise<RequestList> {
    if (options.for !== undefined) assertName(options.for, 'member');
    return collectRequests(this.history(team), this.readAnswers(team), options.for);
  }
}
