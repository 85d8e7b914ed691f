import type { PoolClient } from 'pg';
import { teamNotFound } from '../../shared/errors';
import type { JournalEntry } from '../core/journal-format';

/** Journal reads on the database (the writes are PgContext.appendJournal's, pg-context.ts: numbered last, in the mutation). */

const parse = (rows: Array<{ line: string }>): JournalEntry[] => rows.map((row) => JSON.parse(row.line) as JournalEntry);

/** The newest `limit` entries after `afterSeq` (0: from the start), oldest first; [] for a team that does not exist. */
export async function journalTail(client: PoolClient, team: string, afterSeq: number, limit: number): Promise<JournalEntry[]> {
  const r = await client.query(
    `SELECT line FROM (SELECT j.seq, j.line FROM lockstep_journal j JOIN lockstep_teams t ON t.id = j.team_id
       WHERE t.name = $1 AND j.seq > $2 ORDER BY j.seq DESC LIMIT $3) x ORDER BY seq`,
    [team, afterSeq, limit],
  );
  return parse(r.rows);
}

/** The team's whole journal, oldest first, or the entries touching one task. */
export async function journalOf(client: PoolClient, team: string, taskId?: string): Promise<JournalEntry[]> {
  const t = await client.query('SELECT id FROM lockstep_teams WHERE name = $1', [team]);
  if (t.rowCount === 0) throw teamNotFound(team);
  const teamId = String(t.rows[0].id);
  const r =
    taskId === undefined
      ? await client.query('SELECT line FROM lockstep_journal WHERE team_id = $1 ORDER BY seq', [teamId])
      : await client.query('SELECT line FROM lockstep_journal WHERE team_id = $1 AND task_ids @> ARRAY[$2::text] ORDER BY seq', [
          teamId,
          taskId,
        ]);
  const entries = parse(r.rows);
  return taskId ? entries.filter((e) => e.taskId === taskId || e.tasks.some((x) => x.id === taskId)) : entries;
}
