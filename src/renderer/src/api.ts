import type { ApiInput, ApiName, ApiOutput, LockstepApi } from '../../shared/api';
import type { SerializedError } from '../../shared/errors';

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

/** The sentence to show for a failed write. */
export function describeFailure(err: unknown): string {
  if (err instanceof CallError) {
    if (err.code === 'TASK_LOCKED') {
      const holder = String(err.error.details.holder ?? 'someone');
      return `Locked by ${holder}: ${err.message}`;
    }
    if (err.code === 'STORE_BUSY') return `The store is busy right now. ${err.message}`;
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
