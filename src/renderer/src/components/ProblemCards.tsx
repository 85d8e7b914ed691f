import type { FileProblem } from '../../../shared/domain';

/** Task files that could not be read: said above the board, left untouched (the stall radar can move them aside). */
export function ProblemCards({ problems }: { problems: FileProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="problems" role="status">
      {problems.map((p) => (
        <div key={p.path} className="problem-card" data-testid="problem-card">
          <strong>Unreadable task file</strong> <code>{p.path}</code>
          <span className="muted"> — {p.reason}. It was left untouched; the stall radar can move it aside.</span>
        </div>
      ))}
    </div>
  );
}
