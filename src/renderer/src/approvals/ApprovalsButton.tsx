/** The top bar's way to the Approvals list, with the number of requests waiting for an answer (only the number in a narrow window). */
export function ApprovalsButton({ count, onOpen }: { count: number; onOpen(): void }) {
  return (
    <button
      type="button"
      className={`approvals-button${count > 0 ? ' waiting' : ''}`}
      data-testid="approvals-button"
      aria-label={`Approvals: ${count} request${count === 1 ? '' : 's'} waiting for an answer`}
      title="Plans, shutdown and join requests agents ask you to answer"
      onClick={onOpen}
    >
      <span className="approvals-word">Approvals </span>
      <span className="approvals-count" data-testid="approvals-count" aria-hidden="true">
        {count}
      </span>
    </button>
  );
}
