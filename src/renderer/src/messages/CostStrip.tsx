import { useState } from 'react';
import { call, describeFailure } from '../api';
import { budgetState, formatCents, formatTokens } from './logic';
import { useApi } from '../state/api-context';
import { useNotices } from '../state/messages';
import { useMessagesContext } from './MessagesContext';

/** Total spend against the budget (amber past 80 %, red past 100 %), spend and tokens per agent, budget editor. */
export function CostStrip() {
  const ctx = useMessagesContext()!;
  const { team, data } = ctx;
  const api = useApi();
  const { onMessage } = useNotices();
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A short window keeps the spend per agent folded, leaving the room to the messages.
  const [showAgents, setShowAgents] = useState(() => typeof window === 'undefined' || window.innerHeight >= 760);
  const costs = data.costs;
  if (!costs)
    return (
      <section className="cost-strip muted" aria-label="Costs">
        Loading costs…
      </section>
    );
  const { summary, agents } = costs;
  const { percent, state } = budgetState(summary.totalCostCents, summary.budgetCents);

  const save = async () => {
    if (editing === null) return;
    const dollars = Number(editing.replace(/^\$/, '').trim());
    if (editing.trim() === '' || !Number.isFinite(dollars) || dollars < 0) {
      setError('Give the budget as an amount of dollars, like 25 or 12.50 (0 removes it).');
      return;
    }
    try {
      const r = await call(api, 'setBudget', { team, dollars });
      data.setBudgetCents(r.budgetCents);
      setEditing(null);
      setError(null);
      onMessage(r.budgetCents > 0 ? `Budget set to ${formatCents(r.budgetCents)}.` : 'Budget removed.');
    } catch (err) {
      setError(describeFailure(err));
    }
  };

  return (
    <section className="cost-strip" aria-label="Costs" data-testid="cost-strip">
      <div className="cs-line">
        <span className="cs-total" data-testid="cost-total">
          <strong>{formatCents(summary.totalCostCents)}</strong>
          {summary.budgetCents > 0 ? (
            <span className="muted"> of {formatCents(summary.budgetCents)}</span>
          ) : (
            <span className="muted"> spent · no budget</span>
          )}
        </span>
        <span className="muted cs-tokens">
          {formatTokens(summary.totalInputTokens)} in · {formatTokens(summary.totalOutputTokens)} out
        </span>
        {editing === null ? (
          <button
            type="button"
            className="link"
            onClick={() => setEditing(summary.budgetCents > 0 ? String(summary.budgetCents / 100) : '')}
          >
            {summary.budgetCents > 0 ? 'Edit budget' : 'Set budget'}
          </button>
        ) : (
          <form
            className="cs-budget-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <label>
              <span className="sr-only">Budget in dollars</span>$
              <input
                aria-label="Budget in dollars"
                data-testid="budget-input"
                inputMode="decimal"
                value={editing}
                autoFocus
                onChange={(e) => setEditing(e.target.value)}
                onKeyDown={(e) => e.key === 'Escape' && (setEditing(null), setError(null))}
              />
            </label>
            <button type="submit">Save</button>
            <button type="button" className="link" onClick={() => (setEditing(null), setError(null))}>
              Cancel
            </button>
          </form>
        )}
      </div>
      <div
        className={`cs-bar ${state}`}
        data-testid="budget-bar"
        data-state={state}
        role="meter"
        aria-label="Spend against budget"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent === null ? undefined : Math.round(percent)}
        aria-valuetext={percent === null ? 'No budget set' : `${Math.round(percent)} % of the budget`}
      >
        <div className="cs-fill" style={{ width: `${percent === null ? 0 : Math.min(100, percent)}%` }} />
        {percent !== null && <span className="cs-percent">{Math.round(percent)} %</span>}
      </div>
      {state === 'over' && (
        <p className="cs-warning" role="status">
          Over budget by {formatCents(summary.totalCostCents - summary.budgetCents)}.
        </p>
      )}
      {error && (
        <p role="alert" className="mp-error">
          {error}
        </p>
      )}
      {agents.length > 0 && (
        <>
          <button type="button" className="link cs-agents-toggle" aria-expanded={showAgents} onClick={() => setShowAgents(!showAgents)}>
            {showAgents ? 'Hide' : 'Show'} spend per agent ({agents.length})
          </button>
          {showAgents && (
            <ul className="cs-agents" data-testid="cost-agents">
              {agents.map((a) => (
                <li key={a.agentName}>
                  <span className="cs-agent">{a.agentName}</span>
                  <span className="muted cs-agent-tokens">
                    {formatTokens(a.inputTokens)} in · {formatTokens(a.outputTokens)} out
                  </span>
                  <span className="cs-agent-cost">{formatCents(a.costCents)}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
