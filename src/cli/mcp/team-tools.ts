import { PRIORITY_RANK, TASK_PRIORITIES, TASK_STATUSES, type TaskPriority, type TaskStatus } from '../../shared/domain';
import { InvalidInputError } from '../../shared/errors';
import { tool, given, optBool, optList, optObject, optText, text, type ToolDef } from './tool';

/**
 * ClawTeam's team_* and task_* tools (clawteam/mcp/tools/team.py, task.py), same names and parameters, on the
 * Lockstep store. ClawTeam's agent ids (leader_id, agent_id) are accepted but Lockstep makes its own.
 */

function oneOf<T extends string>(value: string | null | undefined, allowed: readonly T[], what: string): T | undefined {
  const v = given(value);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw new InvalidInputError(`Unknown ${what} "${v}"; use one of: ${allowed.join(', ')}.`);
  return v as T;
}

export const TEAM_TOOLS: ToolDef[] = [
  tool({
    name: 'team_list',
    description: 'List team summaries for overview views.',
    params: {},
    run: async ({ store }) => (await store.listTeams()).teams,
  }),
  tool({
    name: 'team_get',
    description: 'Get the full configuration for one team.',
    params: { team_name: text() },
    run: ({ store }, a) => store.getTeam(a.team_name),
  }),
  tool({
    name: 'team_members_list',
    description: 'List the members registered in one team.',
    params: { team_name: text() },
    run: async ({ store }, a) => (await store.getTeam(a.team_name)).members,
  }),
  tool({
    name: 'team_create',
    description: 'Create a team with its leader, inbox, and task workspace.',
    params: {
      team_name: text(),
      leader_name: text(),
      leader_id: text(),
      description: optText(),
      user: optText(),
      leader_agent_type: optText(),
    },
    run: ({ store }, a) =>
      store.createTeam({
        name: a.team_name,
        description: given(a.description) ?? '',
        members: [{ name: a.leader_name, user: given(a.user) ?? '', agentType: given(a.leader_agent_type) ?? 'leader' }],
      }),
  }),
  tool({
    name: 'team_member_add',
    description: 'Add a member to a team and provision its inbox.',
    params: { team_name: text(), member_name: text(), agent_id: text(), agent_type: optText(), user: optText() },
    run: ({ store }, a) =>
      store.addMember(a.team_name, { name: a.member_name, user: given(a.user) ?? '', agentType: given(a.agent_type) ?? 'general-purpose' }),
  }),
  tool({
    name: 'task_list',
    description: 'List tasks for a team with optional filters.',
    params: { team_name: text(), status: optText(), owner: optText(), priority: optText(), sort_by_priority: optBool() },
    async run({ store }, a) {
      const status = oneOf<TaskStatus>(a.status, TASK_STATUSES, 'status');
      const priority = oneOf<TaskPriority>(a.priority, TASK_PRIORITIES, 'priority');
      const { tasks } = await store.listTasks(a.team_name, {
        ...(status ? { status: [status] } : {}),
        ...(priority ? { priority: [priority] } : {}),
        ...(typeof a.owner === 'string' && a.owner ? { owner: a.owner } : {}),
      });
      return a.sort_by_priority ? [...tasks].sort((x, y) => PRIORITY_RANK[y.priority] - PRIORITY_RANK[x.priority]) : tasks;
    },
  }),
  tool({
    name: 'task_get',
    description: 'Get one task by ID.',
    params: { team_name: text(), task_id: text() },
    run: ({ store }, a) => store.getTask(a.team_name, a.task_id),
  }),
  tool({
    name: 'task_stats',
    description: 'Get task counts and timing stats for a team.',
    params: { team_name: text() },
    async run({ store }, a) {
      const { tasks } = await store.listTasks(a.team_name);
      const counts: Record<string, number> = { total: tasks.length, pending: 0, in_progress: 0, completed: 0, blocked: 0 };
      const durations: number[] = [];
      for (const t of tasks) {
        counts[t.status]++;
        const d = t.metadata?.duration_seconds;
        if (t.status === 'completed' && typeof d === 'number') durations.push(d);
      }
      const avg = durations.length ? durations.reduce((s, d) => s + d, 0) / durations.length : 0;
      return { ...counts, timedCompleted: durations.length, avgDurationSeconds: Math.round(avg * 10) / 10 };
    },
  }),
  tool({
    name: 'task_create',
    description: 'Create a task with optional owner, dependencies, and metadata.',
    params: {
      team_name: text(),
      subject: text(),
      description: optText(),
      owner: optText(),
      priority: optText(),
      blocks: optList(),
      blocked_by: optList(),
      metadata: optObject(),
    },
    async run({ store }, a) {
      const task = await store.createTask(a.team_name, {
        subject: a.subject,
        description: given(a.description) ?? '',
        owner: given(a.owner) ?? '',
        priority: oneOf<TaskPriority>(a.priority, TASK_PRIORITIES, 'priority') ?? 'medium',
        blockedBy: given(a.blocked_by) ?? [],
        metadata: given(a.metadata) ?? {},
      });
      const blocks = given(a.blocks) ?? [];
      return blocks.length ? store.updateTask(a.team_name, task.id, { addBlocks: blocks }) : task;
    },
  }),
  tool({
    name: 'task_update',
    description: "Update a task's fields, status, dependencies, or metadata (in_progress claims it for caller).",
    params: {
      team_name: text(),
      task_id: text(),
      status: optText(),
      owner: optText(),
      subject: optText(),
      description: optText(),
      priority: optText(),
      add_blocks: optList(),
      add_blocked_by: optList(),
      metadata: optObject(),
      caller: optText(),
      force: optBool(),
    },
    async run({ store, identity }, a) {
      const status = oneOf<TaskStatus>(a.status, TASK_STATUSES, 'status');
      const actor = {
        agent: given(a.caller) ?? identity,
        force: a.force === true,
        ...(a.force ? { reason: 'forced through MCP task_update' } : {}),
      };
      const patch = {
        owner: a.owner ?? undefined,
        subject: given(a.subject),
        description: a.description ?? undefined,
        priority: oneOf<TaskPriority>(a.priority, TASK_PRIORITIES, 'priority'),
        addBlocks: given(a.add_blocks),
        addBlockedBy: given(a.add_blocked_by),
        metadata: given(a.metadata),
      };
      // ClawTeam's claim is "move to in_progress": refused (TASK_LOCKED, naming the holder) whenever another agent
      // holds the task, even when it is in_progress already, so two agents claiming this way never both succeed.
      if (status === 'in_progress' && actor.agent) {
        await store.claimTask(a.team_name, a.task_id, { ...actor, agent: actor.agent });
        if (Object.values(patch).every((v) => v === undefined)) return store.getTask(a.team_name, a.task_id);
        return store.updateTask(a.team_name, a.task_id, patch, actor);
      }
      return store.updateTask(a.team_name, a.task_id, { ...patch, status }, actor);
    },
  }),
];
