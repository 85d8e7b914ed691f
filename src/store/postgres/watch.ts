import type { Client } from 'pg';
import { pgLib } from './pg-lib';
import { CHANGES_CHANNEL, sleep } from './connection';

/** What a NOTIFY says: the team, its journal number, and for a message or cost change its kind. */
export interface ChangeNotice {
  team: string;
  seq: number;
  kind?: 'messages' | 'costs';
}

/**
 * Calls `onChange` for every change committed by anybody, on any machine, through LISTEN/NOTIFY on a connection of
 * its own. When that connection drops, `onStatus('unavailable', reason)` is called and it reconnects with back-off;
 * once back, `onStatus('connected')` and `onChange({ team: '*' })`, since changes made meanwhile were not heard
 * (re-read everything). Returns at once (listening starts in the background: `onStatus('connected')` says when) a
 * function that stops listening.
 */
export async function watchChanges(
  url: string,
  onChange: (change: ChangeNotice) => void,
  onStatus: (status: 'connected' | 'unavailable', reason?: string) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: Client | null = null;
  let delay = 100;
  let wasDown = false;
  const connect = async (): Promise<void> => {
    while (!stopped) {
      const c = new (pgLib().Client)({
        connectionString: url,
        application_name: 'lockstep-listen',
        connectionTimeoutMillis: 10_000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query(`LISTEN ${CHANGES_CHANNEL}`);
      } catch (err) {
        await c.end().catch(() => undefined);
        if (!wasDown) onStatus('unavailable', (err as Error).message);
        wasDown = true;
        await sleep(delay);
        delay = Math.min(delay * 2, 5_000);
        continue;
      }
      if (stopped) {
        await c.end().catch(() => undefined);
        return;
      }
      client = c;
      delay = 100;
      c.on('notification', (n) => {
        try {
          const payload = JSON.parse(n.payload ?? '{}') as { team?: string; seq?: number; kind?: string };
          if (typeof payload.team !== 'string') return;
          const kind = payload.kind === 'messages' || payload.kind === 'costs' ? payload.kind : undefined;
          onChange(
            kind ? { team: payload.team, seq: Number(payload.seq ?? 0), kind } : { team: payload.team, seq: Number(payload.seq ?? 0) },
          );
        } catch {
          // not ours
        }
      });
      c.on('end', () => {
        if (stopped) return;
        client = null;
        wasDown = true;
        onStatus('unavailable', 'the connection to the database was lost');
        void connect();
      });
      onStatus('connected');
      if (wasDown) onChange({ team: '*', seq: 0 });
      wasDown = false;
      return;
    }
  };
  void connect();
  return async () => {
    stopped = true;
    const c = client as Client | null;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
