import * as fs from 'fs';
import type { CostEvent } from '../../shared/messages';
import { costEventFileSchema } from '../core/clawteam-format';
import { readBounded } from './safe-fs';
import { MAX_FILE_BYTES } from '../core/task-format';

// The rolling cost summary (ClawTeam's costs/<team>/summary.json): its entries per event file, totals kept by adding
// and removing entries, and the event files themselves as read and written.

export interface CacheEntry {
  agentName: string;
  inputTokens: number;
  outputTokens: number;
  costCents: number;
  size: number;
  /** Nanoseconds: above 2^53, kept as a bigint. */
  mtimeNs: bigint;
}

export interface SummaryCache {
  teamName: string;
  totalCostCents: number;
  totalInputTokens: number;
  totalOutputTokens: number;
  byAgent: Record<string, number>;
  eventCount: number;
  files: Record<string, CacheEntry>;
}

export function readEvent(file: string): CostEvent | null {
  try {
    const read = readBounded(file, MAX_FILE_BYTES); // no link followed, no file past the cap
    if (read.kind !== 'ok') return null;
    const parsed = costEventFileSchema.safeParse(JSON.parse(read.bytes.toString('utf8')));
    return parsed.success ? (parsed.data as CostEvent) : null;
  } catch {
    return null;
  }
}

export function entryFor(file: string, event: CostEvent): CacheEntry {
  const st = fs.statSync(file, { bigint: true });
  return {
    agentName: event.agentName,
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    costCents: event.costCents,
    size: Number(st.size),
    mtimeNs: st.mtimeNs,
  };
}

export function emptyCache(team: string): SummaryCache {
  return { teamName: team, totalCostCents: 0, totalInputTokens: 0, totalOutputTokens: 0, byAgent: {}, eventCount: 0, files: {} };
}

const normalize = (v: number): number => (Math.abs(v) < 1e-12 ? 0 : v);

export function addEntry(cache: SummaryCache, name: string, entry: CacheEntry): void {
  cache.totalCostCents += entry.costCents;
  cache.totalInputTokens += entry.inputTokens;
  cache.totalOutputTokens += entry.outputTokens;
  cache.byAgent[entry.agentName] = (cache.byAgent[entry.agentName] ?? 0) + entry.costCents;
  cache.files[name] = entry;
  cache.eventCount = Object.keys(cache.files).length;
}

export function removeEntry(cache: SummaryCache, name: string): void {
  const entry = cache.files[name];
  if (!entry) return;
  delete cache.files[name];
  cache.totalCostCents = normalize(cache.totalCostCents - entry.costCents);
  cache.totalInputTokens -= entry.inputTokens;
  cache.totalOutputTokens -= entry.outputTokens;
  const remaining = normalize((cache.byAgent[entry.agentName] ?? 0) - entry.costCents);
  if (remaining === 0) delete cache.byAgent[entry.agentName];
  else cache.byAgent[entry.agentName] = remaining;
  cache.eventCount = Object.keys(cache.files).length;
}
