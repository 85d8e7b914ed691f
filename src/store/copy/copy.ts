import * as path from 'path';
import { AlreadyExistsError, InvalidInputError } from '../../shared/errors';
import { DEFAULT_RETRY, isDatabaseUrl, openPool, redactUrl, withRetry } from '../postgres/connection';
import { migrate } from '../postgres/migrations';
import { inTransaction, READ_SNAPSHOT } from '../postgres/pg-tx';
import { counts, folderIsEmpty, readDatabase, readFolder, sameSnapshot, writeDatabase, writeFolder } from './copy-snapshot';

/**
 * `lockstep store copy`: moves a whole store between a data folder and a database, in either direction. What is
 * copied is each team's config.json, every task file and the team journal, as bytes: ids, timestamps, fields
 * Lockstep does not know, metadata and journal lines arrive unchanged. Member profiles (role, capability tags, WIP
 * limit: tasks/<team>/.lockstep/members.json in a folder, the members rows in a database) are copied as profiles:
 * the same content, members.json written afresh (only when some member has one). Not copied (Lockstep's own bookkeeping, or not
 * part of the task store): the write lock (.lockstep/write.lock), quarantined files, writers' temp files, torn journal
 * lines; rotated journal generations arrive as one journal; the team trash (a folder's .lockstep/trash, the
 * database's deleted teams); anything else under teams/<team>/ besides config.json, inboxes/ and events/. ClawTeam's
 * messages and costs are copied as files (copy-messages.ts says which). A folder written from a database gets an
 * empty .tasks.lock per team (ClawTeam's).
 */

export interface CopyResult {
  from: string;
  to: string;
  teams: number;
  tasks: number;
  journalEntries: number;
  /** Waiting messages, message history entries and cost events copied. */
  messages: number;
  historyEntries: number;
  costEvents: number;
  /** true when the target already held exactly this content (nothing was written). */
  unchanged: boolean;
  summary: string;
}

/**
 * Copies a folder to a database or a database to a folder. Refuses a target that holds something else unless
 * `replace`; a target that already holds exactly the source is left as it is (so running it twice is harmless).
 * Into a database, the copy is one transaction: all or nothing.
 */
export async function copyStore(from: string, to: string, options: { replace?: boolean } = {}): Promise<CopyResult> {
  const fromDb = isDatabaseUrl(from);
  const toDb = isDatabaseUrl(to);
  if (fromDb === toDb) {
    throw new InvalidInputError(
      'Copy between a data folder and a database: one of --from/--to must be a postgres:// URL and the other a folder.',
    );
  }
  const url = fromDb ? from : to;
  const pool = openPool(url, 1);
  try {
    const label = fromDb ? `${redactUrl(from)} → ${path.resolve(to)}` : `${path.resolve(from)} → ${redactUrl(to)}`;
    if (!fromDb) {
      const source = readFolder(from);
      const c = counts(source);
      const unchanged = await withRetry(pool, url, DEFAULT_RETRY, async (client) => {
        await migrate(client);
        return inTransaction(client, async () => {
          // Nobody writes the store while it is being filled (a concurrent copy waits here).
          await client.query('LOCK TABLE lockstep_teams IN EXCLUSIVE MODE');
          const target = await readDatabase(client);
          if (target.size > 0) {
            if (sameSnapshot(source, target)) return true; // nothing written: the COMMIT only ends the lock
            if (!options.replace) {
              throw new AlreadyExistsError(
                `The database ${redactUrl(to)} already holds ${target.size} team(s) (${[...target.keys()].slice(0, 5).join(', ')}); copy into an empty database, or add --replace to overwrite them.`,
                { teams: [...target.keys()] },
              );
            }
            await client.query('DELETE FROM lockstep_teams');
          }
          await writeDatabase(client, source);
          return false;
        });
      });
      return {
        from,
        to: redactUrl(to),
        ...c,
        unchanged,
        summary: unchanged
          ? `Nothing to do: ${label} already holds these ${c.teams} team(s) and ${c.tasks} task(s).`
          : `Copied ${c.teams} team(s), ${c.tasks} task(s), ${c.journalEntries} journal entries, ${c.messages} waiting message(s), ${c.historyEntries} message history entries and ${c.costEvents} cost event(s): ${label}.`,
      };
    }
    const source = await withRetry(pool, url, DEFAULT_RETRY, (client) =>
      inTransaction(client, () => readDatabase(client), { begin: READ_SNAPSHOT }),
    );
    const c = counts(source);
    const target = path.resolve(to);
    if (!folderIsEmpty(target)) {
      if (sameSnapshot(source, readFolder(target))) {
        return {
          from: redactUrl(from),
          to: target,
          ...c,
          unchanged: true,
          summary: `Nothing to do: ${label} already holds these ${c.teams} team(s) and ${c.tasks} task(s).`,
        };
      }
      if (!options.replace) {
        throw new AlreadyExistsError(
          `${target} already holds teams or tasks; copy into an empty folder, or add --replace to overwrite them.`,
          { path: target },
        );
      }
    }
    writeFolder(target, source, options.replace === true);
    return {
      from: redactUrl(from),
      to: target,
      ...c,
      unchanged: false,
      summary: `Copied ${c.teams} team(s), ${c.tasks} task(s), ${c.journalEntries} journal entries, ${c.messages} waiting message(s), ${c.historyEntries} message history entries and ${c.costEvents} cost event(s): ${label}.`,
    };
  } finally {
    await pool.end();
  }
}

export { readFolder, writeFolder, readDatabase, writeDatabase } from './copy-snapshot';
