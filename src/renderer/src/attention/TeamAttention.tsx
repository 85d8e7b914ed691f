import { budgetState, formatCents } from '../messages/logic';
import { useMessagesContext } from '../messages/MessagesContext';
import { useReportAttention, type AttentionItem } from './attention';
import type { Finding } from './radar';

interface Props {
  team: string;
  agentName: string;
  findings: Finding[] | null;
  onOpenRadar(): void;
  onShowMessages(): void;
}

/**
 * What in the team on screen needs the person, for the top bar's signal: stalled work (the stall radar's findings),
 * the budget nearly spent or over, and messages waiting for the person. Renders nothing itself.
 */
export function TeamAttention({ team, agentName, findings, onOpenRadar, onShowMessages }: Props) {
  const ctx = useMessagesContext();
  const items: AttentionItem[] = [];
  if (findings && findings.length > 0)
    items.push({
      key: 'stalls',
      label: `${findings.length} stalled`,
      tone: 'warn',
      detail: `${findings.length} thing${findings.length === 1 ? '' : 's'} in ${team} keep${findings.length === 1 ? 's' : ''} work from moving: open the stall radar.`,
      onSelect: onOpenRadar,
      notify: true,
    });
  const summary = ctx?.data.costs?.summary;
  if (summary) {
    const { percent, state } = budgetState(summary.totalCostCents, summary.budgetCents);
    if ((state === 'over' || state === 'warn') && percent !== null)
      items.push({
        key: 'budget',
        label: state === 'over' ? `Over budget ${Math.round(percent)} %` : `Budget ${Math.round(percent)} %`,
        tone: state === 'over' ? 'danger' : 'warn',
        detail: `${team} has spent ${formatCents(summary.totalCostCents)} of its ${formatCents(summary.budgetCents)} budget.`,
        onSelect: onShowMessages,
        notify: state === 'over',
      });
  }
  // The person's inbox is named after them (the window sends and receives as them).
  const mine = ctx?.data.unread[agentName] ?? 0;
  if (mine > 0)
    items.push({
      key: 'mail',
      label: `${mine} message${mine === 1 ? '' : 's'} for you`,
      tone: 'info',
      detail: `${mine} message${mine === 1 ? '' : 's'} in ${team} wait${mine === 1 ? 's' : ''} for ${agentName}.`,
      onSelect: () => {
        ctx?.select({ name: agentName, inbox: agentName });
        onShowMessages();
      },
      notify: true,
    });
  useReportAttention(`team:${team}`, items);
  return null;
}
