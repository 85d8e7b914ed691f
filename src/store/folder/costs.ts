import * as fs from 'fs';
import * as path from 'path';
import { StoreBusyError } from '../../shared/errors';
import {
  costReportInputSchema,
  type AgentCost,
  type CostEvent,
  type CostOverview,
  type CostReportInput,
  type CostSummary,
} from '../../shared/messages';
import { assertName } from '../../shared/names';
import { parseInput } from '../../shared/schemas';
import { nowTimestamp } from '../../shared/time';
import { tryFlockExclusive, type FlockHandle } from './flock';
import { listDir, writeDurably } from './inbox-files';
import { hex8 } from '../core/message-format';
import type { CostService } from '../core/message-service';
import type { StorePaths } from './paths';
import { dumpsPy, pyFloat } from '../core/py-json';
import { assertNoLinks, readBounded } from './safe-fs';
import { makeDirs } from './safe-move';
import { MAX_FILE_BYTES } from '../core/task-format';
import { readTeamConfig } from './team-config';
import { addEntry, emptyCache, entryFor, readEvent, removeEntry, type CacheEntry, type SummaryCache } from './cost-summary';
import { COST_FILE_RE, serializeEvent } from '../core/cost-format';

/**
 * Cost events and the rolling summary, on ClawTeam 0.3's files:
 *
 *   costs/<team>/cost-<reportedAt, ':'→'-', '+'→'p'>-<8 hex>.json   one event, written as cost-….tmp + rename
 *   costs/<team>/summary.json                                       cache of the totals plus one entry per event
 *                                                                   file (size, mtimeNs), rebuilt when stale
 *   costs/<team>/summary.json.lock                                  ClawTeam's `file_locked` sidecar: every
 *                                                                   rewrite of summary.json holds its flock
 *
 * Lockstep takes that same flock around every read-modify-write of summary.json, so reporters on both sides
 * serialize and no event's contribution is lost. The event files stay the truth: a summary that disagrees with
 * them (an event added or removed behind its back) is brought up to date on the next read.
 */

export interface CostStoreOptions {
  /** How long to wait for ClawTeam's summary lock before giving up with STORE_BUSY. */
  lockTimeoutMs?: number;
}

export class CostStore implements CostService {
  private readonly lockTimeoutMs: number;

  constructor(
    private readonly paths: StorePaths,
    options: CostStoreOptions = {},
  ) {
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
  }

  /** The team's cost folder; never through a link (UNSAFE_PATH): the data folder is a boundary (safe-fs.ts). */
  costsDir(team: string): string {
    const dir = path.join(this.paths.root, 'costs', assertName(team, 'team'));
    assertNoLinks(this.paths.root, dir, 'dir');
    return dir;
  }

  summaryPath(team: string): string {
    return path.join(this.costsDir(team), 'summary.json');
  }

  summaryLockPath(team: string): string {
    return `${this.summaryPath(team)}.lock`;
  }

  private budgetCents(team: string): number {
    const loaded = readTeamConfig(this.paths.root, this.paths.teamConfig(team));
    return loaded ? Number(loaded.config.budgetCents) || 0 : 0;
  }

  /** Writes one cost event and adds it to the summary under ClawTeam's lock (as CostStore.report does). */
  async report(team: string, input: CostReportInput): Promise<CostEvent> {
    assertName(team, 'team');
    const values = parseInput(costReportInputSchema, input, 'cost report');
    const event: CostEvent = { id: hex8(), ...values, reportedAt: nowTimestamp() };
    const dir = this.costsDir(team);
    makeDirs(dir, this.paths.root);
    const base = `cost-${event.reportedAt.replace(/:/g, '-').replace(/\+/g, 'p')}-${event.id}`;
    const file = path.join(dir, `${base}.json`);
    const tmp = path.join(dir, `${base}.tmp`);
    writeDurably(tmp, file, serializeEvent(event));
    await this.withSummaryLock(team, () => {
      const cache = this.loadCache(team) ?? emptyCache(team);
      removeEntry(cache, `${base}.json`);
      addEntry(cache, `${base}.json`, entryFor(file, event));
      this.writeCache(team, cache);
    });
    return event;
  }

  /** Every readable event, oldest first (file name order), optionally one agent's. */
  async events(team: string, agent?: string): Promise<CostEvent[]> {
    if (agent !== undefined) assertName(agent, 'agent');
    const dir = this.costsDir(team);
    const out: CostEvent[] = [];
    for (const name of listDir(dir)
      .filter((n) => COST_FILE_RE.test(n))
      .sort()) {
      const event = readEvent(path.join(dir, name));
      if (event && (agent === undefined || event.agentName === agent)) out.push(event);
    }
    return out;
  }

  /** The team's totals, brought up to date with the event files under ClawTeam's lock (its `summary()`). */
  async summary(team: string): Promise<CostSummary> {
    return (await this.overview(team)).summary;
  }

