import * as path from 'path';
import { InvalidInputError } from '../../shared/errors';
import { assertName } from '../../shared/names';

const RUN_ID_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** A run id (`<agent>-<time>-<hex>`): a file name of safe characters, never `.` or `..`. */
export function assertRunId(value: string): string {
  if (!RUN_ID_RE.test(value))
    throw new InvalidInputError(`Invalid run id "${value.slice(0, 40)}": it may only use letters, digits, ".", "_" and "-".`);
  return value;
}

/**
 * Where running agents leave their traces in a data folder:
 *
 *   teams/<team>/spawn_registry.json(.lock)     ClawTeam's spawn registry and its flock sidecar (registry.ts)
 *   .lockstep/agents/<team>/runs.json(.lock)    our run records: log, runtime, cwd, started, exit (runs.ts)
 *   .lockstep/agents/<team>/logs/<run>.log      one log per run: the agent's stdout and stderr
 *
 * ClawTeam never looks inside `.lockstep/`. Every name is checked before it becomes a path.
 */
export class AgentPaths {
  constructor(readonly root: string) {}

  registry(team: string): string {
    return path.join(this.root, 'teams', assertName(team, 'team'), 'spawn_registry.json');
  }

  agentsDir(team: string): string {
    return path.join(this.root, '.lockstep', 'agents', assertName(team, 'team'));
  }

  runs(team: string): string {
    return path.join(this.agentsDir(team), 'runs.json');
  }

  logsDir(team: string): string {
    return path.join(this.agentsDir(team), 'logs');
  }

  log(team: string, runId: string): string {
    return path.join(this.logsDir(team), `${assertRunId(runId)}.log`);
  }
}
