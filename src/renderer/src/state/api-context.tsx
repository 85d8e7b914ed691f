import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { LockstepApi } from '../../../shared/api';

interface Apis {
  /** Every write of the window goes through it: the undo stack records the changes the window journaled. */
  api: LockstepApi;
  /** window.lockstep itself: for what must not land on the undo stack (a sent answer cannot be taken back). */
  bridge: LockstepApi;
}

const ApiContext = createContext<Apis | null>(null);

/** The window's way to main, for every component below it (instead of an `api` prop handed down). */
export function ApiProvider({ api, bridge, children }: Apis & { children: ReactNode }) {
  const value = useMemo(() => ({ api, bridge }), [api, bridge]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

function useApis(): Apis {
  const apis = useContext(ApiContext);
  if (!apis) throw new Error('No ApiProvider above this component.');
  return apis;
}

/** The API that records the window's own changes for Undo. */
export const useApi = (): LockstepApi => useApis().api;
/** The bridge as main exposes it (nothing recorded for Undo). */
export const useBridge = (): LockstepApi => useApis().bridge;
