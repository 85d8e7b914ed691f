import { parseArgs } from 'util';
import { stringifyJson } from '../shared/json';
import { InvalidInputError, toSerializedError, type ErrorCode } from '../shared/errors';
import { openStore, resolveDataDir, setFlockWaitMode, storeLocation, waitAtBarrier } from '../store';
import { MESSAGE_COMMANDS } from './inbox-commands';
import { REQUEST_COMMANDS } from './plan-commands';
import { MCP_COMMAND } from './mcp/command';
import { AGENT_COMMANDS } from './agent-commands';
import { TEAM_COMMANDS } from './team-commands';
import { TASK_COMMANDS } from './task-commands';
import { UPKEEP_COMMANDS } from './upkeep-commands';
import { str, type Command, type Output, type Values } from './command';
import { common } from './options';

/** `lockstep`: finds the command its words name, reads its options, opens the store it names and prints the answer. */

const EXIT_CODES: Partial<Record<ErrorCode, number>> = { INVALID_INPUT: 2, TASK_LOCKED: 3, NOT_FOUND: 4 };

const COMMANDS: Record<string, Command> = {
  ...TEAM_COMMANDS,
  ...TASK_COMMANDS,
  ...UPKEEP_COMMANDS,
  /** Messages and costs (`inbox …`, `cost …`): on both backends. */
  ...MESSAGE_COMMANDS,
  /** Plans, shutdown and join requests, `request list` and `task wait`. */
  ...REQUEST_COMMANDS,
  /** `lockstep mcp`: the MCP server (mcp/, loaded only when it runs). */
  mcp: MCP_COMMAND,
  /** Running agents (`agent …`, `launch`), on src/store/agents. */
  ...AGENT_COMMANDS,
};

function helpText(): string {
  const lines = Object.values(COMMANDS).map((c) => `  lockstep ${c.usage}\n      ${c.summary}`);
  return [
    'lockstep — the Lockstep task store from the command line (ClawTeam-compatible data folder).',
    '',
    'Usage:',
    ...lines,
    '',
    'Every command takes --data-dir DIR (else LOCKSTEP_DATA_DIR, CLAWTEAM_DATA_DIR, ~/.clawteam/config.json, ~/.clawteam),',
    'or --store postgres://user@host:5432/db (else LOCKSTEP_STORE) for a team whose agents run on several machines,',
    'and --json (exactly one JSON document on stdout). Exit codes: 0 ok, 2 invalid input, 3 task locked, 4 not found, 1 other.',
  ].join('\n');
}

export async function runCli(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const json = argv.includes('--json');
  setFlockWaitMode('poll'); // a CLI exits the moment it answers (STORE_BUSY too) and ends on SIGTERM while it waits
  try {
    // Global options may come before the command words: move them after.
    const leading: string[] = [];
    let rest = argv;
    while (rest.length && rest[0].startsWith('--')) {
      const takesValue = rest[0] === '--data-dir' || rest[0] === '--store';
      leading.push(...rest.slice(0, takesValue ? 2 : 1));
      rest = rest.slice(takesValue ? 2 : 1);
    }
    argv = [...rest.slice(0, 2), ...leading, ...rest.slice(2)];
    const single = COMMANDS[argv[0]] !== undefined;
    if (single) argv = [argv[0], ...leading, ...rest.slice(1)];
    const key = single ? argv[0] : argv.slice(0, 2).join(' ');
    const command = COMMANDS[key];
    if (!command) {
      if (rest.length === 0 || ['help', '--help', '-h'].includes(rest[0]) || leading.includes('--help')) {
        out.write(`${helpText()}\n`);
        return 0;
      }
      throw new InvalidInputError(`Unknown command "${argv.slice(0, 2).join(' ')}". Run "lockstep --help" for the list.`);
    }
    let parsed;
    try {
      parsed = parseArgs({
        args: argv.slice(single ? 1 : 2),
        options: { ...common, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (e) {
      throw new InvalidInputError(`${(e as Error).message.replace(/\. To specify.*$/s, '')}. Usage: lockstep ${command.usage}`);
    }
    const values = parsed.values as Values;
    if (values.help) {
      out.write(`lockstep ${command.usage}\n  ${command.summary}\n`);
      return 0;
    }
    const required = command.positionals.filter((p) => !p.endsWith('?') && !p.endsWith('...')).length;
    const variadic = command.positionals.some((p) => p.endsWith('...')); // `-- CMD ARGS...`
    if (parsed.positionals.length < required || (!variadic && parsed.positionals.length > command.positionals.length)) {
      throw new InvalidInputError(`Expected ${command.positionals.join(' ')}. Usage: lockstep ${command.usage}`);
    }
    if (command.standalone) {
      const result = await command.standalone(parsed.positionals, values);
      out.write(json ? `${JSON.stringify(result.json)}\n` : `${result.text}\n`);
      return 0;
    }
    const who = str(values, 'as') ?? process.env.LOCKSTEP_AGENT_NAME ?? process.env.CLAWTEAM_AGENT_NAME;
    const actor = { name: who ?? '', via: 'cli' };
    // --store (or LOCKSTEP_STORE) names a database URL or a folder; --data-dir names a folder and wins over LOCKSTEP_STORE.
    const dataDirFlag = str(values, 'data-dir');
    const location = storeLocation(str(values, 'store'), dataDirFlag ? {} : process.env) ?? {
      dataDir: resolveDataDir({ flag: dataDirFlag }).dir,
    };
    // LOCKSTEP_LOCK_STALE_MS: a shorter team-lock stale time (crash tests), as for the app.
    const staleMs = process.env.LOCKSTEP_LOCK_STALE_MS ? { staleMs: Number(process.env.LOCKSTEP_LOCK_STALE_MS) } : {};
    const opened =
      'url' in location
        ? openStore({ url: location.url, actor: who ? actor : undefined, poolSize: 2 })
        : openStore({ dataDir: location.dataDir, lock: { app: 'lockstep-cli', ...staleMs }, actor: who ? actor : undefined });
    const store = opened.store;
    if (!who) Object.assign(store.actor, { via: 'cli' });
    let result: Output;
    try {
      await waitAtBarrier();
      result = await command.run(store, parsed.positionals, values);
    } finally {
      await opened.close();
    }
    // Numbers exactly as the files hold them (`1.0`, `12345678901234567891`).
    out.write(json ? `${stringifyJson(result.json, 0)}\n` : `${result.text}\n`);
    return 0;
  } catch (e) {
    const error = toSerializedError(e);
    if (json) out.write(`${JSON.stringify({ error })}\n`);
    else err.write(`lockstep: ${error.message}\n`);
    return EXIT_CODES[error.code] ?? 1;
  }
}
