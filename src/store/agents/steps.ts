import type { OutputFormat } from './runtimes';

/**
 * Claude Code's `--output-format stream-json` and Codex's `exec --json` lines turned into readable steps: what the
 * model said, which tool it called with what, what came back, and what a turn cost. Parsed as JSON, never scraped;
 * a line that is not JSON (or of a kind not known here) is plain output.
 */
export type StepKind = 'session' | 'text' | 'tool' | 'result' | 'done' | 'error' | 'output';

export interface Usage {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** Known for Claude Code (total_cost_usd); Codex reports tokens only. */
  costCents: number;
}

export interface AgentStep {
  kind: StepKind;
  text: string;
  /** The tool called (tool steps) or that answered (result steps). */
  tool?: string;
  isError?: boolean;
  /** On a turn's or session's end: what it used, to record through the cost store. */
  usage?: Usage;
}

const MAX_TEXT = 2000;
const clip = (s: string): string => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/** What a tool was asked, in one line: the command, the path, the pattern, else the JSON of its input. */
function toolInput(input: unknown): string {
  const i = obj(input);
  for (const key of ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'description']) {
    if (typeof i[key] === 'string') return i[key] as string;
  }
  const json = JSON.stringify(input ?? {});
  return json === '{}' ? '' : json;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((c) => str(obj(c).text))
      .filter(Boolean)
      .join('\n');
  return '';
}

/** The model a Claude session uses, from its first (`system` `init`) line; kept per log by the reader. */
export interface ParseState {
  model: string;
  tools: Map<string, string>;
}

export function newParseState(): ParseState {
  return { model: '', tools: new Map() };
}

function claudeSteps(e: Obj, state: ParseState): AgentStep[] {
  const type = str(e.type);
  if (type === 'system' && e.subtype === 'init') {
    state.model = str(e.model);
    return [{ kind: 'session', text: `Session started${state.model ? ` (${state.model})` : ''} in ${str(e.cwd) || 'its folder'}` }];
  }
  if (type === 'assistant' || type === 'user') {
    const steps: AgentStep[] = [];
    const content = obj(e.message).content;
    for (const part of Array.isArray(content) ? content : []) {
      const p = obj(part);
      if (p.type === 'text' && str(p.text).trim()) steps.push({ kind: 'text', text: clip(str(p.text)) });
      else if (p.type === 'tool_use') {
        const name = str(p.name) || 'tool';
        state.tools.set(str(p.id), name);
        steps.push({ kind: 'tool', tool: name, text: clip(toolInput(p.input)) });
      } else if (p.type === 'tool_result') {
        const tool = state.tools.get(str(p.tool_use_id));
        steps.push({ kind: 'result', tool, isError: p.is_error === true, text: clip(contentText(p.content)) });
      }
    }
    return steps;
  }
  if (type === 'result') {
    const usage = obj(e.usage);
    const input = num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens);
    return [
      {
        kind: e.is_error === true ? 'error' : 'done',
        isError: e.is_error === true,
        text: clip(str(e.result) || str(e.subtype) || 'finished'),
        usage: {
          provider: 'anthropic',
          model: state.model,
          inputTokens: input,
          outputTokens: num(usage.output_tokens),
          costCents: Math.round(num(e.total_cost_usd) * 100 * 1e6) / 1e6,
        },
      },
    ];
  }
  return [];
}

function codexSteps(e: Obj): AgentStep[] {
  const type = str(e.type);
  if (type === 'thread.started') return [{ kind: 'session', text: `Session started (${str(e.thread_id)})` }];
  if (type === 'turn.completed') {
    const u = obj(e.usage);
    return [
      {
        kind: 'done',
        text: 'Turn completed',
        usage: { provider: 'openai', model: '', inputTokens: num(u.input_tokens), outputTokens: num(u.output_tokens), costCents: 0 },
      },
    ];
  }
  if (type === 'turn.failed') return [{ kind: 'error', isError: true, text: clip(str(obj(e.error).message) || 'Turn failed') }];
  if (type === 'error') return [{ kind: 'error', isError: true, text: clip(str(e.message) || 'Error') }];
  if (type !== 'item.completed' && type !== 'item.started') return [];
  const item = obj(e.item);
  const started = type === 'item.started';
  switch (item.type) {
    case 'agent_message':
      return started ? [] : [{ kind: 'text', text: clip(str(item.text)) }];
    case 'reasoning':
      return started ? [] : [{ kind: 'text', text: clip(str(item.text)) }];
    case 'command_execution':
      return started
        ? [{ kind: 'tool', tool: 'shell', text: clip(str(item.command)) }]
        : [{ kind: 'result', tool: 'shell', isError: num(item.exit_code) !== 0, text: clip(str(item.aggregated_output)) }];
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.map((c) => `${str(obj(c).kind)} ${str(obj(c).path)}`) : [];
      return started ? [] : [{ kind: 'tool', tool: 'edit', text: clip(changes.join(', ')) }];
    }
    case 'mcp_tool_call':
      return started ? [{ kind: 'tool', tool: `${str(item.server)}.${str(item.tool)}`, text: '' }] : [];
    case 'web_search':
      return started ? [{ kind: 'tool', tool: 'web_search', text: clip(str(item.query)) }] : [];
    default:
      return [];
  }
}

/** The steps one line of output holds (a plain `output` step for anything that is not a known JSON event). */
export function parseLine(line: string, format: OutputFormat, state: ParseState): AgentStep[] {
  const trimmed = line.trim();
  if (!trimmed) return [];
  if (format !== 'text' && trimmed.startsWith('{')) {
    try {
      const event = obj(JSON.parse(trimmed));
      const steps = format === 'claude' ? claudeSteps(event, state) : codexSteps(event);
      if (steps.length || typeof event.type === 'string') return steps;
    } catch {
      // not JSON after all: plain output
    }
  }
  return [{ kind: 'output', text: clip(line) }];
}

/** Steps of a run of text (complete lines only; the caller keeps the unfinished last line for the next read). */
export function parseText(text: string, format: OutputFormat, state: ParseState = newParseState()): AgentStep[] {
  return text.split('\n').flatMap((line) => parseLine(line.replace(/\r$/, ''), format, state));
}
