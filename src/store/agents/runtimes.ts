import * as fs from 'fs';
import * as path from 'path';
import { InvalidInputError } from '../../shared/errors';

/**
 * What runs an agent. Each preset passes the prompt the way ClawTeam's adapters do (clawteam/spawn/adapters.py):
 *   claude  → `claude -p PROMPT --output-format stream-json --verbose` (JSON lines Lockstep turns into steps)
 *   codex   → `codex exec --json PROMPT` (the prompt last)
 *   custom  → the person's argv with `-p PROMPT` appended, as ClawTeam does for any other command
 * The prompt is also in the environment (LOCKSTEP_PROMPT). Commands are argv arrays, never a shell string.
 */
export const RUNTIMES = ['claude', 'codex', 'custom'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** How a runtime's output is read: JSON lines of Claude Code or Codex, or plain text. */
export type OutputFormat = 'claude' | 'codex' | 'text';

export interface RuntimePreset {
  name: RuntimeName;
  label: string;
  /** The command when the person gives none. */
  defaultCommand: string[];
  /** What to do when it is missing, for the sentence beside the field. */
  installHint: string;
  format: OutputFormat;
}

export const RUNTIME_PRESETS: Record<RuntimeName, RuntimePreset> = {
  claude: { name: 'claude', label: 'Claude Code', defaultCommand: ['claude'], installHint: 'install Claude Code', format: 'claude' },
  codex: { name: 'codex', label: 'Codex', defaultCommand: ['codex'], installHint: 'install Codex', format: 'codex' },
  custom: {
    name: 'custom',
    label: 'Any command',
    defaultCommand: [],
    installHint: 'check the command or give its full path',
    format: 'text',
  },
};

export function runtimeName(value: string | undefined): RuntimeName | undefined {
  if (value === undefined) return undefined;
  if (!(RUNTIMES as readonly string[]).includes(value)) {
    throw new InvalidInputError(`Unknown runtime "${value}"; use one of: ${RUNTIMES.join(', ')} (custom takes the command after --).`);
  }
  return value as RuntimeName;
}

const base = (command: string[]): string => path.basename(command[0] ?? '').toLowerCase();

/** The runtime a command belongs to (a template's `command = ["claude"]` is the Claude Code preset). */
export function runtimeOf(command: string[]): RuntimeName {
  const name = base(command);
  if (name === 'claude' || name === 'claude-code') return 'claude';
  if (name === 'codex' || name === 'codex-cli') return 'codex';
  return 'custom';
}

/** The command a run starts with: the person's, else the preset's; refused when there is none or it is not an argv. */
export function chooseCommand(runtime: RuntimeName, command: string[] | undefined): string[] {
  const chosen = command && command.length ? command : RUNTIME_PRESETS[runtime].defaultCommand;
  if (chosen.length === 0) throw new InvalidInputError('Give the command to run: lockstep agent start TEAM NAME -- COMMAND ARGS…');
  for (const arg of chosen) {
    if (typeof arg !== 'string') throw new InvalidInputError('A command is a list of words (argv), each a string.');
    if (arg.includes('\0')) throw new InvalidInputError('A command word must not contain a NUL character.');
  }
  if (!chosen[0].trim()) throw new InvalidInputError('The command to run must not be empty.');
  return chosen;
}

/** The argv that runs: the command plus the prompt where its runtime takes it. Nothing is ever parsed by a shell. */
export function buildArgv(runtime: RuntimeName, command: string[], prompt: string): string[] {
  if (runtime === 'claude') {
    const out = [...command, '-p', prompt];
    if (!command.includes('--output-format')) out.push('--output-format', 'stream-json');
    if (!command.includes('--verbose')) out.push('--verbose');
    return out;
  }
  if (runtime === 'codex') {
    const rest = command.slice(1);
    const withExec = rest[0] === 'exec' || rest[0] === 'e' ? rest : ['exec', ...rest];
    const withJson = withExec.includes('--json') ? withExec : [withExec[0], '--json', ...withExec.slice(1)];
    return [command[0], ...withJson, prompt];
  }
  return [...command, '-p', prompt];
}

/** Finds an executable on PATH as execvp would; null when none. */
export function findOnPath(name: string, envPath: string | undefined, cwd: string): string | null {
  const dirs = (envPath ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.resolve(cwd, dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutableFile(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why this command cannot start, in one sentence a person can act on, or null when it can: the working folder is
 * missing, the program is not on PATH, or it is not an executable file. (A program that starts and exits at once is
 * caught after the start: start.ts.)
 */
export function preflight(runtime: RuntimeName, command: string[], cwd: string, envPath: string | undefined): string | null {
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(cwd);
  } catch {
    // missing
  }
  if (!stat || !stat.isDirectory()) return `The working folder ${cwd} does not exist: choose an existing folder.`;
  const program = command[0];
  const hint = RUNTIME_PRESETS[runtime].installHint;
  const other = runtime === 'custom' ? '' : ', or choose another runtime';
  if (program.includes('/') || (process.platform === 'win32' && program.includes('\\'))) {
    const full = path.resolve(cwd, program);
    let s: fs.Stats | null = null;
    try {
      s = fs.statSync(full);
    } catch {
      return `\`${program}\` does not exist: ${hint}${other}.`;
    }
    if (!s.isFile()) return `\`${program}\` is not a program but a folder: give the program inside it${other}.`;
    if (!isExecutableFile(full)) {
      return `\`${program}\` is not executable: make it executable (chmod +x ${program}) or run it through its interpreter (e.g. python3 ${program})${other}.`;
    }
    return null;
  }
  if (findOnPath(program, envPath, cwd)) return null;
  return `\`${program}\` is not on your PATH: ${hint}${other}.`;
}
