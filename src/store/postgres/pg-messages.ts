import { randomUUID } from 'crypto';
import type { PoolClient } from 'pg';
import { inboxName } from '../../shared/domain';
import type { BroadcastInput, MessageRecord, SendMessageInput, TeamMessage } from '../../shared/messages';
import { assertName } from '../../shared/names';
import type { EventsRead } from '../core/message-service';
import { EVENT_FILE_RE, newEventName, newMessageName, parseMessage, serializeMessage } from '../core/message-format';
import { broadcastValues, buildMessage, checkLimit, historyPage, MAX_MESSAGE_LIMIT } from '../core/message-rules';
import type { BroadcastResult, MessageService } from '../core/message-service';
import { nowTimestamp } from '../../shared/time';
import { CHANGES_CHANNEL } from './connection';
import { inTransaction } from './pg-tx';
import { loseCommitReply, deliverMessages, inboxOf, notifySql, requireTeam, type Runner } from './pg-mail-common';

function parseRaw(raw: string): TeamMessage | null {
  const parsed = parseMessage(Buffer.from(raw, 'utf8'));
  return 'message' in parsed ? parsed.message : null;
}

const records = (rows: Array<{ name: string; raw: string }>): MessageRecord[] =>
  rows.flatMap((r) => {
    const message = parseRaw(r.raw);
    return message ? [{ id: r.name, message }] : [];
  });

/**
 * Team messages in the database, with the folder Mailbox's semantics. Each message is a row of its receiver's inbox;
 * receiving deletes the oldest rows picked FOR UPDATE SKIP LOCKED, so racing receivers never get the same message
 * and never wait on each other. Every send is also a history row (never consumed). Each call is one transaction.
 */
export class PgMessages implements MessageService {
  constructor(private readonly run: Runner) {}

  /** After a dropped connection: did the attempt that wrote this history entry commit? */
  private sent<T>(event: () => string | undefined, value: () => T | undefined) {
    return async (client: PoolClient): Promise<{ committed: true; value: T } | null> => {
      const name = event();
      const v = value();
      if (name === undefined || v === undefined) return null;
      const r = await client.query('SELECT 1 FROM lockstep_message_events WHERE name = $1', [name]);
      return r.rowCount ? { committed: true, value: v } : null;
    };
  }

  async send(team: string, input: SendMessageInput): Promise<TeamMessage> {
    assertName(team, 'team');
    const message = buildMessage(input);
    const raw = serializeMessage(message);
    const value = JSON.parse(raw) as TeamMessage;
    const event = newEventName();
    const lost = { done: false };
    return this.run(
      async (client) => {
        return inTransaction(
          client,
          async () => {
            const { id, config } = await requireTeam(client, team, true);
            await deliverMessages(client, team, id, [
              { inbox: inboxOf(config, message.to as string), name: newMessageName(), event, from: message.from, raw },
            ]);
            return value;
          },
          { afterCommit: () => loseCommitReply(lost) },
        );
      },
      this.sent(
        () => event,
        () => value,
      ),
    );
  }

  /** One message per inbox but the sender's: every inbox that exists plus every member's, as the folder's broadcast. */
  async broadcast(team: string, input: BroadcastInput): Promise<BroadcastResult> {
    assertName(team, 'team');
    const values = broadcastValues(input);
    let last: { event: string; value: BroadcastResult } | undefined;
    const lost = { done: false };
    return this.run(
      async (client) => {
        last = undefined;
        return inTransaction(
          client,
          async () => {
            const { id, config } = await requireTeam(client, team, true);
            const own = new Set([values.from, inboxOf(config, values.from)]);
            const existing = await client.query('SELECT inbox FROM lockstep_inboxes WHERE team_id = $1', [id]);
            const all = new Set([...existing.rows.map((r) => r.inbox as string), ...config.members.map((m) => inboxName(m))]);
            const recipients = [...all].filter((r) => !own.has(r)).sort();
            const items = recipients.map((to) => {
              const raw = serializeMessage({
                type: values.type,
                from: values.from,
                to,
                content: values.content,
                timestamp: nowTimestamp(),
                key: values.key,
              });
              return { inbox: to, name: newMessageName(), event: newEventName(), from: values.from, raw };
            });
            const value = { count: items.length, recipients, messages: items.map((i) => JSON.parse(i.raw) as TeamMessage) };
            if (items.length) {
              await deliverMessages(client, team, id, items);
            }
            if (items.length) last = { event: items[0].event, value };
            return value;
          },
          { afterCommit: () => loseCommitReply(lost) },
        );
      },
      this.sent(
        () => last?.event,
        () => last?.value,
      ),
    );
  }

