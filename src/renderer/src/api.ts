import type { ApiInput, ApiName, ApiOutput, LockstepApi } from '../../shared/api';
import type { SerializedError } from '../../shared/errors';
import { describeAge, parseTimestamp } from '../../shared/time';

/** A failed call, as the person should read it: one sentence, plus the code to branch on. */
export class CallError extends Error {
  constructor(readonly error: SerializedError) {
    super(error.message);
  }
  get code(): string {
    return this.error.code;
  }
}

/** Calls the bridge and unwraps `{ok, value}`; failures become CallError. */
export async function call<N extends ApiName>(api: LockstepApi, name: N, input: ApiInput<N>): Promise<ApiOutput<N>> {
  const fn = api[name] as (input: ApiInput<N>) => ReturnType<LockstepApi[N]>;
  const result = await fn(input);
  if (!result.ok) throw new CallError(result.error);
  return result.value as ApiOutput<N>;
}

/** "Name: team "a b" may only use …" → "Team "a b" may only use …": the field is beside it, the request name is not for people. */
function plainProblem(problem: string): string {
  const text = problem.replace(/^[\w.]+: /, '').trim();
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The sentence to show for a failed call: what happened and what to do, in plain words — never a request name, a
 * raw timestamp or a stack.
 */
export function describeFailure(err: unknown): string {
  if (err instanceof CallError) {
    const details = err.error.details;
    if (err.code === 'TASK_LOCKED') {
      const holder = String(details.holder ?? 'someone');
      const since = parseTimestamp(String(details.lockedAt ?? ''));
      return `Locked by ${holder}: they claimed this task${since !== null ? ` ${describeAge(since)}` : ''}. Ask them to release it, or force-release it from the task panel.`;
    }
    if (err.code === 'STORE_BUSY') return `The store is busy right now. ${err.message}`;
    if (err.code === 'INVALID_INPUT') {
      const problems = Array.isArray(details.problems) ? (details.problems as unknown[]).map(String) : [];
      if (problems.length > 0) return problems.map((p) => `${plainProblem(p).replace(/\.$/, '')}.`).join(' ');
      return plainProblem(err.message.replace(/^Invalid [\w ]+?: /, ''));
    }
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
