import * as fs from 'fs';
import { InvalidInputError } from '../shared/errors';
import { MESSAGE_TYPES, type CostSummary, type MessageType, type TeamMessage } from '../shared/messages';
import { describeAge, parseTimestamp } from '../shared/time';
import type { Store } from '../store';
import { formatCents } from '../shared/money';
import { str, who, type Command, type Values } from './command';

/**
 * `lockstep inbox …` and `lockstep cost …`: ClawTeam's verbs, on either backend (`Store.messages`, `Store.costs`):
 * ClawTeam's files in a data folder (store/inbox.ts, costs.ts), or the database's tables (store/postgres/pg-messages.ts,
 * pg-costs.ts).
 */

function count(value: string | undefined, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidInputError(`${what} must be a whole number of 1 or more (got "${value}").`);
  return Number(value);
}

function tokens(value: string | undefined, what: string): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) throw new InvalidInputError(`${what} must be a whole number of 0 or more (got "${value}").`);
  return Number(value);
}

function amount(value: string | undefined, what: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidInputError(`${what} must be an amount of 0 or more (got "${value}").`);
  return n;
}

async function team(store: Store, name: string): Promise<void> {
  await store.getTeam(name); // NOT_FOUND, in plain words, when there is no such team
}

function readStdin(): string {
  if (process.stdin.isTTY) throw new InvalidInputError('Give the message text, or pipe it in on standard input.');
  return fs.readFileSync(0, 'utf8');
}

