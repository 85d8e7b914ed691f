import { parseArgs } from 'util';
import { stringifyJson } from '../shared/json';
import { currentClaim } from '../shared/claims';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus, type VersionedTask } from '../shared/domain';
import { InvalidInputError, toSerializedError, type ErrorCode } from '../shared/errors';
import { parseDuration } from '../shared/time';
import {
  copyStore,
  isDatabaseUrl,
  openStore,
  PostgresStore,
  redactUrl,
  resolveDataDir,
  setFlockWaitMode,
  storeLocation,
  waitAtBarrier,
  type Store,
} from '../store';
import { MESSAGE_COMMANDS } from './inbox-commands';
import { REQUEST_COMMANDS } from './plan-commands';
import { MCP_COMMAND } from './mcp/command';
import { AGENT_COMMANDS } from './agent-commands';
import { formatHistory, formatTask, formatTaskList, formatTeam, formatTeams } from './format';
import { str, type Command, type Output, type Values } from './command';

const EXIT_CODES: Partial<Record<ErrorCode, number>> = { INVALID_INPUT: 2, TASK_LOCKED: 3, NOT_FOUND: 4 };

const common = {
  'data-dir': { type: 'string' },
  store: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
const actorOptions = {
  as: { type: 'string' },
  force: { type: 'boolean' },
  reason: { type: 'string' },
  expect: { type: 'string' },
  token: { type: 'string' },
} as const;

function list(values: Values, key: string): string[] {
  const v = values[key];
  return Array.isArray(v) ? v : [];
}

/** `--as`, else LOCKSTEP_AGENT_NAME, else ClawTeam's CLAWTEAM_AGENT_NAME. */
function agent(values: Values, required: string | null): string | undefined {
  const name = str(values, 'as') ?? process.env.LOCKSTEP_AGENT_NAME ?? process.env.CLAWTEAM_AGENT_NAME;
  if (!name && required) throw new InvalidInputError(`Say who is ${required}: add --as AGENT (or set LOCKSTEP_AGENT_NAME).`);
  return name || undefined;
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(`Unknown ${what} "${value}"; use one of: ${allowed.join(', ')}.`);
  }
  return value as T;
}

function manyOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  return value === undefined ? undefined : value.split(',').map((v) => oneOf(v.trim(), allowed, what) as T);
}

function duration(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new InvalidInputError(`${what} must be a duration like 90s, 5m, 2h or 1d (got "${value}").`);
  return ms;
}

function integer(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new InvalidInputError(`${what} must be a whole number (got "${value}").`);
  return Number(value);
}

