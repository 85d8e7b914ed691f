import * as fs from 'fs';
import * as path from 'path';
import type { AgentStatusView } from '../shared/agents-api';
import type { EventName, EventPayload } from '../shared/api';
import type { AgentService, AgentStatus } from '../store/agents';

type Send = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** How often log sizes are looked at (cheap: one lstat per agent) and liveness is judged again (reads files). */
const OUTPUT_MS = 400;
const LIVENESS_MS = 1500;
/** Teams watched at once: the ones the window looked at last. */
const MAX_TEAMS = 4;

const signature = (agents: AgentStatus[]): string =>
  JSON.stringify(
    agents.map((a) => [a.agent, a.state, a.pid, a.exitCode, a.sinceMs, a.lastOutput?.line, a.claims.length, a.deadWithClaims, a.run?.id]),
  );

/**
 * Watches the agents of the teams the window shows: pushes `agentOutput` when a run's log grows (sizes only, never
 * the logs themselves: the panel reads bounded pieces), `agentsChanged` when liveness or last output changes (an
 * agent that dies writes nothing, so liveness is polled), and enforces the team's budget while its agents run:
 * when recorded spend reaches it, AgentService stops them and the window is told why (`agentNotice`).
 */
export class AgentWatcher {
  private teams: string[] = [];
  private sizes = new Map<string, number>();
  private signatures = new Map<string, string>();
  private statuses = new Map<string, AgentStatus[]>();
  private timers: NodeJS.Timeout[] = [];
  private busy = false;

  constructor(
    private readonly service: () => AgentService,
    private readonly send: Send,
  ) {}

  start(): void {
    this.timers.push(setInterval(() => this.checkOutput(), OUTPUT_MS));
    this.timers.push(setInterval(() => void this.checkLiveness(), LIVENESS_MS));
  }

  stop(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /** Another data folder: forget what was seen. */
  reset(): void {
    this.teams = [];
    this.sizes.clear();
    this.signatures.clear();
    this.statuses.clear();
  }

  watch(team: string): void {
    this.teams = [team, ...this.teams.filter((t) => t !== team)].slice(0, MAX_TEAMS);
    void this.checkLiveness();
  }

  private checkOutput(): void {
    const root = this.service().ctx.paths.root;
    for (const [team, agents] of this.statuses) {
      for (const a of agents) {
        if (!a.run) continue;
        let size: number;
        try {
          size = fs.lstatSync(path.resolve(root, a.run.log)).size;
        } catch {
          continue;
        }
        const key = `${team}/${a.run.id}`;
        if (this.sizes.get(key) !== size) {
          this.sizes.set(key, size);
          this.send('agentOutput', { team, agent: a.agent, runId: a.run.id, size });
        }
      }
    }
  }

  private async checkLiveness(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const team of this.teams) {
        let agents: AgentStatus[];
        try {
          agents = await this.service().list(team);
        } catch {
          continue; // the team went away: nothing to say about its agents
        }
        if (agents.some((a) => a.source === 'lockstep' && (a.state === 'running' || a.state === 'idle'))) {
          agents = await this.enforceBudget(team, agents);
        }
        this.statuses.set(team, agents);
        const sig = signature(agents);
        if (this.signatures.get(team) !== sig) {
          this.signatures.set(team, sig);
          this.send('agentsChanged', { team, agents: agents as AgentStatusView[], at: Date.now() });
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private async enforceBudget(team: string, agents: AgentStatus[]): Promise<AgentStatus[]> {
    try {
      const result = await this.service().enforceBudget(team);
      if (result.stopped.length === 0) return agents;
      this.send('agentNotice', { team, message: result.message, at: Date.now() });
      return await this.service().list(team);
    } catch {
      return agents;
    }
  }
}
