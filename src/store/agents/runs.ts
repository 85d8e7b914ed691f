import { randomBytes } from 'crypto';
import type { AgentPaths } from './agent-paths';
import { readJsonFile, updateJsonFile } from './locked-json';
import type { RuntimeName } from './runtimes';
import type { AgentWorktree } from './worktree';

/**
 * Lockstep's own record of every run it started (`.lockstep/agents/<team>/runs.json`, under a flock sidecar like
 * the registry): what ClawTeam's registry does not keep (log, runtime, working folder, task, how it ended).
 */
export interface AgentRun {
  id: string;
  team: string;
  agent: string;
  runtime: RuntimeName;
  /** The command as chosen, without the prompt (restart builds the prompt again from `task`). */
  command: string[];
  task: string;
  cwd: string;
  /** The log file, relative to the data folder. */
  log: string;
  /** The wrapper's pid, which leads the run's own process group (pgid = pid). 0 when it never started. */
  pid: number;
  host: string;
  /** Epoch milliseconds. */
  startedMs: number;
  endedMs?: number;
  exitCode?: number | null;
  /** The signal that ended it, when Lockstep stopped it or its exit status says so. */
  signal?: string | null;
  /** Who stopped it and why ("stopped by alice", "budget reached"). */
  stoppedBecause?: string;
  /** How far the log has been read for cost events (bytes), and the model its session named. */
  costOffset?: number;
  model?: string;
  /** The agent's own git worktree, when it was started with one (cwd is then the folder it was made from). */
  worktree?: AgentWorktree;
}

export interface RunsFile {
  version: 1;
  runs: AgentRun[];
}

/** Runs kept per team (the newest); older records go, their logs stay until removed. */
export const MAX_RUNS_KEPT = 500;

function parseRuns(raw: unknown): RunsFile {
  const runs = raw && typeof raw === 'object' && Array.isArray((raw as RunsFile).runs) ? (raw as RunsFile).runs : [];
  return { version: 1, runs: runs.filter((r) => r && typeof r === 'object' && typeof r.id === 'string' && typeof r.agent === 'string') };
}

const io = {
  empty: (): RunsFile => ({ version: 1, runs: [] }),
  parse: parseRuns,
  serialize: (value: RunsFile) => `${JSON.stringify(value, null, 2)}\n`,
};

export function readRuns(paths: AgentPaths, team: string): AgentRun[] {
  return readJsonFile(paths.root, paths.runs(team), io.empty, io.parse).runs;
}

/** The newest run of an agent, or null. */
export function latestRun(runs: AgentRun[], agent: string): AgentRun | null {
  let best: AgentRun | null = null;
  for (const run of runs) if (run.agent === agent && (!best || run.startedMs >= best.startedMs)) best = run;
  return best;
}

export async function addRun(paths: AgentPaths, run: AgentRun): Promise<void> {
  await updateJsonFile(paths.root, paths.runs(run.team), io, (file) => ({
    write: { version: 1 as const, runs: [...file.runs, run].slice(-MAX_RUNS_KEPT) },
    result: undefined,
  }));
}

/**
 * Changes one run record under the lock: `change` gets the record as it is now and returns the fields to set (or
 * null to leave it). Returns the record as written, or null when there is no such run.
 */
export async function updateRun(
  paths: AgentPaths,
  team: string,
  runId: string,
  change: (run: AgentRun) => Promise<Partial<AgentRun> | null> | Partial<AgentRun> | null,
): Promise<AgentRun | null> {
  return updateJsonFile(paths.root, paths.runs(team), io, async (file) => {
    const index = file.runs.findIndex((r) => r.id === runId);
    if (index < 0) return { result: null };
    const patch = await change(file.runs[index]);
    if (!patch) return { result: file.runs[index] };
    const updated = { ...file.runs[index], ...patch };
    const runs = file.runs.slice();
    runs[index] = updated;
    return { write: { version: 1 as const, runs }, result: updated };
  });
}

/** `<agent>-<yyyymmdd-hhmmss>-<4 hex>`: sorts by time, unique, a safe file name. */
export function newRunId(agent: string, nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${agent}-${stamp}-${randomBytes(2).toString('hex')}`;
}
