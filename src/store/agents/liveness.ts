import * as os from 'os';
import { currentClaim, leaseExpired } from '../../shared/claims';
import { assertName } from '../../shared/names';
import { formatTimestamp, nowMicros, parseTimestamp } from '../../shared/time';
import type { AgentContext } from './context';
import { lastLine, logTail } from './logs';
import { describeStatus, exitStatusFromTail, groupAlive, pidAlive, sameProcessAlive } from './processes';
import { readRegistry, type RegistryEntry } from './registry';
import { latestRun, readRuns, type AgentRun } from './runs';

/** `unknown`: it holds claims, but nothing tells whether it runs (no registry entry, no claim pid here, no lease). */
export type AgentState = 'running' | 'idle' | 'exited' | 'not-started' | 'unknown';

/** A claim an agent holds, and what keeps it alive. */
export interface HeldClaim {
  taskId: string;
  subject: string;
  since: string;
  pid?: number;
  leaseUntil?: string;
}

/** What a member card shows about its agent. Times are epoch milliseconds. */
export interface AgentStatus {
  team: string;
  agent: string;
  state: AgentState;
  /** Since when it is in that state (start, last idle notice, or end), when known. */
  sinceMs: number | null;
  /** Where the answer comes from: our run record, ClawTeam's spawn registry, or the agent's claims (pid, lease). */
  source: 'lockstep' | 'registry' | 'claims' | 'none';
  pid: number | null;
  exitCode: number | null;
  signal: string | null;
  lastOutput: { line: string; atMs: number | null } | null;
  run: AgentRun | null;
  claims: HeldClaim[];
  /** Not running, yet holding claims: others cannot take those tasks until they are released. */
  deadWithClaims: boolean;
  /** One sentence for a person ("running since 22:14:03 (pid 4242)"). */
  summary: string;
}

const clock = (ms: number | null): string => (ms === null ? '' : formatTimestamp(ms * 1000).slice(11, 19));

function fromRun(run: AgentRun, ctx: AgentContext) {
  const alive = run.endedMs === undefined && (sameProcessAlive(run.pid, run.startedMs) || groupAlive(run.pid));
  const tail = logTail(ctx.paths, run);
  const line = lastLine(tail.text.replace(/\n?\[lockstep\] agent exited with status \d+\s*$/, ''));
  return {
    alive,
    pid: run.pid,
    startedMs: run.startedMs,
    endedMs: alive ? null : (run.endedMs ?? tail.mtimeMs),
    exitCode: alive ? null : (run.exitCode ?? exitStatusFromTail(tail.text)),
    signal: alive ? null : (run.signal ?? null),
    lastOutput: line ? { line, atMs: tail.mtimeMs } : null,
  };
}

function fromRegistry(entry: RegistryEntry) {
  const startedMs = typeof entry.spawned_at === 'number' ? entry.spawned_at * 1000 : undefined;
  // tmux: ClawTeam falls back to the pid when the pane is gone; Lockstep runs no tmux and asks the pid directly.
  const alive = entry.pid > 0 && sameProcessAlive(entry.pid, startedMs);
  return { alive, pid: entry.pid || null, startedMs: startedMs ?? null };
}

/**
 * The liveness of every member of a team (and of any agent with a run or registry entry): running, idle (its last
 * `idle` notice came after it started and it holds no claim), exited (with code), or not started. An agent
 * started elsewhere (ClawTeam's spawn, a terminal) is judged by its registry pid, else by its claims' pids (on this
 * host) and lease heartbeats.
 */
