import { z } from 'zod';
import { InvalidInputError, toSerializedError } from '../../shared/errors';
import { stringifyJson } from '../../shared/json';
import type { Store } from '../../store';

/** One MCP tool: its name and parameters (ClawTeam's, for ClawTeam's tools), and what it does on the store. */
export interface ToolDef<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  description: string;
  /** Parameters by name; optional ones may also be given as null (ClawTeam's `str | None = None`). */
  params: S;
  run(ctx: ToolContext, args: z.infer<z.ZodObject<S>>): Promise<unknown>;
}

/** A tool whose `run` sees its arguments typed from its parameters (checked against them before it runs). */
export function tool<S extends z.ZodRawShape>(def: ToolDef<S>): ToolDef {
  return def as unknown as ToolDef;
}

export interface ToolContext {
  store: Store;
  /** The caller's name from the server's environment (LOCKSTEP_AGENT_NAME, else CLAWTEAM_AGENT_NAME), if any. */
  identity: string | undefined;
}

/** A result as MCP tool content: the JSON text (numbers as stored), and the same as structured content for an object. */
export interface ToolResult {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export function toolResult(value: unknown): ToolResult {
  const text = stringifyJson(value ?? null, 0);
  const structured =
    value && typeof value === 'object' && !Array.isArray(value) ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  return { content: [{ type: 'text', text }], ...(structured ? { structuredContent: structured } : {}) };
}

/** An error as an MCP tool error: "CODE: sentence" for the model, and {error: {code, message, details}} for programs. */
export function toolError(err: unknown): ToolResult {
  const error = toSerializedError(err);
  return { content: [{ type: 'text', text: `${error.code}: ${error.message}` }], structuredContent: { error }, isError: true };
}

// ---- parameter types, ClawTeam's (str, int, bool, list[str], dict)

export const text = () => z.string();
export const optText = () => z.string().nullish();
export const optInt = () => z.number().int().nullish();
export const optBool = () => z.boolean().nullish();
export const optList = () => z.array(z.string()).nullish();
export const optObject = () => z.record(z.string(), z.unknown()).nullish();

/** The argument, or undefined when absent, null or "" (ClawTeam treats them alike). */
export function given<T>(value: T | null | undefined | ''): T | undefined {
  return value === null || value === '' ? undefined : value;
}

/** Who acts: the argument, else the server's identity; INVALID_INPUT in plain words when neither says. */
export function caller(ctx: ToolContext, value: string | null | undefined, doing: string): string {
  const name = given(value) ?? ctx.identity;
  if (!name) {
    throw new InvalidInputError(
      `Say who is ${doing}: pass agent_name, or start the server with CLAWTEAM_AGENT_NAME (or LOCKSTEP_AGENT_NAME) set.`,
    );
  }
  return name;
}

const KIND_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** Checks the arguments against the tool's parameters; INVALID_INPUT naming each bad one in plain words. */
export function checkArguments(tool: ToolDef, args: unknown): z.infer<z.ZodObject<z.ZodRawShape>> {
  if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args))) {
    throw new InvalidInputError(`The arguments of ${tool.name} must be an object of named parameters.`);
  }
  const parsed = z.object(tool.params).safeParse(args ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.') || 'arguments';
    if (issue.code === 'invalid_type') {
      if (issue.received === 'undefined') return `${field} is required`;
      return `${field} must be ${KIND_WORDS[issue.expected] ?? issue.expected} (got ${issue.received})`;
    }
    return `${field}: ${issue.message}`;
  });
  const names = Object.keys(tool.params);
  throw new InvalidInputError(`Bad arguments for ${tool.name}: ${problems.join('; ')}. Its parameters: ${names.join(', ') || 'none'}.`, {
    tool: tool.name,
    problems,
  });
}
