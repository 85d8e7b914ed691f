import { InvalidInputError } from '../shared/errors';
import { formatTeam, formatTeams } from './format';
import { str, type Command } from './command';
import { integer, list } from './options';

/** `lockstep team …`: create, list, show, rename, delete and restore teams; add, profile and remove members. */
export const TEAM_COMMANDS: Record<string, Command> = {
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
};