/** `--field K=V`: ClawTeam's optional message fields (proposedName, reason, …) or any other. */
function fields(values: Values): Record<string, unknown> | undefined {
  const pairs = values.field;
  if (!Array.isArray(pairs) || pairs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidInputError(`--field takes NAME=VALUE (got "${pair}").`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** The one cent rule shared with the window (round half up). */
const cents = formatCents;

/** The text to show: the content, else what a request or answer carries (ClawTeam sends those without content). */
function bodyOf(m: TeamMessage): string {
  if (m.content) return m.content;
  const field = (k: string) => (typeof m[k] === 'string' ? (m[k] as string) : '');
  const id = m.requestId ? ` (request ${m.requestId})` : '';
  if (m.type === 'plan_approval_request') return `Plan for approval${id}: ${field('summary')}`;
  if (m.type === 'plan_approved' || m.type === 'plan_rejected')
    return `${m.type === 'plan_approved' ? 'Approved' : 'Rejected'}${id}${field('feedback') ? `: ${field('feedback')}` : '.'}`;
  if (m.type === 'join_approved') return `Joined as ${field('assignedName')}${id}.`;
  if (m.type === 'idle')
    return `Idle${field('lastTask') ? ` after task ${field('lastTask')}` : ''}${field('status') ? ` (${field('status')})` : ''}.`;
  return '';
}

function formatMessages(messages: TeamMessage[], empty: string): string {
  if (messages.length === 0) return empty;
  return messages
    .map((m) => {
      const micros = parseTimestamp(m.timestamp);
      const when = micros === null ? m.timestamp : describeAge(micros);
      return `[${m.type}] ${m.from} → ${m.to ?? '(all)'}  ${when}${m.key ? `  key=${m.key}` : ''}\n  ${bodyOf(m).replace(/\n/g, '\n  ')}`;
    })
    .join('\n');
}

function formatSummary(s: CostSummary): string {
  const budget =
    s.budgetCents > 0 ? ` of ${cents(s.budgetCents)} budget (${Math.round((s.totalCostCents / s.budgetCents) * 100)} %)` : ' (no budget)';
  const lines = [
    `${s.teamName}: ${cents(s.totalCostCents)}${budget}, ${s.totalInputTokens} input + ${s.totalOutputTokens} output tokens, ${s.eventCount} event(s)`,
  ];
  for (const [agent, c] of Object.entries(s.byAgent).sort((a, b) => b[1] - a[1])) lines.push(`  ${agent.padEnd(20)} ${cents(c)}`);
  return lines.join('\n');
}

export const MESSAGE_COMMANDS: Record<string, Command> = {
  'inbox send': {
    usage: 'inbox send TEAM TO [CONTENT] --as FROM [--type T] [--key K] [--field NAME=VALUE]...',
    summary: "Send a message to a member's inbox (content from standard input when omitted).",
    positionals: ['TEAM', 'TO', 'CONTENT?'],
    options: { as: { type: 'string' }, type: { type: 'string' }, key: { type: 'string' }, field: { type: 'string', multiple: true } },
    async run(store, [teamName, to, content], v) {
      const type = str(v, 'type') ?? 'message';
      if (!(MESSAGE_TYPES as readonly string[]).includes(type))
        throw new InvalidInputError(`Unknown message type "${type}"; use one of: ${MESSAGE_TYPES.join(', ')}.`);
      const message = await store.messages.send(teamName, {
        from: who(v, 'sending'),
        to,
        content: content ?? readStdin(),
        type: type as MessageType,
        key: str(v, 'key'),
        fields: fields(v),
      });
      return { json: message, text: `Sent ${message.type} from ${message.from} to ${message.to}.` };
    },
  },
  'inbox broadcast': {
    usage: 'inbox broadcast TEAM CONTENT --as FROM [--key K]',
    summary: 'Send a message to every inbox of the team but your own.',
    positionals: ['TEAM', 'CONTENT'],
    options: { as: { type: 'string' }, key: { type: 'string' } },
    async run(store, [teamName, content], v) {
      const result = await store.messages.broadcast(teamName, { from: who(v, 'broadcasting'), content, key: str(v, 'key') });
      return {
        json: { count: result.count, recipients: result.recipients },
        text: result.count
          ? `Broadcast to ${result.count} inbox(es): ${result.recipients.join(', ')}.`
          : 'Nobody else has an inbox in this team.',
      };
    },
  },
  'inbox receive': {
    usage: 'inbox receive TEAM --as AGENT [--limit N] [--lease [--lease-seconds S]]',
    summary:
      'Take your waiting messages (oldest first); each is delivered at most once. With --lease, at least once: ack them with inbox ack, or they come back after the lease (300 s).',
    positionals: ['TEAM'],
    options: { as: { type: 'string' }, limit: { type: 'string' }, lease: { type: 'boolean' }, 'lease-seconds': { type: 'string' } },
    async run(store, [teamName], v) {
      const limit = count(str(v, 'limit'), '--limit', 10);
      if (v.lease === true || str(v, 'lease-seconds') !== undefined) {
        if (!store.messages.receiveLeased)
          throw new InvalidInputError('Leased receiving works on a data folder; this store is a database.');
        const seconds = count(str(v, 'lease-seconds'), '--lease-seconds', 300);
        const messages = await store.messages.receiveLeased(teamName, who(v, 'receiving'), limit, seconds * 1000);
        const ids = messages.map((m) => m.leaseId).join(',');
        const text = formatMessages(messages, 'No new messages.') + (ids ? `\nAck with: lockstep inbox ack ${teamName} ${ids}` : '');
        return { json: { count: messages.length, messages, leaseSeconds: seconds }, text };
      }
      const messages = await store.messages.receive(teamName, who(v, 'receiving'), limit);
      return { json: { count: messages.length, messages }, text: formatMessages(messages, 'No new messages.') };
    },
  },
  'inbox ack': {
    usage: 'inbox ack TEAM LEASE_IDS --as AGENT',
    summary: 'Delete messages taken with inbox receive --lease (their leaseIds, comma separated).',
    positionals: ['TEAM', 'LEASE_IDS'],
    options: { as: { type: 'string' } },
    async run(store, [teamName, ids], v) {
      if (!store.messages.ack) throw new InvalidInputError('Leased receiving works on a data folder; this store is a database.');
      const result = await store.messages.ack(teamName, who(v, 'acking'), ids.split(',').filter(Boolean));
      const notHeld = result.notHeld.length ? ` Not held any more (lease ended or acked before): ${result.notHeld.join(', ')}.` : '';
      return { json: result, text: `Acked ${result.acked.length} message(s).${notHeld}` };
    },
  },
  'inbox peek': {
    usage: 'inbox peek TEAM --as AGENT',
    summary: 'Show your waiting messages without taking them.',
    positionals: ['TEAM'],
    options: { as: { type: 'string' } },
    async run(store, [teamName], v) {
      const messages = await store.messages.peek(teamName, who(v, 'peeking'));
      return { json: { count: messages.length, messages }, text: formatMessages(messages, 'No messages waiting.') };
    },
  },
  'inbox log': {
    usage: 'inbox log TEAM [--limit N] [--from AGENT]',
    summary: "The team's message history, oldest first (never consumed).",
    positionals: ['TEAM'],
    options: { limit: { type: 'string' }, from: { type: 'string' } },
    async run(store, [teamName], v) {
      const records = await store.messages.log(teamName, { limit: count(str(v, 'limit'), '--limit', 50), from: str(v, 'from') });
      const messages = records.map((r) => r.message);
      return { json: { count: messages.length, messages }, text: formatMessages(messages, 'No messages yet.') };
    },
  },
  'cost report': {
    usage: 'cost report TEAM --as AGENT --input-tokens N --output-tokens N --cost-cents X [--provider P] [--model M]',
    summary: 'Record what a model call cost.',
    positionals: ['TEAM'],
    options: {
      as: { type: 'string' },
      'input-tokens': { type: 'string' },
      'output-tokens': { type: 'string' },
      'cost-cents': { type: 'string' },
      provider: { type: 'string' },
      model: { type: 'string' },
    },
    async run(store, [teamName], v) {
      await team(store, teamName);
      const event = await store.costs.report(teamName, {
        agentName: who(v, 'reporting'),
        inputTokens: tokens(str(v, 'input-tokens'), '--input-tokens'),
        outputTokens: tokens(str(v, 'output-tokens'), '--output-tokens'),
        costCents: amount(str(v, 'cost-cents'), '--cost-cents'),
        provider: str(v, 'provider') ?? '',
        model: str(v, 'model') ?? '',
      });
      return {
        json: event,
        text: `Recorded ${cents(event.costCents)} (${event.inputTokens} in, ${event.outputTokens} out) for ${event.agentName}.`,
      };
    },
  },
  'cost show': {
    usage: 'cost show TEAM [--agent A]',
    summary: "The team's spend against its budget (or one agent's).",
    positionals: ['TEAM'],
    options: { agent: { type: 'string' } },
    async run(store, [teamName], v) {
      await team(store, teamName);
      let summary = await store.costs.summary(teamName);
      const agent = str(v, 'agent');
      if (agent !== undefined) {
        const events = await store.costs.events(teamName, agent);
        summary = {
          ...summary,
          totalCostCents: events.reduce((s, e) => s + e.costCents, 0),
          totalInputTokens: events.reduce((s, e) => s + e.inputTokens, 0),
          totalOutputTokens: events.reduce((s, e) => s + e.outputTokens, 0),
          byAgent: events.length ? { [agent]: events.reduce((s, e) => s + e.costCents, 0) } : {},
          eventCount: events.length,
        };
      }
      return { json: summary, text: formatSummary(summary) };
    },
  },
  'cost budget': {
    usage: 'cost budget TEAM DOLLARS',
    summary: "Set the team's budget in dollars (0 removes it).",
    positionals: ['TEAM', 'DOLLARS'],
    options: {},
    async run(store, [teamName, dollars]) {
      const n = amount(dollars, 'DOLLARS');
      const config = await store.setBudget(teamName, Math.round(n * 100 * 1e6) / 1e6);
      return {
        json: { teamName: config.name, budgetCents: config.budgetCents },
        text:
          config.budgetCents > 0
            ? `Budget of team ${config.name} is now ${cents(config.budgetCents)}.`
            : `Team ${config.name} has no budget now.`,
      };
    },
  },
};