  async recipients(team: string): Promise<string[]> {
    assertName(team, 'team');
    return this.run(async (client) => {
      const r = await client.query('SELECT i.inbox FROM lockstep_inboxes i JOIN lockstep_teams t ON t.id = i.team_id WHERE t.name = $1', [
        team,
      ]);
      return r.rows.map((row) => row.inbox as string).sort();
    });
  }

  async receive(team: string, agent: string, limit = 10): Promise<TeamMessage[]> {
    assertName(team, 'team');
    checkLimit(limit);
    let opId = randomUUID();
    const lost = { done: false };
    return this.run(
      async (client) => {
        opId = randomUUID();
        return inTransaction(
          client,
          async () => {
            const { id, config } = await requireTeam(client, team, true);
            // Takes the oldest free rows, keeps a receipt of them (a receiver whose COMMIT reply was lost learns from it
            // what it took: see settle below) and signals listeners if it took any, in one statement.
            const taken = await client.query(
              `WITH picked AS (SELECT name FROM lockstep_messages WHERE team_id = $1 AND inbox = $2 ORDER BY name LIMIT $3 FOR UPDATE SKIP LOCKED),
                d AS (DELETE FROM lockstep_messages m USING picked WHERE m.team_id = $1 AND m.inbox = $2 AND m.name = picked.name
                      RETURNING m.name, m.raw),
                r AS (INSERT INTO lockstep_message_receipts (op_id, team_id, raws)
                      SELECT $4, $1, array_agg(raw ORDER BY name) FROM d HAVING count(*) > 0)
           SELECT d.name, d.raw, (SELECT ${notifySql(5)}) AS notified FROM d`,
              [id, inboxOf(config, agent), limit, opId, CHANGES_CHANNEL, team, 'messages'],
            );
            const rows = (taken.rows as Array<{ name: string; raw: string }>).sort((a, b) => (a.name < b.name ? -1 : 1));
            if (rows.length && Math.random() < 0.02)
              await client.query("DELETE FROM lockstep_message_receipts WHERE at < now() - interval '1 day'");
            return records(rows).map((r) => r.message);
          },
          { afterCommit: () => loseCommitReply(lost) },
        );
      },
      async (client) => {
        const r = await client.query('SELECT raws FROM lockstep_message_receipts WHERE op_id = $1', [opId]);
        if (!r.rowCount) return null;
        return { committed: true, value: (r.rows[0].raws as string[]).flatMap((raw) => parseRaw(raw) ?? []) };
      },
    );
  }

  /** What `agent` would receive, without taking it. */
  async peek(team: string, agent: string, limit = MAX_MESSAGE_LIMIT): Promise<TeamMessage[]> {
    assertName(team, 'team');
    checkLimit(limit);
    return this.run(async (client) => {
      const { id, config } = await requireTeam(client, team);
      const r = await client.query('SELECT name, raw FROM lockstep_messages WHERE team_id = $1 AND inbox = $2 ORDER BY name LIMIT $3', [
        id,
        inboxOf(config, agent),
        limit,
      ]);
      return records(r.rows).map((x) => x.message);
    });
  }

