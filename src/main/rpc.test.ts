import { describe, expect, it } from 'vitest';
import { Rpc, type RpcMessage } from './rpc';

/** Two ends joined as main and the store process are, messages delivered asynchronously. */
function pair(aMethods: Record<string, (...args: never[]) => unknown>, bMethods: Record<string, (...args: never[]) => unknown>) {
  const events: Array<[string, string]> = [];
  // eslint-disable-next-line prefer-const
  let a: Rpc<Record<string, (...args: never[]) => unknown>>;
  const b: Rpc<Record<string, (...args: never[]) => unknown>> = new Rpc(
    (m: RpcMessage) => queueMicrotask(() => a.receive(structuredClone(m))),
    bMethods,
  );
  a = new Rpc(
    (m: RpcMessage) => queueMicrotask(() => b.receive(structuredClone(m))),
    aMethods,
    (name, json) => events.push([name, json]),
  );
  return { a, b, events };
}

/** Calls by any name with any arguments (the ends here are untyped). */
const callOn =
  (rpc: Rpc<Record<string, (...args: never[]) => unknown>>) =>
  (method: string, ...args: unknown[]): Promise<unknown> =>
    (rpc.call as unknown as (m: string, ...a: unknown[]) => Promise<unknown>).call(rpc, method, ...args);

describe('rpc between main and the store process', () => {
  it('answers calls both ways, by id, and carries events', async () => {
    const { a, b, events } = pair({ twice: (n: number) => n * 2 }, { hello: async (who: string) => `hello ${who}` });
    const [x, y] = await Promise.all([callOn(a)('hello', 'ana'), callOn(b)('twice', 21)]);
    expect([x, y]).toEqual(['hello ana', 42]);
    b.event('tasksChanged', '{"team":"t"}');
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual([['tasksChanged', '{"team":"t"}']]);
  });

  it('a failed or unknown call rejects with its message', async () => {
    const { a } = pair(
      {},
      {
        boom: () => {
          throw new Error('no disk');
        },
      },
    );
    await expect(callOn(a)('boom')).rejects.toThrow('no disk');
    await expect(callOn(a)('missing')).rejects.toThrow('No method missing.');
  });

  it('when the other end dies, every waiting call fails', async () => {
    const never = new Rpc(() => undefined, {});
    const waiting = [callOn(never)('x'), callOn(never)('y')];
    expect(never.waiting).toBe(2);
    never.failAll(new Error('it stopped (exit code 9)'));
    for (const w of waiting) await expect(w).rejects.toThrow('it stopped');
    expect(never.waiting).toBe(0);
  });
});