export async function agentStatuses(ctx: AgentContext, teamName: string, only?: string): Promise<AgentStatus[]> {
  const team = assertName(teamName, 'team');
  if (only !== undefined) assertName(only, 'agent');
  const config = await ctx.store.getTeam(team);
  const runs = readRuns(ctx.paths, team);
  const registry = readRegistry(ctx.paths, team);
  const { tasks } = await ctx.store.listTasks(team, { status: ['in_progress'] });
  const idle = new Map<string, number>();
  // The newest page of the history only (bounded, whatever the team's age): an idle notice older than that is stale.
  for (const record of (await ctx.store.messages.readHistory(team, { limit: 1000 })).records) {
    const m = record.message;
    if (m.type !== 'idle') continue;
    const at = parseTimestamp(m.timestamp);
    if (at !== null) idle.set(m.from, Math.max(idle.get(m.from) ?? 0, at / 1000));
  }
  const names = new Set([...config.members.map((m) => m.name), ...runs.map((r) => r.agent), ...Object.keys(registry)]);
  const now = nowMicros();
  const out: AgentStatus[] = [];
  for (const agent of names) {
    if (only !== undefined && agent !== only) continue;
    const claims: HeldClaim[] = [];
    let claimAlive = false;
    let judged = false; // some claim carries a pid on this host or a lease: its liveness can be told
    for (const t of tasks) {
      if (t.lockedBy !== agent) continue;
      const claim = currentClaim(t);
      claims.push({ taskId: t.id, subject: t.subject, since: t.lockedAt, pid: claim?.pid, leaseUntil: claim?.leaseUntil });
      const localPid = claim?.pid !== undefined && claim.host === os.hostname();
      if (localPid || claim?.leaseUntil) judged = true;
      if (localPid && pidAlive(claim.pid as number)) claimAlive = true;
      if (claim?.leaseUntil && !leaseExpired(claim, now)) claimAlive = true;
    }
    const run = latestRun(runs, agent);
    const entry = registry[agent];
    const entryMs = typeof entry?.spawned_at === 'number' ? entry.spawned_at * 1000 : 0;
    // The registry wins when it records a newer start (ClawTeam restarted the agent) or a different process.
    const useRegistry = entry && entry.pid > 0 && (!run || (entry.pid !== run.pid && entryMs > run.startedMs));
    const blank = { team, agent, pid: null, sinceMs: null, exitCode: null, signal: null, lastOutput: null, run: null, claims };
    // alive: true/false when known; null: nothing ran; undefined: it holds claims nobody can judge.
    let status: Omit<AgentStatus, 'summary' | 'deadWithClaims' | 'state'> & { alive: boolean | null | undefined };
    if (run && !useRegistry) {
      const r = fromRun(run, ctx);
      const sinceMs = r.alive ? r.startedMs : r.endedMs;
      status = {
        ...blank,
        source: 'lockstep',
        alive: r.alive,
        pid: r.pid,
        sinceMs,
        exitCode: r.exitCode,
        signal: r.signal,
        lastOutput: r.lastOutput,
        run,
      };
    } else if (entry && entry.pid > 0) {
      const r = fromRegistry(entry);
      status = { ...blank, source: 'registry', alive: r.alive, pid: r.pid, sinceMs: r.alive ? r.startedMs : null };
    } else if (claims.length) {
      status = { ...blank, source: 'claims', alive: judged ? claimAlive : undefined };
    } else {
      status = { ...blank, source: 'none', alive: null };
    }
    const { alive, ...rest } = status;
    let state: AgentState = alive === undefined ? 'unknown' : alive === null ? 'not-started' : alive ? 'running' : 'exited';
    const idleAt = idle.get(agent);
    if (state === 'running' && idleAt !== undefined && idleAt >= (rest.sinceMs ?? 0) && claims.length === 0) {
      state = 'idle';
      rest.sinceMs = idleAt;
    }
    const deadWithClaims = state === 'exited' && claims.length > 0;
    out.push({ ...rest, state, deadWithClaims, summary: summarize(state, rest, deadWithClaims) });
  }
  return out.sort((a, b) => a.agent.localeCompare(b.agent));
}

function summarize(state: AgentState, s: Omit<AgentStatus, 'summary' | 'deadWithClaims' | 'state'>, deadWithClaims: boolean): string {
  const since = s.sinceMs !== null ? ` since ${clock(s.sinceMs)}` : '';
  const pid = s.pid ? ` (pid ${s.pid})` : '';
  const via = s.source === 'registry' ? ', started outside Lockstep' : s.source === 'claims' ? ', judged by its claims' : '';
  let text: string;
  if (state === 'running') text = `running${since}${pid}${via}`;
  else if (state === 'idle') text = `idle${since}${pid}`;
  else if (state === 'exited') text = `exited${since} (${describeStatus(s.exitCode, s.signal)})${via}`;
  else if (state === 'unknown')
    text = `holds ${s.claims.map((c) => c.taskId).join(', ')}; whether it runs is unknown (started outside Lockstep, no pid or lease)`;
  else text = 'not started';
  if (deadWithClaims) text += `; still holds ${s.claims.map((c) => c.taskId).join(', ')}: release to let others take them`;
  return text;
}
