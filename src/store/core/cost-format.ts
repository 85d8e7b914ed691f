import type { CostEvent } from '../../shared/messages';
import { dumpsPy, pyFloat } from './py-json';

// ClawTeam's cost event files with no I/O: their names and their bytes, as Python's json.dumps writes them. The data
// folder keeps them as files (folder/costs.ts); the database keeps the same bytes in rows.

export const COST_FILE_RE = /^cost-.+\.json$/;

export function serializeEvent(event: CostEvent): string {
  return dumpsPy({
    id: event.id,
    agentName: event.agentName,
    provider: event.provider,
    model: event.model,
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    costCents: pyFloat(event.costCents),
    reportedAt: event.reportedAt,
  });
}
