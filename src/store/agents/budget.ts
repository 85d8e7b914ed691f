import { assertName } from '../../shared/names';
import type { AgentContext } from './context';
import { recordCosts } from './cost-recorder';
import { agentStatuses } from './liveness';
import { stopAgent } from './stop';

export interface BudgetResult {
  team: string;
  spentCents: number;
  /** 0: the team has no budget. */
  budgetCents: number;
  over: boolean;
  /** Agents this call stopped. */
  stopped: string[];
  /** Why, in one sentence (empty when within budget). */
  message: string;
}

const dollars = (c: number): string => `$${(c / 100).toFixed(2)}`;

/**
 * The team's budget enforced: costs not yet recorded are read from the runs' logs first; when the recorded spend
 * has reached the budget, every agent Lockstep started that still runs is stopped (Claude Code and Codex cannot be
 * paused from outside), and the message says why. Raising the budget lets them be started again.
 */
export async function enforceBudget(ctx: AgentContext, teamName: string, options: { graceMs?: number } = {}): Promise<BudgetResult> {
  const team = assertName(teamName, 'team');
  await recordCosts(ctx, team);
  const summary = await ctx.store.costs.summary(team);
  const budgetCents = summary.budgetCents > 0 ? summary.budgetCents : 0;
  const over = budgetCents > 0 && summary.totalCostCents >= budgetCents;
  const stopped: string[] = [];
  if (over) {
    for (const status of await agentStatuses(ctx, team)) {
      if (status.source !== 'lockstep' || (status.state !== 'running' && status.state !== 'idle')) continue;
      const result = await stopAgent(ctx, team, status.agent, { graceMs: options.graceMs, because: 'budget reached' });
      if (result.wasRunning) stopped.push(status.agent);
    }
  }
  const spent = `Team ${team} has spent ${dollars(summary.totalCostCents)} of its ${dollars(budgetCents)} budget`;
  const message = !over
    ? ''
    : stopped.length
      ? `${spent}: stopped ${stopped.join(', ')}. Raise the budget (lockstep cost budget ${team} DOLLARS) to start them again.`
      : `${spent}: no agent of Lockstep's is running; raise the budget to start agents again.`;
  return { team, spentCents: summary.totalCostCents, budgetCents, over, stopped, message };
}
