import type { z } from 'zod';
import { API, type ApiInput, type ApiName, type ApiOutput, type ApiResult } from '../shared/api';
import type { FileProblem, VersionedTask } from '../shared/domain';
import { InvalidInputError, LockstepError, toSerializedError } from '../shared/errors';
import { toPlainNumbers } from '../shared/json';
import { parseInput } from '../shared/schemas';
import { createSampleTeam } from './sample';
import type { EffectiveSettings } from './settings';
import type { LockstepStore } from './store';

/**
 * One handler per contract entry, plain Node (no Electron): validate the input with the contract's schema, act on
 * the store as the person using the app, and answer `{ok, value}` or `{ok:false, error:{code, message, details}}`.
 * Electron forwards only an error's message from ipcMain.handle, so errors travel as data.
 */

export interface HandlerContext {
  store(): LockstepStore;
  settings(): EffectiveSettings;
  setAgentName(agentName: string): EffectiveSettings;
  setClawteamInterlock(enabled: boolean): EffectiveSettings;
  /** Asks the person for a folder in a native dialog; unchanged settings if they cancel. Never takes a path. */
  openDataFolder(): Promise<EffectiveSettings>;
  /** Tells the watcher what the window now shows, so later changes can be described (activity). */
  primeTeam?(team: string, tasks: VersionedTask[]): void;
  /** Check outputs against the contract too (tests and development). */
  validateOutputs?: boolean;
}

type Impl<N extends ApiName> = (input: z.output<(typeof API)[N]['input']>) => Promise<ApiOutput<N>>;
export type Handlers = { [N in ApiName]: (raw: unknown) => Promise<ApiResult<ApiOutput<N>>> };

export function createHandlers(ctx: HandlerContext): Handlers {
  const person = () => ctx.settings().agentName;

  const impls: { [N in ApiName]: Impl<N> } = {
    getSettings: async () => ctx.settings(),
    setAgentName: async ({ agentName }) => ctx.setAgentName(agentName),
    setClawteamInterlock: async ({ enabled }) => ctx.setClawteamInterlock(enabled),
    openDataFolder: async () => ctx.openDataFolder(),

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
    createTeam: async ({ name, description, members }) =>
      ctx.store().createTeam({ name, description, members: members.map((m) => ({ name: m })) }),
    createSampleTeam: async () => createSampleTeam(ctx.store()),
    renameTeam: async ({ team, newName }) => ctx.store().renameTeam(team, newName),
    deleteTeam: async ({ team }) => ctx.store().deleteTeam(team),
    addMember: async ({ team, name, user, agentType }) => ctx.store().addMember(team, { name, user, agentType }),
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
    claimTask: async ({ team, id, leaseMs, expectVersion }) =>
      ctx.store().claimTask(team, id, { agent: person(), leaseMs, expectVersion }),
    releaseTask: async ({ team, id, expectVersion }) => ctx.store().releaseTask(team, id, { agent: person(), expectVersion }),
    forceReleaseTask: async ({ team, id, reason, expectVersion }) =>
      ctx.store().releaseTask(team, id, { agent: person(), force: true, reason, expectVersion }),
    completeTask: async ({ team, id, expectVersion }) => ctx.store().completeTask(team, id, { agent: person(), expectVersion }),
    deleteTask: async ({ team, id, expectVersion }) => {
      const deleted = await ctx.store().deleteTask(team, id, { agent: person(), expectVersion });
      return { deleted: deleted.id };
    },
    undo: async ({ team }) => ctx.store().undoLast(team, { name: person(), via: 'app' }),
    history: async ({ team, taskId, limit }) => ({ entries: (await ctx.store().history(team, taskId)).slice(-limit) }),
    doctor: async ({ team, oldClaimMs }) => ({ findings: await ctx.store().doctor(team, { oldClaimMs }) }),
    fixFinding: async ({ team, findingId, oldClaimMs }) => {
      const { fixed } = await ctx.store().fixFinding(team, findingId, { oldClaimMs });
      return { fixed };
    },
    sweepTeam: async ({ team, olderThanMs }) => ctx.store().sweepTeam(team, { olderThanMs }),
  };

  const handlers = {} as Record<ApiName, (raw: unknown) => Promise<ApiResult<unknown>>>;
  for (const name of Object.keys(API) as ApiName[]) {
    const schema = API[name];
    const impl = impls[name] as (input: unknown) => Promise<unknown>;
    handlers[name] = async (raw: unknown) => {
      try {
        const input = parseInput(schema.input, raw ?? {}, `${name} request`);
        // Numbers kept exactly in the files (`1.0`) reach the window as plain numbers (IPC cannot carry the text).
        const value = toPlainNumbers(await impl(input));
        if (ctx.validateOutputs) {
          const checked = schema.output.safeParse(value);
          if (!checked.success) throw new Error(`${name} answered outside the contract: ${checked.error.message}`);
        }
        return { ok: true, value };
      } catch (err) {
        return { ok: false, error: toSerializedError(err) };
      }
    };
  }
  return handlers as unknown as Handlers;
}

/** The request a handler received, typed: for tests and the IPC layer. */
export type HandlerInput<N extends ApiName> = ApiInput<N>;

export function invalidSender(): ApiResult<never> {
  return { ok: false, error: new InvalidInputError('This request did not come from the Lockstep window; it was ignored.').toJSON() };
}
