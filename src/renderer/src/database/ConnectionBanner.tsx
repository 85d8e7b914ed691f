import { useEffect, useState } from 'react';
import type { ApiOutput } from '../../../shared/api';
import { useBridge } from '../state/api-context';

type Connection = ApiOutput<'getConnection'>;

/** Whether the database is reachable: asked once, then kept up to date by main's connectionChanged events. */
export function useConnection(): Connection | null {
  const api = useBridge();
  const [connection, setConnection] = useState<Connection | null>(null);
  useEffect(() => {
    let live = true;
    const off = api.on('connectionChanged', (c) => setConnection(c));
    void api.getConnection({}).then((r) => {
      if (live && r.ok) setConnection((c) => c ?? r.value);
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return connection;
}

/** The banner shown while the database is away; it goes by itself when the connection is back. */
export function ConnectionBanner({ connection }: { connection: Connection | null }) {
  if (!connection || connection.state !== 'unavailable') return null;
  return (
    <div className="connection-banner" role="alert" data-testid="connection-banner">
      <strong>Lost the connection to the database at {connection.label} — retrying…</strong>
      <span>Changes cannot be saved until it is back; the board shows what it last read.</span>
    </div>
  );
}
