import * as fs from 'fs';
import type { CostEvent } from '../../shared/messages';
import { assertName } from '../../shared/names';
import type { AgentContext } from './context';
import { logPath } from './logs';
import { openNoFollow } from '..';
import { readRuns, updateRun, type AgentRun } from './runs';
import { RUNTIME_PRESETS } from './runtimes';
import { newParseState, parseLine } from './steps';

/** How much of a log one call reads for costs (the rest on the next call). */
const MAX_READ = 8 * 1024 * 1024;

/**
 * Records, through the cost store, what the Claude Code or Codex runs of a team used, from the JSON lines of their
 * logs not read yet (each run remembers how far its log was read, under the run records' lock, so two callers —
 * the window and a CLI — never record an event twice). Returns the events recorded.
 */
export async function recordCosts(ctx: AgentContext, teamName: string, agent?: string): Promise<CostEvent[]> {
  const team = assertName(teamName, 'team');
  const recorded: CostEvent[] = [];
  for (const run of readRuns(ctx.paths, team)) {
    if (agent !== undefined && run.agent !== agent) continue;
    if (RUNTIME_PRESETS[run.runtime]?.format === 'text') continue;
    const size = logSize(ctx, run);
    if (size === null || size <= (run.costOffset ?? 0)) continue;
    await updateRun(ctx.paths, team, run.id, async (now) => {
      const { events, next, model } = readUsage(ctx, now);
      if (next === (now.costOffset ?? 0)) return null;
      for (const usage of events) {
        recorded.push(await ctx.store.costs.report(team, { agentName: now.agent, ...usage, model: usage.model || model }));
      }
      return { costOffset: next, model };
    });
  }
  return recorded;
}

function logSize(ctx: AgentContext, run: AgentRun): number | null {
  try {
    return fs.lstatSync(logPath(ctx.paths, run)).size;
  } catch {
    return null;
  }
}

/** The usage events in the complete lines after `costOffset`, and where the next read starts. */
function readUsage(ctx: AgentContext, run: AgentRun & { model?: string }) {
  const start = run.costOffset ?? 0;
  const fd = openNoFollow(logPath(ctx.paths, run));
  if (fd === null) return { events: [], next: start, model: run.model ?? '' };
  let bytes: Buffer;
  try {
    const size = fs.fstatSync(fd).size;
    bytes = Buffer.alloc(Math.max(0, Math.min(MAX_READ, size - start)));
    const got = fs.readSync(fd, bytes, 0, bytes.length, start);
    bytes = bytes.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
  const end = bytes.lastIndexOf(0x0a) + 1; // complete lines only
  const state = newParseState();
  state.model = run.model ?? '';
  const events = [];
  for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
    for (const step of parseLine(line, RUNTIME_PRESETS[run.runtime].format, state)) if (step.usage) events.push(step.usage);
  }
  return { events, next: start + end, model: state.model };
}
