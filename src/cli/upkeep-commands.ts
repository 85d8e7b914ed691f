import { InvalidInputError } from '../shared/errors';
import { copyStore, isDatabaseUrl, openStore, redactUrl } from '../store';
import { formatHistory } from './format';
import { agent, str, type Command } from './command';
import { duration, integer, list } from './options';

/**
 * The team's upkeep: `history` and `undo` (the journal), `doctor` and `task sweep` (the stall radar and its fixes),
 * `store migrate` and `store copy` (the database's tables, and copies between a data folder and a database).
 */
export const UPKEEP_COMMANDS: Record<string, Command> = {
  history: {
    usage: 'history TEAM [ID] [--limit N]',
    summary: 'The team journal: who changed what, when (newest last).',
    positionals: ['TEAM', 'ID?'],
    options: { limit: { type: 'string' } },
    async run(store, [team, id], v) {
      const limit = integer(str(v, 'limit'), '--limit') ?? 50;
      const entries = (await store.history(team, id)).slice(-Math.max(1, limit));
      return { json: { entries }, text: formatHistory(entries) };
    },
  },
  undo: {
    usage: 'undo TEAM --as AGENT',
    summary: "Undo AGENT's last change made from the CLI, unless somebody changed those tasks since.",
    positionals: ['TEAM'],
    options: { as: { type: 'string' } },
    async run(store, [team], v) {
      const who = agent(v, 'undoing') as string;
      const result = await store.undoLast(team, { name: who, via: 'cli' });
      return {
        json: result,
        text: `Undid #${result.undone.seq} (${result.undone.op}${result.undone.taskId ? ` ${result.undone.taskId}` : ''}).`,
      };
    },
  },
  doctor: {
    usage: 'doctor TEAM [--older-than DURATION] [--fix FINDING_ID]... [--fix-all]',
    summary:
      'The stall radar: gone or expired claims, old claims, tasks blocked for nothing, cycles, dangling links, temp and corrupt files — and their fixes.',
    positionals: ['TEAM'],
    options: { 'older-than': { type: 'string' }, fix: { type: 'string', multiple: true }, 'fix-all': { type: 'boolean' } },
    async run(store, [team], v) {
      const request = { oldClaimMs: duration(str(v, 'older-than'), '--older-than') };
      const findings = await store.doctor(team, request);
      const toFix = v['fix-all'] ? findings.map((f) => f.id) : list(v, 'fix');
      const fixed: string[] = [];
      for (const id of toFix) {
        try {
          await store.fixFinding(team, id, request);
          fixed.push(id);
        } catch (err) {
          // With --fix-all an earlier fix may already have resolved a later finding.
          if (!(v['fix-all'] && (err as { code?: string }).code === 'NOT_FOUND')) throw err;
        }
      }
      const remaining = fixed.length ? await store.doctor(team, request) : findings;
      const lines = fixed.map((id) => `fixed ${id}`);
      lines.push(
        ...remaining.map(
          (f) => `${f.kind.padEnd(17)} ${f.message}\n${' '.repeat(18)}fix: ${f.fix.label}  (lockstep doctor ${team} --fix '${f.id}')`,
        ),
      );
      return {
        json: { findings: remaining, fixed },
        text: lines.length ? lines.join('\n') : `Nothing is stalled in team ${team}.`,
      };
    },
  },
  'task sweep': {
    usage: 'task sweep TEAM [--older-than DURATION]',
    summary: "Release claims whose holder is gone or whose lease expired; remove dead writers' temp files.",
    positionals: ['TEAM'],
    options: { 'older-than': { type: 'string' } },
    async run(store, [team], v) {
      const result = await store.sweepTeam(team, { olderThanMs: duration(str(v, 'older-than'), '--older-than') });
      const lines = result.released.map((r) => `released ${r.taskId} (held by ${r.holder} since ${r.lockedAt}): ${r.reason}`);
      lines.push(...result.removedTempFiles.map((f) => `removed temp file ${f}`));
      return { json: result, text: lines.length ? lines.join('\n') : `Nothing to sweep in team ${team}.` };
    },
  },
  'store migrate': {
    usage: 'store migrate URL',
    summary: "Create or upgrade Lockstep's tables in a PostgreSQL database (each step in one transaction).",
    positionals: ['URL'],
    options: {},
    async run() {
      throw new Error('unreachable');
    },
    async standalone([url]) {
      if (!isDatabaseUrl(url)) throw new InvalidInputError(`"${url}" is not a database URL; use postgres://user@host:5432/database.`);
      const { store } = openStore({ url });
      try {
        const result = await store.migrate();
        const text = result.applied.length
          ? `Migrated ${redactUrl(url)} from schema ${result.from} to ${result.to}.`
          : `${redactUrl(url)} is up to date (schema ${result.to}).`;
        return { json: result, text };
      } finally {
        await store.close();
      }
    },
  },
  'store copy': {
    usage: 'store copy --from DIR|URL --to URL|DIR [--replace]',
    summary:
      'Copy every team, task (ids, timestamps, unknown fields, metadata), journal, message and cost event between a data folder and a database.',
    positionals: [],
    options: { from: { type: 'string' }, to: { type: 'string' }, replace: { type: 'boolean' }, force: { type: 'boolean' } },
    async run() {
      throw new Error('unreachable');
    },
    async standalone(_args, v) {
      const from = str(v, 'from');
      const to = str(v, 'to');
      if (!from || !to)
        throw new InvalidInputError('Say where from and where to: store copy --from DIR --to postgres://... (or the other way).');
      const result = await copyStore(from, to, { replace: v.replace === true || v.force === true });
      return { json: result, text: result.summary };
    },
  },
};
