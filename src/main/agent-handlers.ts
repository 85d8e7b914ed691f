import * as fs from 'fs';
import * as path from 'path';
import type { z } from 'zod';
import { AGENT_API } from '../shared/agents-api';
import type { ApiOutput } from '../shared/api';
import { InvalidInputError } from '../shared/errors';
import { newParseState, parseText, RUNTIME_PRESETS, type LogChunk } from '../store/agents';
import type { AgentDeps, HandlerContext } from './handler-context';

export type { AgentDeps };

/** The handlers of the running-agents calls (merged into createHandlers); inputs arrive validated. */

type AgentApiName = keyof typeof AGENT_API;
type Impl<N extends AgentApiName> = (input: z.output<(typeof AGENT_API)[N]['input']>) => Promise<ApiOutput<N>>;

/** Log piece the panel reads at a time: bounded, so a huge log never crosses IPC whole. */
export const LOG_PIECE = 64 * 1024;

function checkFolder(dir: string): string {
  const resolved = path.resolve(dir);
  if (!path.isAbsolute(dir)) throw new InvalidInputError(`Give the working folder as a full path (like ${resolved}).`, { field: 'cwd' });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    throw new InvalidInputError(`The working folder ${resolved} does not exist: create it or choose another.`, { field: 'cwd' });
  }
  if (!stat.isDirectory()) throw new InvalidInputError(`${resolved} is a file, not a folder: choose a folder.`, { field: 'cwd' });
  return resolved;
}

/**
 * Only whole lines cross: a piece read forward stops after its last newline (the rest comes with the next read); a
 * piece that starts inside the log starts after its first newline (the line before belongs to the older piece).
 */
export function wholeLines<T extends LogChunk>(chunk: T, forward: boolean): T {
  let { text, offset, next } = chunk;
  if (forward) {
    const end = text.lastIndexOf('\n') + 1;
    next -= Buffer.byteLength(text.slice(end));
    text = text.slice(0, end);
  } else if (offset > 0) {
    const start = text.indexOf('\n') + 1;
    offset += Buffer.byteLength(text.slice(0, start));
    text = text.slice(start);
  }
  return { ...chunk, text, offset, next };
}

export function agentHandlers(ctx: HandlerContext): { [N in AgentApiName]: Impl<N> } {
  const deps = (): AgentDeps => {
    if (!ctx.agents) throw new InvalidInputError('This window cannot run agents.');
    return ctx.agents;
  };
  const service = () => deps().service();
  const launchOptions = (input: z.output<(typeof AGENT_API)['planLaunch']['input']>) => ({
    template: input.template,
    team: input.team,
    goal: input.goal,
    cwd: checkFolder(input.cwd ?? deps().folderFor(input.team)),
    runtime: input.runtime,
    command: input.command,
  });
  return {
    listAgents: async ({ team }) => {
      // A window without agents (tests, tools) shows no liveness rather than an error.
      if (!ctx.agents) return { agents: [], cwd: '' };
      const agents = await service().list(team);
      deps().watch(team);
      return { agents, cwd: deps().folderFor(team) };
    },
    startAgent: async ({ team, agent, runtime, command, cwd, task }) => {
      const dir = checkFolder(cwd);
      await service().start({ team, agent, runtime, command, cwd: dir, task });
      deps().rememberFolder(team, dir);
      deps().watch(team);
      return service().status(team, agent);
    },
    stopAgent: async ({ team, agent }) => {
      const { wasRunning, signal, claims } = await service().stop(team, agent, { because: `stopped by ${ctx.settings().agentName}` });
      return { wasRunning, signal, claims };
    },
    releaseAgentClaims: async ({ team, agent, taskIds }) => {
      const released = await service().releaseClaims(team, agent, {
        taskIds,
        reason: `${agent} was stopped from the window by ${ctx.settings().agentName}`,
      });
      return { released: released.map((t) => t.id) };
    },
    restartAgent: async ({ team, agent }) => {
      await service().restart(team, agent);
      return service().status(team, agent);
    },
    readAgentLog: async ({ team, agent, runId, offset, before }) => {
      const range =
        before !== undefined
          ? { offset: Math.max(0, before - LOG_PIECE), maxBytes: Math.min(before, LOG_PIECE) }
          : offset !== undefined
            ? { offset, maxBytes: LOG_PIECE * 4 }
            : { offset: -LOG_PIECE, maxBytes: LOG_PIECE };
      const chunk = wholeLines(service().readLog(team, agent, { runId, ...range }), offset !== undefined);
      const format = RUNTIME_PRESETS[chunk.run.runtime]?.format ?? 'text';
      const state = newParseState();
      state.model = chunk.run.model ?? '';
      const steps =
        format === 'text'
          ? []
          : parseText(chunk.text, format, state).map(({ kind, text, tool, isError }) => ({ kind, text, tool, isError }));
      return { runId: chunk.run.id, format, text: chunk.text, steps, offset: chunk.offset, next: chunk.next, size: chunk.size };
    },
    listTemplates: async () => ({
      templates: service()
        .templates()
        .map(({ name, description, builtin, problem }) => ({ name, description, builtin, ...(problem ? { problem } : {}) })),
      cwd: process.cwd(),
    }),
    planLaunch: async (input) => service().planLaunch(launchOptions(input)),
    launchTeam: async (input) => {
      const options = launchOptions(input);
      const result = await service().launch(options);
      deps().rememberFolder(input.team, options.cwd);
      deps().watch(input.team);
      const { runs: _runs, ...rest } = result;
      return rest;
    },
  };
}