  /** Totals plus spend and tokens per agent. */
  async overview(team: string): Promise<CostOverview> {
    assertName(team, 'team');
    const dir = this.costsDir(team);
    const cache = fs.existsSync(dir) ? await this.withSummaryLock(team, () => this.sync(team)) : emptyCache(team);
    const agents = new Map<string, AgentCost>();
    for (const entry of Object.values(cache.files)) {
      const a = agents.get(entry.agentName) ?? { agentName: entry.agentName, costCents: 0, inputTokens: 0, outputTokens: 0, events: 0 };
      a.costCents += entry.costCents;
      a.inputTokens += entry.inputTokens;
      a.outputTokens += entry.outputTokens;
      a.events++;
      agents.set(entry.agentName, a);
    }
    return {
      summary: {
        teamName: team,
        totalCostCents: cache.totalCostCents,
        totalInputTokens: cache.totalInputTokens,
        totalOutputTokens: cache.totalOutputTokens,
        byAgent: { ...cache.byAgent },
        eventCount: cache.eventCount,
        budgetCents: this.budgetCents(team),
      },
      agents: [...agents.values()].sort((a, b) => b.costCents - a.costCents || a.agentName.localeCompare(b.agentName)),
    };
  }

  private sync(team: string): SummaryCache {
    const dir = this.costsDir(team);
    const existing = this.loadCache(team);
    const cache = existing ?? emptyCache(team);
    let changed = existing === null;
    const current = new Map(
      listDir(dir)
        .filter((n) => COST_FILE_RE.test(n))
        .sort()
        .map((n) => [n, path.join(dir, n)] as const),
    );
    for (const name of Object.keys(cache.files)) {
      if (!current.has(name)) {
        removeEntry(cache, name);
        changed = true;
      }
    }
    for (const [name, file] of current) {
      let st: fs.BigIntStats;
      try {
        st = fs.statSync(file, { bigint: true });
      } catch {
        continue;
      }
      const cached = cache.files[name];
      if (cached && BigInt(cached.size) === st.size && cached.mtimeNs === st.mtimeNs) continue;
      if (cached) {
        removeEntry(cache, name);
        changed = true;
      }
      const event = readEvent(file);
      if (!event) continue;
      addEntry(cache, name, entryFor(file, event));
      changed = true;
    }
    if (changed) this.writeCache(team, cache);
    return cache;
  }

  private async withSummaryLock<T>(team: string, fn: () => T): Promise<T> {
    makeDirs(this.costsDir(team), this.paths.root);
    const lockPath = this.summaryLockPath(team);
    const giveUpAt = Date.now() + this.lockTimeoutMs;
    let handle: FlockHandle | null = null;
    for (let wait = 1; ; wait = Math.min(wait * 2, 20)) {
      handle = tryFlockExclusive(lockPath);
      if (handle) break;
      if (Date.now() > giveUpAt) {
        throw new StoreBusyError(
          `The cost summary of team ${team} stayed locked by another process for ${Math.round(this.lockTimeoutMs / 1000)} s; try again.`,
          {
            team,
            path: lockPath,
          },
        );
      }
      await new Promise((r) => setTimeout(r, wait));
    }
    try {
      return fn();
    } finally {
      handle.release();
    }
  }

  /** The cache, or null when missing, unreadable or another team's (ClawTeam then rebuilds it). */
  private loadCache(team: string): SummaryCache | null {
    let text: string;
    try {
      const read = readBounded(this.summaryPath(team), MAX_FILE_BYTES * 8);
      if (read.kind !== 'ok') return null; // missing, a link or too big: rebuilt from the event files
      text = read.bytes.toString('utf8');
    } catch {
      return null;
    }
    try {
      // mtimeNs is larger than a double holds exactly: read its digits as text.
      const json = JSON.parse(text.replace(/("mtimeNs"\s*:\s*)(-?\d+)/g, '$1"$2"')) as Record<string, unknown>;
      if (json.teamName !== team) return null;
      const files: Record<string, CacheEntry> = {};
      for (const [name, raw] of Object.entries((json.files ?? {}) as Record<string, Record<string, unknown>>)) {
        files[name] = {
          agentName: String(raw.agentName),
          inputTokens: Number(raw.inputTokens ?? 0),
          outputTokens: Number(raw.outputTokens ?? 0),
          costCents: Number(raw.costCents ?? 0),
          size: Number(raw.size ?? 0),
          mtimeNs: BigInt(String(raw.mtimeNs ?? '0')),
        };
      }
      return {
        teamName: team,
        totalCostCents: Number(json.totalCostCents ?? 0),
        totalInputTokens: Number(json.totalInputTokens ?? 0),
        totalOutputTokens: Number(json.totalOutputTokens ?? 0),
        byAgent: { ...((json.byAgent ?? {}) as Record<string, number>) },
        eventCount: Number(json.eventCount ?? 0),
        files,
      };
    } catch {
      return null;
    }
  }

  private writeCache(team: string, cache: SummaryCache): void {
    const byAgent: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(cache.byAgent)) byAgent[k] = pyFloat(v);
    const files: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(cache.files)) {
      files[k] = {
        agentName: e.agentName,
        inputTokens: e.inputTokens,
        outputTokens: e.outputTokens,
        costCents: pyFloat(e.costCents),
        size: e.size,
        mtimeNs: e.mtimeNs,
      };
    }
    const text = dumpsPy({
      teamName: cache.teamName,
      totalCostCents: pyFloat(cache.totalCostCents),
      totalInputTokens: cache.totalInputTokens,
      totalOutputTokens: cache.totalOutputTokens,
      byAgent,
      eventCount: cache.eventCount,
      files,
    });
    const dir = this.costsDir(team);
    writeDurably(path.join(dir, `tmp${hex8()}.tmp`), this.summaryPath(team), text);
  }
}
