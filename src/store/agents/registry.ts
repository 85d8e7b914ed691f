import * as fs from 'fs';
import { dumpsPy, pyFloat } from '../core/py-json';
import type { AgentPaths } from './agent-paths';
import { readJsonFile, updateJsonFile } from './locked-json';

/**
 * ClawTeam's spawn registry, `teams/<team>/spawn_registry.json`: `{agent: {backend, tmux_target, block_id, pid,
 * command, spawned_at}}`, rewritten whole under `flock` of `spawn_registry.json.lock` and saved atomically, exactly
 * as ClawTeam 0.3 does, so `clawteam`'s own `is_agent_alive` / `list_dead_agents` see agents Lockstep started and
 * Lockstep sees agents ClawTeam started. Entries of other agents (and fields we do not know) are kept as read.
 */

export interface RegistryEntry {
  backend: string;
  tmux_target: string;
  block_id?: string;
  pid: number;
  command: string[];
  /** Epoch seconds (a float), when ClawTeam's version writes it. */
  spawned_at?: number;
  [field: string]: unknown;
}

export type SpawnRegistry = Record<string, RegistryEntry>;

function parseRegistry(raw: unknown): SpawnRegistry {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: SpawnRegistry = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) continue;
    const v = value as Record<string, unknown>;
    out[name] = {
      ...v,
      backend: typeof v.backend === 'string' ? v.backend : '',
      tmux_target: typeof v.tmux_target === 'string' ? v.tmux_target : '',
      pid: typeof v.pid === 'number' && Number.isSafeInteger(v.pid) ? v.pid : 0,
      command: Array.isArray(v.command) ? v.command.map(String) : [],
    };
  }
  return out;
}

/** Python's json.dump(indent=2): `spawned_at` stays a float (`1765148400.0`). */
function serializeRegistry(registry: SpawnRegistry): string {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(registry)) {
    out[name] = typeof entry.spawned_at === 'number' ? { ...entry, spawned_at: pyFloat(entry.spawned_at) } : entry;
  }
  return dumpsPy(out);
}

const io = { empty: (): SpawnRegistry => ({}), parse: parseRegistry, serialize: serializeRegistry };

export function readRegistry(paths: AgentPaths, team: string): SpawnRegistry {
  const file = paths.registry(team);
  if (!fs.existsSync(file)) return {};
  return readJsonFile(paths.root, file, io.empty, io.parse);
}

/** Records (or replaces) one agent's entry, under ClawTeam's lock. */
export async function registerAgent(paths: AgentPaths, team: string, agent: string, entry: RegistryEntry): Promise<void> {
  await updateJsonFile(paths.root, paths.registry(team), io, (registry) => ({ write: { ...registry, [agent]: entry }, result: undefined }));
}

/** A registry entry for a detached process Lockstep started (ClawTeam's `subprocess` backend). */
export function subprocessEntry(pid: number, command: string[], startedMs: number): RegistryEntry {
  return { backend: 'subprocess', tmux_target: '', block_id: '', pid, command, spawned_at: startedMs / 1000 };
}
