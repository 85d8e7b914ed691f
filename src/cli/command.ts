import type { ParseArgsConfig } from 'util';
import { InvalidInputError } from '../shared/errors';
import type { Store } from '../store';

/** A command's parsed options (node:util parseArgs). */
export type Values = Record<string, string | boolean | string[] | undefined>;
/** What a command prints: `json` with --json, else `text`. */
export type Output = { json: unknown; text: string };

/** One `lockstep` command: its usage line, summary, positional names, options and what it does. */
export interface Command {
  usage: string;
  summary: string;
  positionals: string[];
  options: NonNullable<ParseArgsConfig['options']>;
  run(store: Store, args: string[], values: Values): Promise<Output>;
  /** Runs without an opened store (store migrate, store copy). */
  standalone?: (args: string[], values: Values) => Promise<Output>;
}

export function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

/** `--as`, else LOCKSTEP_AGENT_NAME, else ClawTeam's CLAWTEAM_AGENT_NAME; refused in words when `required` says what for. */
export function agent(values: Values, required: string | null): string | undefined {
  const name = str(values, 'as') ?? process.env.LOCKSTEP_AGENT_NAME ?? process.env.CLAWTEAM_AGENT_NAME;
  if (!name && required) throw new InvalidInputError(`Say who is ${required}: add --as AGENT (or set LOCKSTEP_AGENT_NAME).`);
  return name || undefined;
}

/** Who is `doing` something: `--as` or the environment, refused in words when none is given. */
export function who(values: Values, doing: string): string {
  return agent(values, doing) as string;
}
