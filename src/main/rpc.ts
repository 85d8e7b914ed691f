/**
 * The line between main and the store process (store-process.ts): calls both ways, each answered by its id, and
 * events the store process sends on to the window. Plain Node: the two ends post these messages over Electron's
 * utilityProcess port (main) and process.parentPort (the store process).
 */

export type RpcMessage =
  | { kind: 'call'; id: number; method: string; args: unknown[] }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; message: string }
  /** An event for the window: its payload already JSON, so main passes the text on without reading it. */
  | { kind: 'event'; name: string; json: string };

type Methods = Record<string, (...args: never[]) => unknown>;

/** `Remote`: what the other end answers; `local`: what this end answers. */
export class Rpc<Remote extends Methods> {
  private nextId = 1;
  private pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();

  constructor(
    private readonly post: (message: RpcMessage) => void,
    private readonly local: Methods,
    private readonly onEvent: (name: string, json: string) => void = () => undefined,
  ) {}

  call<M extends keyof Remote & string>(method: M, ...args: Parameters<Remote[M]>): Promise<Awaited<ReturnType<Remote[M]>>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.post({ kind: 'call', id, method, args });
      } catch (err) {
        this.pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  event(name: string, json: string): void {
    this.post({ kind: 'event', name, json });
  }

  /** Calls still waiting for an answer. */
  get waiting(): number {
    return this.pending.size;
  }

  receive(message: RpcMessage): void {
    if (message.kind === 'event') this.onEvent(message.name, message.json);
    else if (message.kind === 'reply') {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiting) return;
      if (message.ok) waiting.resolve(message.value);
      else waiting.reject(new Error(message.message));
    } else void this.answer(message);
  }

  /** The other end went away: every call still waiting fails with `err`. */
  failAll(err: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(err);
  }

  private async answer({ id, method, args }: { id: number; method: string; args: unknown[] }): Promise<void> {
    const fn = Object.prototype.hasOwnProperty.call(this.local, method) ? this.local[method] : undefined;
    try {
      if (!fn) throw new Error(`No method ${method}.`);
      const value = await (fn as (...a: unknown[]) => unknown)(...args);
      this.post({ kind: 'reply', id, ok: true, value });
    } catch (err) {
      this.post({ kind: 'reply', id, ok: false, message: err instanceof Error ? err.message : String(err) });
    }
  }
}
