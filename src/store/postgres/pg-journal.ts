import type { PoolClient } from 'pg';
import { teamNotFound } from '../../shared/errors';
import type { JournalEntry } from '../core/journal-format';

/**
 * Journal reads on the database (the writes are PgContext.appendJournal's, pg-context.ts: numbered last, in the
 * mutation, by lockstep_journal_append, migration 5).
 *
 * Entries are numbered by a sequence per team, not in commit order: a change that took number 7 can commit after
 * the one that took 8. A reader that goes by number (journalSince) must therefore never return 8 while 7 may still
 * come, or it would step over 7 for good. Each entry keeps the xid it was inserted under, and within a team a
 * smaller number has a smaller xid; so an entry whose xid is older than the reading snapshot's xmin (every older
 * transaction has ended, committed or not) is final: every entry with a smaller number is either visible already or
 * will never exist. The final entries are a prefix, by number, of all the team's entries; journalTail returns only
 * those, and waits (briefly) for the entries committed when it was called to become final.
 */

const parse = (rows: Array<{ line: string }>): JournalEntry[] => rows.map((row) => JSON.parse(row.line) as JournalEntry);

/** How long a read waits for entries already committed to become final before it returns the final ones only. */
const SETTLE_MS = 2_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The newest `limit` final entries after `afterSeq` (0: from the start), oldest first; [] for a team that does not
 * exist. When entries after `afterSeq` were committed but are not final yet (an older transaction is still open),
 * it reads again, up to SETTLE_MS, until they are: a caller that just committed an entry reads it back, and one
 * that follows the journal by number never skips or reorders one. Past SETTLE_MS it returns the final ones; the
 * rest come in a later read.
 */
export async function journalTail(client: PoolClient, team: string, afterSeq: number, limit: number): Promise<JournalEntry[]> {
  const deadline = Date.now() + SETTLE_MS;
  let wanted: number | null = null;
  for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
    // top: the team's newest committed number; rows: the final entries (the horizon is the statement's own snapshot).
    const r = await client.query({
      name: 'lockstep_journal_tail',
      text: `WITH t AS (SELECT id FROM lockstep_teams WHERE name = $1),
                  f AS (SELECT j.seq, j.line FROM lockstep_journal j JOIN t ON j.team_id = t.id
                         WHERE j.seq > $2 AND (j.xid IS NULL OR j.xid < (SELECT pg_snapshot_xmin(pg_current_snapshot())))
                         ORDER BY j.seq DESC LIMIT $3)
             SELECT (SELECT max(j.seq) FROM lockstep_journal j JOIN t ON j.team_id = t.id) AS top, f.seq, f.line
               FROM (SELECT 1) one LEFT JOIN f ON true ORDER BY f.seq`,
      values: [team, afterSeq, limit],
    });
    const rows = r.rows.filter((row) => row.line !== null) as Array<{ line: string; seq: string }>;
    const top = r.rows[0]?.top === null || r.rows[0]?.top === undefined ? afterSeq : Number(r.rows[0].top);
    wanted ??= top;
    const last = rows.length ? Number(rows[rows.length - 1].seq) : afterSeq;
    if (last >= wanted || Date.now() >= deadline) return parse(rows);
    await sleep(pause);
  }
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
