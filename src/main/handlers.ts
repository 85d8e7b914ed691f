import type { z } from 'zod';
import { API, callKind, type ApiInput, type ApiName, type ApiOutput, type ApiResult } from '../shared/api';
import type { FileProblem, VersionedTask } from '../shared/domain';
import { InvalidInputError, LockstepError, StoreUnavailableError, toSerializedError } from '../shared/errors';
import { toPlainNumbers } from '../shared/json';
import { parseInput } from '../shared/schemas';
import { journaledChange, recentActivity } from './activity';
import { storeKey } from './app-store';
import type { HandlerContext } from './handler-context';
import { agentHandlers } from './agent-handlers';
import { messageHandlers } from './message-handlers';
import { requestHandlers } from './request-handlers';
import { createSampleTeam } from './sample';

/**
 * One handler per contract entry, plain Node (no Electron): validate the input with the contract's schema, act on
 * the store as the person using the app, and answer `{ok, value}` or `{ok:false, error:{code, message, details}}`.
 * Electron forwards only an error's message from ipcMain.handle, so errors travel as data.
 */

type Impl<N extends ApiName> = (input: z.output<(typeof API)[N]['input']>) => Promise<ApiOutput<N>>;
export type Handlers = { [N in ApiName]: (raw: unknown) => Promise<ApiResult<ApiOutput<N>>> };

