import type { ClientBase } from 'pg';
import { JOURNAL_SEQUENCES_SQL } from './migration-journal';
import { inTransaction } from './pg-tx';

/**
 * The database schema, as versioned migrations. Each runs in one transaction with its version row, under an
 * advisory lock, so two processes migrating at once apply each step exactly once. Never edit a released migration:
 * add a new one.
 *
 * Source of truth for a task is `raw`: the exact bytes its file has (or would have) in a data folder, so versions
 * (hashes of those bytes), unknown fields and number formats are the same on both backends and a copy back to a
 * folder is byte-for-byte. The other task columns are derived from it in the same statement, for queries and locks.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'teams, members, tasks, journal',
    sql: `
CREATE TABLE lockstep_teams (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  -- config.json as a data folder holds it (ClawTeam's fields, member profiles, unknown fields).
  config_raw  text NOT NULL
);

CREATE TABLE lockstep_members (
  team_id      bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  name         text NOT NULL,
  position     int NOT NULL,
  user_name    text NOT NULL,
  agent_id     text NOT NULL,
  agent_type   text NOT NULL,
  joined_at    text NOT NULL,
  role         text,
  capabilities text[],
  wip_limit    int CHECK (wip_limit >= 0),
  PRIMARY KEY (team_id, name)
);

CREATE TABLE lockstep_tasks (
  team_id       bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  id            text NOT NULL,
  subject       text NOT NULL,
  description   text NOT NULL,
  status        text NOT NULL CHECK (status IN ('pending', 'in_progress', 'completed', 'blocked')),
  priority      text NOT NULL CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
  priority_rank smallint NOT NULL,
  owner         text NOT NULL,
  locked_by     text NOT NULL,
  locked_at     text NOT NULL,
  blocks        text[] NOT NULL,
  blocked_by    text[] NOT NULL,
  started_at    text NOT NULL,
  created_at    text NOT NULL,
  updated_at    text NOT NULL,
  created_us    bigint NOT NULL,
  metadata      jsonb NOT NULL,
  extra         jsonb NOT NULL,
  raw           text NOT NULL,
  version       text NOT NULL,
  PRIMARY KEY (team_id, id)
);
CREATE INDEX lockstep_tasks_claimable ON lockstep_tasks (team_id, priority_rank DESC, created_us, id)
  WHERE status = 'pending' AND locked_by = '';
CREATE INDEX lockstep_tasks_held ON lockstep_tasks (team_id, locked_by) WHERE status = 'in_progress';

-- One row per team: the journal's last sequence number, taken last in every mutation (so journal order is commit order).
-- Replaced in version 5 by a sequence per team.
CREATE TABLE lockstep_journal_heads (
  team_id bigint PRIMARY KEY REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  seq     bigint NOT NULL DEFAULT 0
);

CREATE TABLE lockstep_journal (
  team_id  bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  seq      bigint NOT NULL,
  at       text NOT NULL,
  actor    text NOT NULL,
  via      text NOT NULL,
  op       text NOT NULL,
  task_ids text[] NOT NULL,
  -- The entry exactly as a data folder's journal.jsonl line holds it.
  line     text NOT NULL,
  -- Which mutation wrote it: lets a writer whose connection dropped during COMMIT learn whether it committed.
  op_id    text UNIQUE,
  PRIMARY KEY (team_id, seq)
);
CREATE INDEX lockstep_journal_tasks ON lockstep_journal USING gin (task_ids);

-- The capability tags a task asks for (metadata.requires: a list, or a comma-separated string), as shared/members.ts reads them.
CREATE FUNCTION lockstep_required_tags(meta jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE jsonb_typeof(meta->'requires')
    WHEN 'array' THEN ARRAY(SELECT e #>> '{}' FROM jsonb_array_elements(meta->'requires') e
                            WHERE jsonb_typeof(e) = 'string' AND e #>> '{}' <> '')
    WHEN 'string' THEN ARRAY(SELECT btrim(x) FROM regexp_split_to_table(meta->>'requires', ',') x WHERE btrim(x) <> '')
    ELSE ARRAY[]::text[]
  END
$f$;
`,
  },
  {
    version: 2,
    name: 'messages, costs, team trash',
    sql: `
-- Inboxes that exist (a folder's inbox folders): broadcast and unread counts see an inbox even once it is empty.
CREATE TABLE lockstep_inboxes (
  team_id bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  inbox   text COLLATE "C" NOT NULL,
  PRIMARY KEY (team_id, inbox)
);

-- Waiting messages: one row per message file a folder would hold (its name orders them, oldest first; raw is its
-- bytes; names and inboxes sort bytewise, as file names do). Receiving deletes the row (picked FOR UPDATE SKIP LOCKED): each message reaches exactly one receiver.
CREATE TABLE lockstep_messages (
  team_id bigint NOT NULL,
  inbox   text COLLATE "C" NOT NULL,
  name    text COLLATE "C" NOT NULL,
  raw     text NOT NULL,
  PRIMARY KEY (team_id, inbox, name),
  FOREIGN KEY (team_id, inbox) REFERENCES lockstep_inboxes(team_id, inbox) ON DELETE CASCADE
);

-- What a receive took, by the id of the receive: a receiver whose connection dropped during COMMIT learns from it
-- whether its receive went through (and gets those messages) instead of losing them. Kept for a day.
CREATE TABLE lockstep_message_receipts (
  op_id   text PRIMARY KEY,
  team_id bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  raws    text[] NOT NULL,
  at      timestamptz NOT NULL DEFAULT now()
);

-- The team's message history (a folder's events/evt-*.json), never consumed.
CREATE TABLE lockstep_message_events (
  team_id bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  name    text COLLATE "C" NOT NULL,
  sender  text NOT NULL,
  raw     text NOT NULL,
  PRIMARY KEY (team_id, name)
);

-- Cost events (a folder's costs/<team>/cost-*.json); the totals are sums over them (budget: the team's config).
CREATE TABLE lockstep_cost_events (
  team_id       bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  name          text COLLATE "C" NOT NULL,
  agent_name    text NOT NULL,
  input_tokens  bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost_cents    double precision NOT NULL,
  raw           text NOT NULL,
  PRIMARY KEY (team_id, name)
);

-- Deleted teams: the team row stays (with its tasks, members, journal, messages, costs) under a name no team can
-- have ('trash:<id>'), so restoring it is renaming it back. The newest 20 are kept.
CREATE TABLE lockstep_trash (
  id         text PRIMARY KEY,
  n          bigserial NOT NULL,  -- deletion order
  team_id    bigint NOT NULL UNIQUE REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  team       text NOT NULL,
  deleted_at text NOT NULL,
  deleted_by text NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'checked writes that can be sent ahead of COMMIT',
    sql: `
-- A task write checked against the version it was read at raises a serialization failure (retried as a whole) when
-- the row is not there at that version, instead of reporting 0 rows: the statements of a mutation and its COMMIT go
-- to the server together (pg-mutate.ts), and a write that did not apply must roll the transaction back.
CREATE FUNCTION lockstep_expect_rows(actual bigint, expected bigint, what text) RETURNS bigint LANGUAGE plpgsql AS $f$
BEGIN
  IF actual <> expected THEN
    RAISE EXCEPTION '% changed under a lock', what USING ERRCODE = '40001';
  END IF;
  RETURN actual;
END
$f$;
`,
  },
  {
    version: 4,
    name: 'answers to requests',
    sql: `
-- Who answered a request (a plan, shutdown or join request, pg-requests.ts): one row per request, inserted in the
-- transaction that sends the answer, so of two answerers racing on one request exactly one sends; the other reads
-- this row to learn who answered. The requests themselves (and a plan's text) are messages in the history.
CREATE TABLE lockstep_request_answers (
  team_id    bigint NOT NULL REFERENCES lockstep_teams(id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('plan', 'shutdown', 'join')),
  request_id text NOT NULL,
  answer     jsonb NOT NULL,
  PRIMARY KEY (team_id, kind, request_id)
);
`,
  },
  { version: 5, name: 'journal numbered by a sequence per team, read up to a safe horizon', sql: JOURNAL_SEQUENCES_SQL },
  {
    version: 6,
    name: 'display names',
    sql: `
-- What people call a team or member whose name is a short one made from it ("Marketing Launch" for
-- marketing-launch, "Sam Lee" for sam-lee): Lockstep's own, as a data folder keeps them in .lockstep/team.json and
-- in the member profiles of .lockstep/members.json.
ALTER TABLE lockstep_teams ADD COLUMN display_name text;
ALTER TABLE lockstep_members ADD COLUMN display_name text;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

const MIGRATE_LOCK = 7_406_117; // pg_advisory_xact_lock key: "lockstep migrate"

async function currentVersion(client: ClientBase): Promise<number> {
  const exists = await client.query(`SELECT to_regclass('lockstep_schema_migrations') IS NOT NULL AS ok`);
  if (!exists.rows[0].ok) return 0;
  const r = await client.query('SELECT coalesce(max(version), 0) AS v FROM lockstep_schema_migrations');
  return Number(r.rows[0].v);
}

export async function schemaVersion(client: ClientBase): Promise<number> {
  return currentVersion(client);
}

/** Applies every migration not applied yet, each in its own transaction. Returns the versions applied now. */
export async function migrate(client: ClientBase): Promise<{ from: number; to: number; applied: number[] }> {
  const from = await currentVersion(client);
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    await inTransaction(client, async () => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATE_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS lockstep_schema_migrations (
           version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const done = await client.query('SELECT 1 FROM lockstep_schema_migrations WHERE version = $1', [m.version]);
      if (done.rowCount === 0) {
        await client.query(m.sql);
        await client.query('INSERT INTO lockstep_schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        applied.push(m.version);
      }
    });
  }
  return { from, to: SCHEMA_VERSION, applied };
}
