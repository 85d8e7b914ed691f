/**
 * Migration 5 (migrations.ts): the journal numbered by a sequence per team instead of a head row every commit took,
 * so one team's changes commit in parallel. Never edit it once released: add a new migration.
 */
export const JOURNAL_SEQUENCES_SQL = `
-- Until version 4 every commit took its team's lockstep_journal_heads row, so one team's changes committed one at a
-- time. Now each team's journal numbers come from a sequence of its own (lockstep_journal_seq_<team id>, made and
-- dropped with the team's row), taken in lockstep_journal_append just before COMMIT and never waited on by another
-- writer: changes of different tasks commit in parallel. A number can be skipped (a transaction that took one and
-- then failed to commit), and entries commit out of number order, so a reader following the journal by number
-- reads only up to a horizon: see pg-journal.ts and docs/postgresql.md.
--
-- xid: the id of the subtransaction that inserted the entry, taken together with its number under the team's
-- append lock, so within a team a smaller number always has a smaller xid. An entry whose xid is older than a
-- snapshot's xmin is final: every entry that could still commit with a smaller number has committed or never will.
-- NULL for entries written before this migration (all final).
ALTER TABLE lockstep_journal ADD COLUMN xid xid8;

CREATE FUNCTION lockstep_journal_seq(team bigint) RETURNS regclass LANGUAGE sql STABLE AS $f$
  SELECT format('lockstep_journal_seq_%s', team)::regclass
$f$;

-- A team's sequence comes and goes with its row. SECURITY DEFINER: everyday roles need no CREATE on the schema.
CREATE FUNCTION lockstep_team_journal_seq() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $f$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('CREATE SEQUENCE %I', 'lockstep_journal_seq_' || NEW.id);
    RETURN NEW;
  END IF;
  EXECUTE format('DROP SEQUENCE IF EXISTS %I', 'lockstep_journal_seq_' || OLD.id);
  RETURN OLD;
END
$f$;
CREATE TRIGGER lockstep_team_journal_seq_insert AFTER INSERT ON lockstep_teams
  FOR EACH ROW EXECUTE FUNCTION lockstep_team_journal_seq();
CREATE TRIGGER lockstep_team_journal_seq_delete AFTER DELETE ON lockstep_teams
  FOR EACH ROW EXECUTE FUNCTION lockstep_team_journal_seq();

-- Existing teams: each sequence continues after the team's last number.
DO $m$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT t.id, greatest(coalesce(h.seq, 0), coalesce((SELECT max(j.seq) FROM lockstep_journal j WHERE j.team_id = t.id), 0)) AS last
             FROM lockstep_teams t LEFT JOIN lockstep_journal_heads h ON h.team_id = t.id LOOP
    EXECUTE format('CREATE SEQUENCE %I START %s', 'lockstep_journal_seq_' || r.id, r.last + 1);
  END LOOP;
END
$m$;
DROP TABLE lockstep_journal_heads;

-- Numbers an entry, stores it with its xid, returns its number. The team's append lock is a session advisory lock
-- held for this call only (a few microseconds, never across a round trip or a COMMIT): inside it the entry is
-- inserted in a subtransaction, whose xid is assigned there, after the number is taken. p_line starts with
-- {"seq":0, and is stored with the number in place of the 0.
CREATE FUNCTION lockstep_journal_append(p_team bigint, p_at text, p_actor text, p_via text, p_op text, p_task_ids text[],
                                        p_line text, p_op_id text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $f$
DECLARE
  v_key int := (p_team % 2147483647)::int;
  v_seq bigint;
  v_xid xid;
  v_top bigint := pg_current_xact_id()::text::bigint;
BEGIN
  BEGIN
    PERFORM pg_advisory_lock(7406118, v_key);
    v_seq := nextval(lockstep_journal_seq(p_team));
    INSERT INTO lockstep_journal (team_id, seq, at, actor, via, op, task_ids, line, op_id)
      VALUES (p_team, v_seq, p_at, p_actor, p_via, p_op, p_task_ids, '{"seq":' || v_seq || substr(p_line, 9), p_op_id)
      RETURNING xmin INTO v_xid;
    PERFORM pg_advisory_unlock(7406118, v_key);
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_advisory_unlock(7406118, v_key);
    RAISE;
  END;
  -- The subtransaction's 32-bit xid, widened with the epoch of the top-level one (it is newer, by less than 2^31).
  UPDATE lockstep_journal SET xid = (v_top + ((v_xid::text::bigint - v_top % 4294967296) + 4294967296) % 4294967296)::text::xid8
   WHERE team_id = p_team AND seq = v_seq;
  RETURN v_seq;
END
$f$;
`;