export function createHandlers(ctx: HandlerContext): Handlers {
  const person = () => ctx.settings().agentName;

  // Undo stack support: the journal entries this window wrote, per data folder and team. Only these can be undone
  // or redone by number, and they never count as "somebody else changed it since".
  const ownByFolder = new Map<string, Map<string, Set<number>>>();
  // Teams this window deleted, with the journal numbers it owned in them: a new team of the same name starts its
  // journal again at 1, so those numbers stay with the deleted team until it is brought back.
  const ownTrash = new Map<string, Set<number>>();
  const own = (team: string): Set<number> => {
    const root = storeKey(ctx.store());
    let teams = ownByFolder.get(root);
    if (!teams) ownByFolder.set(root, (teams = new Map()));
    let seqs = teams.get(team);
    if (!seqs) teams.set(team, (seqs = new Set()));
    return seqs;
  };

  const impls: { [N in ApiName]: Impl<N> } = {
    getSettings: async () => ctx.settings(),
    setAgentName: async ({ agentName }) => ctx.setAgentName(agentName),
    setClawteamInterlock: async ({ enabled }) => ctx.setClawteamInterlock(enabled),
    setAppearance: async (patch) => ctx.setAppearance(patch),
    // Off by default: only what the person asked for in Settings reaches the desktop.
    notify: async ({ title, body }) => ({ shown: ctx.settings().notifications === true && ((await ctx.notify?.(title, body)) ?? false) }),
    openDataFolder: async () => ctx.openDataFolder(),
    connectDatabase: async (request) => {
      if (!ctx.connectDatabase) throw new InvalidInputError('This window cannot connect to a database.');
      return ctx.connectDatabase(request);
    },
    getConnection: async () => ctx.connection?.() ?? { state: 'connected', label: ctx.settings().dataDir },

    listTeams: async () => ctx.store().listTeams(),
    getTeam: async ({ team, filter }) => {
      const store = ctx.store();
      const config = await store.getTeam(team);
      const { tasks, problems } = await store.listTasks(team, filter ?? {});
      ctx.primeTeam?.(team, tasks);
      return { config, tasks, problems };
    },
    getTeamConfig: async ({ team }) => ctx.store().getTeam(team),
    getTasks: async ({ team, ids }) => {
      const store = ctx.store();
      const tasks: VersionedTask[] = [];
      const problems: FileProblem[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        try {
          tasks.push(await store.getTask(team, id));
        } catch (err) {
          if (err instanceof LockstepError && err.code === 'NOT_FOUND') missing.push(id);
          else if (err instanceof LockstepError && err.code === 'CORRUPT_FILE') {
            problems.push({ path: String(err.details.path), reason: String(err.details.reason) });
          } else throw err;
        }
      }
      return { tasks, problems, missing };
    },
    createTeam: async ({ name, displayName, description, members }) =>
      ctx.store().createTeam({ name, displayName, description, members: members.map((m) => ({ name: m })) }),
    createSampleTeam: async () => createSampleTeam(ctx.store()),
    renameTeam: async ({ team, newName }) => ctx.store().renameTeam(team, newName),
    setTeamDisplayName: async ({ team, displayName }) => ctx.store().setTeamDisplayName(team, displayName),
    deleteTeam: async ({ team }) => {
      const result = await ctx.store().deleteTeam(team);
      if (result.trash) ownTrash.set(result.trash, new Set(own(team)));
      own(team).clear();
      return result;
    },
    restoreTeam: async ({ trash }) => {
      if (!ownTrash.has(trash))
        throw new InvalidInputError('That team was not deleted in this window, so this window cannot bring it back.', { trash });
      const config = await ctx.store().restoreTeam(trash);
      for (const seq of ownTrash.get(trash) ?? []) own(config.name).add(seq);
      ownTrash.delete(trash);
      return config;
    },
    addMember: async ({ team, name, user, agentType, displayName }) => ctx.store().addMember(team, { name, user, agentType, displayName }),
    removeMember: async ({ team, name }) => ctx.store().removeMember(team, name),
    setMemberProfile: async ({ team, name, profile }) => ctx.store().setMemberProfile(team, name, profile),

    createTask: async ({ team, task }) => ctx.store().createTask(team, task),
    updateTask: async ({ team, id, patch, expectVersion, force }) =>
      ctx.store().updateTask(team, id, patch, { agent: person(), expectVersion, force }),
    assignTask: async ({ team, id, owner, expectVersion }) =>
      ctx.store().updateTask(team, id, { owner }, { agent: person(), expectVersion }),
    // Claim semantics come with the status: in_progress claims as this person; completed/pending release.
    moveTask: async ({ team, id, status, expectVersion }) =>
      ctx.store().updateTask(team, id, { status }, { agent: person(), expectVersion }),
    claimTask: async ({ team, id, leaseMs, expectVersion }) => ctx.store().claimTask(team, id, { agent: person(), leaseMs, expectVersion }),
    releaseTask: async ({ team, id, expectVersion }) => ctx.store().releaseTask(team, id, { agent: person(), expectVersion }),
    forceReleaseTask: async ({ team, id, reason, expectVersion }) =>
      ctx.store().releaseTask(team, id, { agent: person(), force: true, reason, expectVersion }),
    completeTask: async ({ team, id, expectVersion }) => ctx.store().completeTask(team, id, { agent: person(), expectVersion }),
    deleteTask: async ({ team, id, expectVersion }) => {
      const deleted = await ctx.store().deleteTask(team, id, { agent: person(), expectVersion });
      return { deleted: deleted.id };
    },
    bulkChangeTasks: async ({ team, ids, change }) => ctx.store().bulkChangeTasks(team, ids, change, { agent: person() }),
    undo: async ({ team, seq, redo }) => {
      if (seq === undefined) return ctx.store().undoLast(team, { name: person(), via: 'app' });
      if (!own(team).has(seq)) {
        throw new InvalidInputError(
          `Change #${seq} in team ${team} was not made in this window, so this window cannot ${redo ? 'redo' : 'undo'} it.`,
          { team, seq },
        );
      }
      const undone = await ctx.store().undoChange(team, seq, { actor: { name: person(), via: 'app' }, trusted: own(team), redo });
      if (undone.trash) {
        ownTrash.set(undone.trash, new Set(own(team)));
        own(team).clear();
      }
      return undone;
    },
    activity: async ({ team, afterSeq, limit }) => recentActivity(ctx.store(), team, afterSeq, limit),
    history: async ({ team, taskId, limit }) => ({ entries: (await ctx.store().history(team, taskId)).slice(-limit) }),
    doctor: async ({ team, oldClaimMs }) => ({ findings: await ctx.store().doctor(team, { oldClaimMs }) }),
    fixFinding: async ({ team, findingId, oldClaimMs, reason }) => {
      // Releasing a claim that is still live (only old, its holder may be working) is breaking it: as in the task
      // panel, the person confirmed it naming the holder and gave a reason, which the journal keeps.
      if (findingId.startsWith('old-claim:') && !reason) {
        throw new InvalidInputError('Releasing a claim that is still held needs a reason; it is kept in the team journal.', { findingId });
      }
      const { fixed } = await ctx.store().fixFinding(team, findingId, { oldClaimMs, reason });
      return { fixed };
    },
    sweepTeam: async ({ team, olderThanMs }) => ctx.store().sweepTeam(team, { olderThanMs }),
    // Messages and costs (message-handlers.ts).
    ...messageHandlers(ctx),
    // Approvals (request-handlers.ts).
    ...requestHandlers(ctx),
    // Running agents (agent-handlers.ts).
    ...agentHandlers(ctx),
  };

  const handlers = {} as Record<ApiName, (raw: unknown) => Promise<ApiResult<unknown>>>;
  for (const name of Object.keys(API) as ApiName[]) {
    const schema = API[name];
    const impl = impls[name] as (input: unknown) => Promise<unknown>;
    // From the contract's entry (shared/api/kinds.ts): `write` calls are tracked for undo; `app` calls need no store.
    const kind = callKind(schema);
    const untracked = kind !== 'write';
    handlers[name] = async (raw: unknown) => {
      try {
        const input = parseInput(schema.input, raw ?? {}, `${name} request`);
        // While the database is away, calls that need it are refused at once, in words (the banner says the rest).
        const connection = ctx.connection?.();
        if (connection?.state === 'unavailable' && kind !== 'app') {
          throw new StoreUnavailableError(
            `Lost the connection to the database at ${connection.label}, so ${untracked ? 'this could not be read' : 'the change was not made'}. Lockstep keeps trying to reconnect; try again once it is back.`,
            { database: connection.label },
          );
        }
        const tracked = untracked ? { value: await impl(input), journaled: [] } : await ctx.store().track(() => impl(input));
        // Numbers kept exactly in the files (`1.0`) reach the window as plain numbers (IPC cannot carry the text).
        const value = toPlainNumbers(tracked.value);
        const { journaled } = tracked;
        if (ctx.validateOutputs) {
          const checked = schema.output.safeParse(value);
          if (!checked.success) throw new Error(`${name} answered outside the contract: ${checked.error.message}`);
        }
        if (name === 'deleteTeam') {
          // A deletion leaves no journal behind (the journal went with the team): the trash id is its undo.
          const { team, trash } = value as ApiOutput<'deleteTeam'>;
          if (!trash) return { ok: true, value }; // no trash id: nothing to undo with
          return { ok: true, value, journaled: [{ team, seq: 0, op: 'team.delete', text: `deleted team ${team}`, undoable: true, trash }] };
        }
        if (journaled.length === 0) return { ok: true, value };
        for (const { team, entry } of journaled) {
          // A team deleted by undoing its creation: its journal went to the trash with it (ownTrash keeps its numbers).
          if (entry.op === 'team.delete') continue;
          own(team).add(entry.seq);
          // A rename moves the journal: the window's own entries move with it.
          const change = entry.details?.change as { kind?: string; from?: string; to?: string } | undefined;
          if (change?.kind === 'rename' && change.from && change.to) {
            for (const seq of own(change.from)) own(change.to).add(seq);
            own(change.from).clear();
          }
        }
        return {
          ok: true,
          value,
          journaled: await Promise.all(journaled.map(({ team, entry }) => journaledChange(ctx.store(), team, entry))),
        };
      } catch (err) {
        return { ok: false, error: toSerializedError(err) };
      }
    };
  }
  return handlers as unknown as Handlers;
}

/** The request a handler received, typed: for tests and the IPC layer. */
export type HandlerInput<N extends ApiName> = ApiInput<N>;