  /** Waiting messages per inbox (every inbox that exists, 0 included). */
  async unreadCounts(team: string): Promise<Record<string, number>> {
    assertName(team, 'team');
    return this.run(async (client) => {
      const { id } = await requireTeam(client, team);
      const r = await client.query(
        `SELECT i.inbox, (SELECT count(*)::int FROM lockstep_messages m WHERE m.team_id = i.team_id AND m.inbox = i.inbox) AS n
           FROM lockstep_inboxes i WHERE i.team_id = $1`,
        [id],
      );
      const counts: Record<string, number> = {};
      for (const row of [...r.rows].sort((a, b) => (a.inbox < b.inbox ? -1 : 1))) counts[row.inbox] = row.n;
      return counts;
    });
  }

  /** The team's history, oldest first; `limit` keeps the newest N; `from` keeps one sender's. */
  async log(team: string, options: { limit?: number; from?: string } = {}): Promise<MessageRecord[]> {
    assertName(team, 'team');
    if (options.from !== undefined) assertName(options.from, 'agent');
    if (options.limit !== undefined) checkLimit(options.limit);
    return this.run(async (client) => {
      const { id } = await requireTeam(client, team);
      const r = await client.query(
        `SELECT name, raw FROM (SELECT name, raw FROM lockstep_message_events WHERE team_id = $1 AND ($2::text IS NULL OR sender = $2)
           ORDER BY name DESC LIMIT $3) x ORDER BY name`,
        [id, options.from ?? null, options.limit ?? null],
      );
      return records(r.rows);
    });
  }

  /** The newest `limit` history entries before `before` (paging back), oldest first, and whether there are older ones. */
  async readHistory(team: string, options: { before?: string; limit: number }): Promise<EventsRead & { more: boolean }> {
    assertName(team, 'team');
    return this.run(async (client) => {
      const names = await this.eventNames(client, team);
      const { page, more } = historyPage(names, options.before, options.limit);
      return { ...(await this.readNamed(client, team, names, new Set(), new Set(page))), more };
    });
  }

  /** Names of the newest history entries after `after` (any when undefined), newest first; [] for no such team. */
  async newestNames(team: string, after: string | undefined, limit: number): Promise<string[]> {
    return this.run(async (client) => {
      const r = await client.query(
        `SELECT e.name FROM lockstep_message_events e JOIN lockstep_teams t ON t.id = e.team_id
         WHERE t.name = $1 AND ($2::text IS NULL OR e.name > $2) ORDER BY e.name DESC LIMIT $3`,
        [team, after ?? null, limit],
      );
      return r.rows.map((row) => row.name as string);
    });
  }

  /** History entries not in `known` (incremental), or just the `only` ones; `names`: every entry name now. */
  async readEvents(team: string, known: ReadonlySet<string> = new Set(), only?: ReadonlySet<string>): Promise<EventsRead> {
    assertName(team, 'team');
    return this.run(async (client) => this.readNamed(client, team, await this.eventNames(client, team), known, only));
  }

  private async eventNames(client: PoolClient, team: string): Promise<string[]> {
    const r = await client.query(
      'SELECT e.name FROM lockstep_message_events e JOIN lockstep_teams t ON t.id = e.team_id WHERE t.name = $1 ORDER BY e.name',
      [team],
    );
    return r.rows.map((row) => row.name as string);
  }

  private async readNamed(
    client: PoolClient,
    team: string,
    names: string[],
    known: ReadonlySet<string>,
    only?: ReadonlySet<string>,
  ): Promise<EventsRead> {
    const wanted = (only ? [...only].filter((n) => EVENT_FILE_RE.test(n)).sort() : names).filter((n) => !known.has(n));
    if (wanted.length === 0) return { records: [], names, problems: [] };
    const r = await client.query(
      `SELECT e.name, e.raw FROM lockstep_message_events e JOIN lockstep_teams t ON t.id = e.team_id
        WHERE t.name = $1 AND e.name = ANY($2::text[]) ORDER BY e.name`,
      [team, wanted],
    );
    return { records: records(r.rows), names, problems: [] };
  }
}
