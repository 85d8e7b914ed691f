import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseToml } from 'smol-toml';
import { InvalidInputError, NotFoundError } from '../../shared/errors';
import { nameProblem } from '../../shared/names';
import { packageRoot } from './package-root';

/**
 * ClawTeam's TOML team templates (clawteam/templates/*.toml):
 *
 *   [template]            name, description, command (argv, default ["claude"]), backend ("tmux" | "subprocess")
 *   [template.leader]     name, type (default "general-purpose"), task, optional command
 *   [[template.agents]]   the same, one table per agent
 *   [[template.tasks]]    subject, description, owner
 *
 * `{goal}`, `{team_name}` and `{agent_name}` are substituted in tasks and subjects; other `{placeholders}` stay as
 * they are. The backend is accepted either way: every agent runs as a detached process (no tmux needed). Built-in
 * templates ship in the repository's `templates/`; the person's own live in ~/.clawteam/templates/ (ClawTeam's
 * folder), and win over a built-in of the same name. Every refusal names the file and the line.
 */
export interface TemplateAgent {
  name: string;
  type: string;
  task: string;
  command?: string[];
}

export interface TemplateTask {
  subject: string;
  description: string;
  owner: string;
}

export interface TeamTemplate {
  name: string;
  description: string;
  command: string[];
  backend: string;
  leader: TemplateAgent;
  agents: TemplateAgent[];
  tasks: TemplateTask[];
  /** Where it was read from, and whether it ships with Lockstep. */
  source: string;
  builtin: boolean;
}

/** A template is a page of text: anything bigger is refused before it is parsed. */
export const MAX_TEMPLATE_BYTES = 256 * 1024;
export const BACKENDS = ['tmux', 'subprocess'] as const;

export interface TemplateFolders {
  builtinDir: string;
  userDir: string;
}

/** The repository's templates/ (dist/store/agents → templates) and ~/.clawteam/templates. */
export function defaultTemplateFolders(home: string = os.homedir()): TemplateFolders {
  return { builtinDir: path.join(packageRoot(), 'templates'), userDir: path.join(home, '.clawteam', 'templates') };
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** The line of the `nth` header `[header]` / `[[header]]` (1-based), or of the file's start. */
function headerLine(text: string, header: string, nth = 0): number {
  const re = new RegExp(`^\\s*\\[\\[?\\s*${header.replace(/\./g, '\\s*\\.\\s*')}\\s*\\]\\]?\\s*(#.*)?$`);
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (re.test(lines[i]) && seen++ === nth) return i + 1;
  }
  return 1;
}

/** Parses a template's text; `source` names it in every refusal. */
export function parseTemplate(text: string, source: string, builtin = false): TeamTemplate {
  const refuse = (line: number, what: string) =>
    new InvalidInputError(`Template ${source}, line ${line}: ${what}.`, { template: source, line });
  if (Buffer.byteLength(text) > MAX_TEMPLATE_BYTES) {
    throw new InvalidInputError(`Template ${source} is larger than ${MAX_TEMPLATE_BYTES / 1024} KB; a team template is a page of text.`, {
      template: source,
    });
  }
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (err) {
    const e = err as Error & { line?: number };
    const first = e.message.split('\n').find((l) => l.trim() && !/^Invalid TOML document/.test(l)) ?? e.message.split('\n')[0];
    throw refuse(e.line ?? 1, `this is not valid TOML (${first.replace(/^Invalid TOML document: /, '').trim()})`);
  }
  const t = doc.template;
  if (!isTable(t)) throw refuse(1, 'there is no [template] table');
  const at = headerLine(text, 'template');
  const words = (value: unknown, line: number, what: string): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((w) => typeof w === 'string' && w.length > 0 && !w.includes('\0'))) {
      throw refuse(line, `${what} must be a list of words, e.g. ["claude"] (an argv, never a shell string)`);
    }
    return value as string[];
  };
  const text_ = (value: unknown, line: number, what: string, fallback?: string): string => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'string') throw refuse(line, value === undefined ? `${what} is missing` : `${what} must be text`);
    return value;
  };
  const agentOf = (value: unknown, header: string, nth: number, what: string): TemplateAgent => {
    const line = headerLine(text, header, nth);
    if (!isTable(value)) throw refuse(line, `${what} must be a table with a name`);
    const name = text_(value.name, line, `${what}'s name`);
    const problem = nameProblem(name, 'agent');
    if (problem) throw refuse(line, `${what}: ${problem}`);
    return {
      name,
      type: text_(value.type, line, `${what}'s type`, 'general-purpose'),
      task: text_(value.task, line, `${what}'s task`, ''),
      command: words(value.command, line, `${what}'s command`),
    };
  };
  const name = text_(t.name, at, 'the template name');
  const backend = text_(t.backend, at, 'backend', 'tmux');
  if (!(BACKENDS as readonly string[]).includes(backend)) throw refuse(at, `backend "${backend}" is not one of ${BACKENDS.join(', ')}`);
  if (t.leader === undefined) throw refuse(at, 'there is no [template.leader]');
  const leader = agentOf(t.leader, 'template.leader', 0, 'the leader');
  const agentsRaw = t.agents === undefined ? [] : t.agents;
  if (!Array.isArray(agentsRaw)) throw refuse(at, 'agents must be [[template.agents]] tables');
  const agents = agentsRaw.map((a, i) => agentOf(a, 'template.agents', i, `agent ${i + 1}`));
  const seen = new Set<string>();
  for (const [i, a] of [leader, ...agents].entries()) {
    const line = i === 0 ? headerLine(text, 'template.leader') : headerLine(text, 'template.agents', i - 1);
    if (seen.has(a.name)) throw refuse(line, `two agents are called ${a.name}`);
    seen.add(a.name);
  }
  const tasksRaw = t.tasks === undefined ? [] : t.tasks;
  if (!Array.isArray(tasksRaw)) throw refuse(at, 'tasks must be [[template.tasks]] tables');
  const tasks = tasksRaw.map((task, i) => {
    const line = headerLine(text, 'template.tasks', i);
    if (!isTable(task)) throw refuse(line, `task ${i + 1} must be a table with a subject`);
    const subject = text_(task.subject, line, `task ${i + 1}'s subject`);
    if (!subject.trim()) throw refuse(line, `task ${i + 1}'s subject is empty`);
    const owner = text_(task.owner, line, `task ${i + 1}'s owner`, '');
    if (owner && !seen.has(owner)) throw refuse(line, `task ${i + 1}'s owner ${owner} is not one of the template's agents`);
    return { subject, description: text_(task.description, line, `task ${i + 1}'s description`, ''), owner };
  });
  return {
    name,
    description: text_(t.description, at, 'description', ''),
    command: words(t.command, at, 'command') ?? ['claude'],
    backend,
    leader,
    agents,
    tasks,
    source,
    builtin,
  };
}