/** `--meta K=V`: V is read as JSON when it is JSON (numbers, true, null to delete, lists), else as text. */
function metadata(values: Values): Record<string, unknown> | undefined {
  const pairs = list(values, 'meta');
  if (pairs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InvalidInputError(`--meta takes KEY=VALUE (got "${pair}").`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

function guards(values: Values) {
  return { expectVersion: str(values, 'expect'), token: integer(str(values, 'token'), '--token'), reason: str(values, 'reason') };
}

const taskOut = (t: Awaited<ReturnType<Store['getTask']>>, sentence: string): Output => ({
  json: t,
  text: `${sentence}\n${formatTask(t)}`,
});

const COMMANDS: Record<string, Command> = {
  'team create': {
    usage: 'team create NAME [--description D] [--member NAME]...',
    summary: 'Create a team (the first member leads it).',
    positionals: ['NAME'],
    options: { description: { type: 'string' }, member: { type: 'string', multiple: true } },
    async run(store, [name], v) {
      const team = await store.createTeam({
        name,
        description: str(v, 'description') ?? '',
        members: list(v, 'member').map((m) => ({ name: m })),
      });
      return { json: team, text: `Created team ${team.name} with ${team.members.length} member(s).` };
    },
  },
  'team list': {
    usage: 'team list',
    summary: 'List teams with task counts by status.',
    positionals: [],
    options: {},
    async run(store) {
      const result = await store.listTeams();
      const warnings = result.problems.map((p) => `\nwarning: ${p.path}: ${p.reason}`).join('');
      return { json: result, text: formatTeams(result.teams) + warnings };
    },
  },
  'team show': {
    usage: 'team show NAME',
    summary: 'Show a team and its members.',
    positionals: ['NAME'],
    options: {},
    async run(store, [name]) {
      const team = await store.getTeam(name);
      return { json: team, text: formatTeam(team) };
    },
  },
  'team rename': {
    usage: 'team rename NAME NEW_NAME',
    summary: 'Rename a team (its folders move with it).',
    positionals: ['NAME', 'NEW_NAME'],
    options: {},
    async run(store, [name, newName]) {
      const team = await store.renameTeam(name, newName);
      return { json: team, text: `Renamed team ${name} to ${team.name}.` };
    },
  },
  'team delete': {
    usage: 'team delete NAME',
    summary: 'Delete a team and all its tasks, into the trash (the newest 20 deleted teams are kept; team restore brings one back).',
    positionals: ['NAME'],
    options: {},
    async run(store, [name]) {
      const result = await store.deleteTeam(name);
      return {
        json: result,
        text: `Deleted team ${name} and its ${result.deletedTasks} task(s); bring it back with: lockstep team restore ${result.trash}`,
      };
    },
  },
  'team restore': {
    usage: 'team restore TRASH_ID',
    summary: 'Bring a deleted team back (with its tasks, members, journal, messages and costs) by the id its deletion printed.',
    positionals: ['TRASH_ID'],
    options: {},
    async run(store, [trash]) {
      const config = await store.restoreTeam(trash);
      return { json: config, text: `Restored team ${config.name}.` };
    },
  },
  'team add-member': {
    usage: 'team add-member TEAM NAME [--user U] [--type AGENT_TYPE]',
    summary: 'Add a member to a team.',
    positionals: ['TEAM', 'NAME'],
    options: { user: { type: 'string' }, type: { type: 'string' } },
    async run(store, [team, name], v) {
      const config = await store.addMember(team, { name, user: str(v, 'user') ?? '', agentType: str(v, 'type') ?? 'general-purpose' });
      return { json: config, text: `Added ${name} to team ${team}.` };
    },
  },
  'team set-member': {
    usage: 'team set-member TEAM NAME [--role R] [--capability TAG]... [--wip-limit N] [--clear role|capabilities|wip-limit]...',
    summary: "Set a member's role, capability tags and work-in-progress limit (claim --next honours them).",
    positionals: ['TEAM', 'NAME'],
    options: {
      role: { type: 'string' },
      capability: { type: 'string', multiple: true },
      'wip-limit': { type: 'string' },
      clear: { type: 'string', multiple: true },
    },
    async run(store, [team, name], v) {
      const clear = new Set(list(v, 'clear'));
      for (const c of clear) {
        if (!['role', 'capabilities', 'wip-limit'].includes(c))
          throw new InvalidInputError(`--clear takes role, capabilities or wip-limit (got "${c}").`);
      }
      const config = await store.setMemberProfile(team, name, {
        role: clear.has('role') ? null : str(v, 'role'),
        capabilities: clear.has('capabilities') ? null : list(v, 'capability').length ? list(v, 'capability') : undefined,
        wipLimit: clear.has('wip-limit') ? null : integer(str(v, 'wip-limit'), '--wip-limit'),
      });
      const member = config.members.find((m) => m.name === name);
      return { json: config, text: `Updated ${name}: ${JSON.stringify(member?.lockstep ?? {})}.` };
    },
  },
  'team remove-member': {
    usage: 'team remove-member TEAM NAME',
    summary: 'Remove a member from a team (their tasks keep their owner).',
    positionals: ['TEAM', 'NAME'],
    options: {},
    async run(store, [team, name]) {
      const config = await store.removeMember(team, name);
      return { json: config, text: `Removed ${name} from team ${team}.` };
    },
  },
  'task create': {
    usage: 'task create TEAM SUBJECT [--description D] [--priority P] [--owner O] [--blocked-by ID]... [--meta K=V]...',
    summary: 'Create a task.',
    positionals: ['TEAM', 'SUBJECT'],
    options: {
      description: { type: 'string' },
      priority: { type: 'string' },
      owner: { type: 'string' },
      'blocked-by': { type: 'string', multiple: true },
      meta: { type: 'string', multiple: true },
    },
    async run(store, [team, subject], v) {
      const task = await store.createTask(team, {
        subject,
        description: str(v, 'description'),
        priority: oneOf(str(v, 'priority'), TASK_PRIORITIES, 'priority'),
        owner: str(v, 'owner'),
        blockedBy: list(v, 'blocked-by'),
        metadata: metadata(v),
      });
      return taskOut(task, `Created task ${task.id} in team ${team}.`);
    },
  },
  'task list': {
    usage: 'task list TEAM [--status S[,S]] [--owner O] [--priority P[,P]] [--locked-by A] [--text T]',
    summary: 'List tasks, most urgent first; unreadable files are reported, not fatal.',
    positionals: ['TEAM'],
    options: {
      status: { type: 'string' },
      owner: { type: 'string' },
      priority: { type: 'string' },
      'locked-by': { type: 'string' },
      text: { type: 'string' },
    },
    async run(store, [team], v) {
      const result = await store.listTasks(team, {
        status: manyOf(str(v, 'status'), TASK_STATUSES, 'status') as TaskStatus[] | undefined,
        priority: manyOf(str(v, 'priority'), TASK_PRIORITIES, 'priority') as TaskPriority[] | undefined,
        owner: str(v, 'owner'),
        lockedBy: str(v, 'locked-by'),
        text: str(v, 'text'),
      });
      return { json: result, text: formatTaskList(result) };
    },
  },
  'task show': {
    usage: 'task show TEAM ID',
    summary: 'Show one task.',
    positionals: ['TEAM', 'ID'],
    options: {},
    async run(store, [team, id]) {
      const task = await store.getTask(team, id);
      return { json: task, text: formatTask(task) };
    },
  },
  'task update': {
    usage:
      'task update TEAM ID [--subject S] [--description D] [--priority P] [--owner O] [--status S] [--meta K=V]... ' +
      '[--add-blocked-by ID]... [--remove-blocked-by ID]... [--add-blocks ID]... [--remove-blocks ID]... ' +
      '[--as AGENT] [--force --reason TEXT] [--expect VERSION] [--token N]',
    summary: 'Change a task; --meta merges keys (K=null removes one).',
    positionals: ['TEAM', 'ID'],
    options: {
      subject: { type: 'string' },
      description: { type: 'string' },
      priority: { type: 'string' },
      owner: { type: 'string' },
      status: { type: 'string' },
      meta: { type: 'string', multiple: true },
      'add-blocked-by': { type: 'string', multiple: true },
      'remove-blocked-by': { type: 'string', multiple: true },
      'add-blocks': { type: 'string', multiple: true },
      'remove-blocks': { type: 'string', multiple: true },
      ...actorOptions,
    },
    async run(store, [team, id], v) {
      const optionalList = (key: string) => (list(v, key).length ? list(v, key) : undefined);
      const task = await store.updateTask(
        team,
        id,
        {
          subject: str(v, 'subject'),
          description: str(v, 'description'),
          priority: oneOf(str(v, 'priority'), TASK_PRIORITIES, 'priority'),
          owner: str(v, 'owner'),
          status: oneOf(str(v, 'status'), TASK_STATUSES, 'status'),
          metadata: metadata(v),
          addBlockedBy: optionalList('add-blocked-by'),
          removeBlockedBy: optionalList('remove-blocked-by'),
          addBlocks: optionalList('add-blocks'),
          removeBlocks: optionalList('remove-blocks'),
        },
        { agent: agent(v, null), force: v.force === true, ...guards(v) },
      );
      return taskOut(task, `Updated task ${task.id}.`);
    },
  },
  'task claim': {
    usage: 'task claim TEAM (ID | --next) --as AGENT [--force --reason TEXT] [--lease DURATION] [--pid PID] [--expect VERSION]',
    summary: 'Claim a task (or the most urgent available one with --next).',
    positionals: ['TEAM', 'ID?'],
    options: { next: { type: 'boolean' }, lease: { type: 'string' }, pid: { type: 'string' }, ...actorOptions },
    async run(store, [team, id], v) {
      const who = agent(v, 'claiming') as string;
      const options = {
        agent: who,
        force: v.force === true,
        leaseMs: duration(str(v, 'lease'), '--lease'),
        pid: integer(str(v, 'pid'), '--pid'),
        expectVersion: str(v, 'expect'),
        reason: str(v, 'reason'),
      };
      if (v.next) {
        if (id) throw new InvalidInputError('Give either a task ID or --next, not both.');
        const task = await store.claimNextTask(team, options);
        if (!task) return { json: null, text: `No task in team ${team} is available to claim.` };
        return taskOut(task, `${who} claimed task ${task.id} (token ${claimToken(task)}).`);
      }
      if (!id) throw new InvalidInputError('Say which task to claim: give its ID, or --next for the most urgent available one.');
      const task = await store.claimTask(team, id, options);
      return taskOut(task, `${who} claimed task ${task.id} (token ${claimToken(task)}).`);
    },
  },
  'task release': {
    usage: 'task release TEAM ID --as AGENT [--force --reason TEXT] [--token N] [--expect VERSION]',
    summary: "Release a claim (another agent's only with --force).",
    positionals: ['TEAM', 'ID'],
    options: { ...actorOptions },
    async run(store, [team, id], v) {
      const task = await store.releaseTask(team, id, { agent: agent(v, 'releasing'), force: v.force === true, ...guards(v) });
      return taskOut(task, `Released task ${task.id}.`);
    },
  },
  'task complete': {
    usage: 'task complete TEAM ID --as AGENT [--force --reason TEXT] [--token N] [--expect VERSION]',
    summary: 'Complete a task; tasks waiting only for it become pending.',
    positionals: ['TEAM', 'ID'],
    options: { ...actorOptions },
    async run(store, [team, id], v) {
      const task = await store.completeTask(team, id, { agent: agent(v, 'completing'), force: v.force === true, ...guards(v) });
      return taskOut(task, `Completed task ${task.id}.`);
    },
  },
  'task delete': {
    usage: 'task delete TEAM ID [--as AGENT] [--force --reason TEXT] [--expect VERSION]',
    summary: 'Delete a task and every dependency link to it.',
    positionals: ['TEAM', 'ID'],
    options: { ...actorOptions },
    async run(store, [team, id], v) {
      const task = await store.deleteTask(team, id, { agent: agent(v, null), force: v.force === true, ...guards(v) });
      return { json: { deleted: task.id }, text: `Deleted task ${task.id} (${task.subject}).` };
    },
  },
  'task heartbeat': {
    usage: 'task heartbeat TEAM ID --as AGENT [--lease DURATION] [--token N]',
    summary: 'Renew the lease of your claim (default 5m).',
    positionals: ['TEAM', 'ID'],
    options: { lease: { type: 'string' }, ...actorOptions },
    async run(store, [team, id], v) {
      const task = await store.heartbeatTask(team, id, {
        agent: agent(v, 'renewing the claim') as string,
        leaseMs: duration(str(v, 'lease'), '--lease') ?? 300_000,
        ...guards(v),
      });
      return taskOut(task, `Renewed the claim on task ${task.id}.`);
    },
  },
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
      const store = new PostgresStore({ url });
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

/** Messages and costs (`inbox …`, `cost …`) live in their own file; they work on both backends. */
for (const [key, command] of Object.entries(MESSAGE_COMMANDS)) COMMANDS[key] = command;
/** Plans, shutdown and join requests, `request list` and `task wait` (plan-commands.ts). */
for (const [key, command] of Object.entries(REQUEST_COMMANDS)) COMMANDS[key] = command;
/** `lockstep mcp`: the MCP server (mcp/, loaded only when it runs). */
COMMANDS.mcp = MCP_COMMAND;
/** Running agents (`agent …`, `launch`): agent-commands.ts, on src/store/agents. */
for (const [key, command] of Object.entries(AGENT_COMMANDS)) COMMANDS[key] = command;

function claimToken(task: VersionedTask): string {
  return String(currentClaim(task)?.token ?? '?');
}

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
