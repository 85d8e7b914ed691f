import { InvalidInputError } from '../shared/errors';
import { TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../shared/domain';
import { formatTask, formatTaskList } from './format';
import { agent, str, type Command } from './command';
import { actorOptions, claimToken, duration, guards, integer, list, manyOf, metadata, oneOf, taskOut } from './options';

/** `lockstep task …`: create, list, show and change tasks; claim, release, complete, delete and renew claims. */
export const TASK_COMMANDS: Record<string, Command> = {
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
};
