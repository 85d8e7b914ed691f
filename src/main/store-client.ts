import { MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { BULK_PORT } from '../shared/bulk';
import * as path from 'path';
import type { ApiName, ApiResult } from '../shared/api';
import { StoreUnavailableError } from '../shared/errors';
import { Rpc, type RpcMessage } from './rpc';
import type { EffectiveSettings } from './settings';
import type { MainMethods, RunningAgent, StoreInit, StoreMethods } from './store-protocol';

/** Deaths within a minute after which the store process is not started again (something is badly wrong). */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export interface StoreClientOptions {
  init: StoreInit;
  /** What main answers for the store process (dialogs, notifications, safe storage, the theme). */
  main: MainMethods;
  /** An event for the window, its payload as JSON text. */
  onEvent(name: string, json: string): void;
  /** The store process stopped: why, in words; `restarting` when it is being started again. */
  onDeath(message: string, restarting: boolean): void;
  /** It is running again after a death, with these settings. */
  onRestart(settings: EffectiveSettings): void;
}

/**
 * Main's end of the store process (store-process.ts): starts it, relays calls to it, and when it dies fails the
 * calls waiting on it in words and starts it again (not more than MAX_RESTARTS times a minute).
 */
export class StoreClient {
  private child: UtilityProcess | null = null;
  private rpc: Rpc<StoreMethods> | null = null;
  private stopping = false;
  private deaths: number[] = [];
  private ready: Promise<EffectiveSettings> | null = null;
  /** The direct line the page holds (its generation; 0: none yet, or the store process it led to is gone). */
  private bulkGeneration = 0;
  private bulkOffered = 0;

  constructor(private readonly options: StoreClientOptions) {}

  /** Starts the store process; resolves with the settings in effect once the store is open. */
  start(): Promise<EffectiveSettings> {
    const child = utilityProcess.fork(path.join(__dirname, 'store.js'), [], { serviceName: 'Lockstep store', stdio: 'inherit' });
    const rpc = new Rpc<StoreMethods>((message) => child.postMessage(message), this.options.main, this.options.onEvent);
    child.on('message', (message: RpcMessage) => rpc.receive(message));
    child.once('exit', (code) => this.died(child, rpc, code));
    this.child = child;
    this.rpc = rpc;
    this.ready = rpc.call('start', this.options.init);
    return this.ready;
  }

  /** One call of the window, answered as the store process answered it (JSON text), or as an error value. */
  async invoke(name: ApiName, raw: unknown): Promise<string | ApiResult<never>> {
    try {
      if (!this.rpc || !this.ready) throw new Error('it is not running');
      await this.ready;
      return await this.rpc.call('invoke', name, raw, this.bulkGeneration);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return {
        ok: false,
        error: new StoreUnavailableError(
          `Lockstep's store process could not answer (${why}), so this was not done. Try again in a moment.`,
        ).toJSON(),
      };
    }
  }

  /** A new direct line between the store process and the page (`contents`), for big answers (shared/bulk.ts). */
  connectWindow(contents: WebContents): void {
    if (!this.child || contents.isDestroyed()) return;
    const generation = ++this.bulkOffered;
    this.bulkGeneration = 0; // until the page says it holds the new line
    const { port1, port2 } = new MessageChannelMain();
    this.child.postMessage({ kind: 'bulk-port', generation }, [port1]);
    contents.postMessage(BULK_PORT, { generation }, [port2]);
  }

  /** The page holds line `generation`: big answers may take it. */
  windowReady(generation: number): void {
    if (generation === this.bulkOffered) this.bulkGeneration = generation;
  }

  async runningAgents(timeoutMs: number): Promise<RunningAgent[]> {
    if (!this.rpc) return [];
    const timeout = new Promise<RunningAgent[]>((resolve) => setTimeout(() => resolve([]), timeoutMs).unref());
    return Promise.race([this.rpc.call('runningAgents').catch(() => []), timeout]);
  }

  async stopAgents(running: RunningAgent[]): Promise<void> {
    await this.rpc?.call('stopAgents', running).catch(() => undefined);
  }

  /** Before quitting: the store closes its connections (a moment at most), then the process ends. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const child = this.child;
    const closed = this.rpc?.call('close').catch(() => undefined);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    child?.kill();
  }

  private died(child: UtilityProcess, rpc: Rpc<StoreMethods>, code: number): void {
    if (this.child === child) {
      this.bulkGeneration = 0;
      this.child = null;
      this.rpc = null;
      this.ready = null;
    }
    const reason = `Lockstep's store process stopped (exit code ${code})`;
    rpc.failAll(new Error(reason.replace("Lockstep's store process stopped", 'it stopped')));
    if (this.stopping) return;
    const now = Date.now();
    this.deaths = [...this.deaths.filter((t) => now - t < RESTART_WINDOW_MS), now];
    const restarting = this.deaths.length <= MAX_RESTARTS;
    this.options.onDeath(
      restarting
        ? `${reason}; it is starting again. Changes being made at that moment may not have been saved: check them.`
        : `${reason} ${this.deaths.length} times within a minute, so it is not started again. Quit Lockstep and open it again.`,
      restarting,
    );
    if (!restarting) return;
    this.start().then(
      (settings) => this.options.onRestart(settings),
      () => undefined, // its death is reported by the exit handler
    );
  }
}
