import { useReportAttention } from '../attention/attention';

/** Requests waiting for an answer, in the attention signal (a click opens the Approvals list). Renders nothing. */
export function ApprovalsAttention({ count, onOpen }: { count: number; onOpen(): void }) {
  useReportAttention(
    'approvals',
    count > 0
      ? [
          {
            key: 'approvals',
            label: `${count} to approve`,
            tone: 'warn',
            detail: `${count} request${count === 1 ? '' : 's'} from agents (plans, shutdowns, joins) wait${count === 1 ? 's' : ''} for your answer.`,
            onSelect: onOpen,
            notify: true,
          },
        ]
      : [],
  );
  return null;
}
