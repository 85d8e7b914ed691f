import { costEventFileSchema } from '../core/clawteam-format';
import {
  costReportInputSchema,
  type AgentCost,
  type CostEvent,
  type CostOverview,
  type CostReportInput,
  type CostSummary,
} from '../../shared/messages';
import { assertName } from '../../shared/names';
import { parseInput } from '../../shared/schemas';
import { nowTimestamp } from '../../shared/time';
import { serializeEvent } from '../core/cost-format';
import { hex8 } from '../core/message-format';
import type { CostService } from '../core/message-service';
import { CHANGES_CHANNEL } from './connection';
import { inTransaction, READ_SNAPSHOT } from './pg-tx';
import { loseCommitReply, notifySql, requireTeam, type Runner } from './pg-mail-common';

/** A cost event's name, as the folder names its file (costs.ts): it orders events oldest first. */
export function costEventName(event: CostEvent): string {
  return `cost-${event.reportedAt.replace(/:/g, '-').replace(/\+/g, 'p')}-${event.id}.json`;
}

/**
 * Cost events in the database, with the folder CostStore's results. Each report is one row (its bytes as the
 * folder's file would hold them) inserted in one transaction; the totals are sums over the rows, so no report's
 * contribution can be lost and there is no summary to keep in step. The budget is the team config's budgetCents.
 */
export class PgCosts implements CostService {
  constructor(private readonly run: Runner) {}

  async report(team: string, input: CostReportInput): Promise<CostEvent> {
    assertName(team, 'team');
    const values = parseInput(costReportInputSchema, input, 'cost report');
    const event: CostEvent = { id: hex8(), ...values, reportedAt: nowTimestamp() };
    const name = costEventName(event);
    const lost = { done: false };
    return this.run(
      async (client) => {
        return inTransaction(
          client,
          async () => {
            const { id } = await requireTeam(client, team, true);
            await client.query(
              `WITH c AS (INSERT INTO lockstep_cost_events (team_id, name, agent_name, input_tokens, output_tokens, cost_cents, raw)
                      VALUES ($1, $2, $3, $4, $5, $6, $7))
           SELECT ${notifySql(8)}`,
              [
                id,
                name,
                event.agentName,
                event.inputTokens,
                event.outputTokens,
                event.costCents,
                serializeEvent(event),
                CHANGES_CHANNEL,
                team,
                'costs',
              ],
            );
            return event;
          },
          { afterCommit: () => loseCommitReply(lost) },
        );
      },
      async (client) => {
        const r = await client.query('SELECT 1 FROM lockstep_cost_events WHERE name = $1', [name]);
        return r.rowCount ? { committed: true, value: event } : null;
      },
    );
  }

  /** Every event, oldest first, optionally one agent's. */
  async events(team: string, agent?: string): Promise<CostEvent[]> {
    assertName(team, 'team');
    if (agent !== undefined) assertName(agent, 'agent');
    return this.run(async (client) => {
      const { id } = await requireTeam(client, team);
      const r = await client.query(
        'SELECT raw FROM lockstep_cost_events WHERE team_id = $1 AND ($2::text IS NULL OR agent_name = $2) ORDER BY name',
        [id, agent ?? null],
      );
      return r.rows.flatMap((row) => {
        const parsed = costEventFileSchema.safeParse(JSON.parse(row.raw));
        return parsed.success ? [parsed.data as CostEvent] : [];
      });
    });
  }

  async summary(team: string): Promise<CostSummary> {
    return (await this.overview(team)).summary;
  }

  /** Totals plus spend and tokens per agent (most spent first), and the team's budget. */
  async overview(team: string): Promise<CostOverview> {
    assertName(team, 'team');
    return this.run(async (client) => {
      // One snapshot for the config (budget) and the sums.
      const { config, r } = await inTransaction(
        client,
        async () => {
          const { id, config } = await requireTeam(client, team);
          const r = await client.query(
            `SELECT agent_name, sum(cost_cents)::float8 AS cents, sum(input_tokens)::float8 AS input, sum(output_tokens)::float8 AS output, count(*)::int AS n
               FROM lockstep_cost_events WHERE team_id = $1 GROUP BY agent_name`,
            [id],
          );
          return { config, r };
        },
        { begin: READ_SNAPSHOT },
      );
      const agents: AgentCost[] = r.rows.map((row) => ({
        agentName: row.agent_name,
        costCents: Number(row.cents),
        inputTokens: Number(row.input),
        outputTokens: Number(row.output),
        events: row.n,
      }));
      const byAgent: Record<string, number> = {};
      for (const a of [...agents].sort((x, y) => (x.agentName < y.agentName ? -1 : 1))) byAgent[a.agentName] = a.costCents;
      const summary: CostSummary = {
        teamName: team,
        totalCostCents: agents.reduce((s, a) => s + a.costCents, 0),
        totalInputTokens: agents.reduce((s, a) => s + a.inputTokens, 0),
        totalOutputTokens: agents.reduce((s, a) => s + a.outputTokens, 0),
        byAgent,
        eventCount: agents.reduce((s, a) => s + a.events, 0),
        budgetCents: Number(config.budgetCents) || 0,
      };
      return { summary, agents: agents.sort((a, b) => b.costCents - a.costCents || a.agentName.localeCompare(b.agentName)) };
    });
  }
}