/** `{goal}`, `{team_name}`, `{agent_name}` replaced; any other `{placeholder}` kept as written (ClawTeam's rule). */
export function substitute(text: string, values: { goal: string; team: string; agent?: string }): string {
  return text.replace(/\{(goal|team_name|agent_name)\}/g, (whole, key: string) =>
    key === 'goal' ? values.goal : key === 'team_name' ? values.team : (values.agent ?? whole),
  );
}

function readTemplateFile(file: string, builtin: boolean): TeamTemplate {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new NotFoundError(`There is no template file ${file}.`, { template: file });
  }
  if (!stat.isFile()) throw new InvalidInputError(`Template ${file} is not a regular file.`, { template: file });
  if (stat.size > MAX_TEMPLATE_BYTES) {
    throw new InvalidInputError(`Template ${file} is larger than ${MAX_TEMPLATE_BYTES / 1024} KB; a team template is a page of text.`, {
      template: file,
    });
  }
  // eslint-disable-next-line no-restricted-syntax -- a template in the package or the person's own template folder (checked above: a regular file under the cap), not the data folder
  return parseTemplate(fs.readFileSync(file, 'utf8'), file, builtin);
}

/**
 * A template by name (the person's folder first, then the built-ins) or by the path of a `.toml` file. A name is a
 * name: `../` or a slash in it is not looked up anywhere.
 */
export function loadTemplate(nameOrPath: string, folders: TemplateFolders = defaultTemplateFolders()): TeamTemplate {
  if (nameOrPath.endsWith('.toml')) return readTemplateFile(path.resolve(nameOrPath), false);
  const problem = nameProblem(nameOrPath, 'member');
  if (problem) {
    throw new InvalidInputError(
      `"${nameOrPath.slice(0, 60)}" is neither a template name nor a .toml file: a name may only use letters, digits, ".", "_" and "-".`,
    );
  }
  for (const [dir, builtin] of [
    [folders.userDir, false],
    [folders.builtinDir, true],
  ] as const) {
    const file = path.join(dir, `${nameOrPath}.toml`);
    if (fs.existsSync(file)) return readTemplateFile(file, builtin);
  }
  const known = listTemplates(folders).map((t) => t.name);
  throw new NotFoundError(`There is no template called ${nameOrPath}${known.length ? `; known: ${known.join(', ')}` : ''}.`, {
    template: nameOrPath,
  });
}

/** Every template both folders hold (the person's first); unreadable ones listed with their problem. */
export function listTemplates(
  folders: TemplateFolders = defaultTemplateFolders(),
): Array<{ name: string; description: string; builtin: boolean; source: string; problem?: string }> {
  const out: Array<{ name: string; description: string; builtin: boolean; source: string; problem?: string }> = [];
  const seen = new Set<string>();
  for (const [dir, builtin] of [
    [folders.userDir, false],
    [folders.builtinDir, true],
  ] as const) {
    let names: string[] = [];
    try {
      names = fs
        .readdirSync(dir)
        .filter((n) => n.endsWith('.toml'))
        .sort();
    } catch {
      continue;
    }
    for (const file of names) {
      const name = file.slice(0, -'.toml'.length);
      if (seen.has(name) || nameProblem(name, 'member')) continue;
      seen.add(name);
      try {
        const t = readTemplateFile(path.join(dir, file), builtin);
        out.push({ name, description: t.description, builtin, source: t.source });
      } catch (err) {
        out.push({ name, description: '', builtin, source: path.join(dir, file), problem: (err as Error).message });
      }
    }
  }
  return out;
}
