import { useCallback, useEffect, useState } from 'react';
import type { ApiOutput, LockstepApi } from '../../../shared/api';
import { call, describeFailure } from '../api';

type Finding = ApiOutput<'doctor'>['findings'][number];

/** The stall radar: what keeps the team's work from moving, each with its one-click fix. */
export function RadarPanel({ api, team, refreshKey, onMessage }: { api: LockstepApi; team: string; refreshKey: number; onMessage(text: string, error?: boolean): void }) {
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const load = useCallback(async () => {
    try {
      setFindings((await call(api, 'doctor', { team })).findings);
    } catch (err) {
      onMessage(describeFailure(err), true);
    }
  }, [api, team, onMessage]);
  useEffect(() => {
    void load();
  }, [load, refreshKey]);
  return (
    <section className="radar" aria-label="Stall radar" data-testid="radar">
      <h3>Stall radar</h3>
      {findings === null ? <p className="muted">Looking…</p> : findings.length === 0 ? <p className="muted">Nothing is stalled.</p> : (
        <ul>
          {findings.map((f) => (
            <li key={f.id} data-testid={`finding-${f.kind}`}>
              <span className={`finding-kind ${f.kind}`}>{f.kind.replace(/-/g, ' ')}</span> {f.message}
              <button
                type="button"
                onClick={async () => {
                  try {
                    await call(api, 'fixFinding', { team, findingId: f.id });
                    onMessage(`Fixed: ${f.fix.label}.`);
                  } catch (err) {
                    onMessage(describeFailure(err), true);
                  }
                  void load();
                }}
              >
                {f.fix.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
