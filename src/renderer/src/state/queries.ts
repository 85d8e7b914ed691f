import { QueryClient } from '@tanstack/react-query';

/**
 * The window's reads are TanStack Query's cache: read once, then kept current by main's change events (each hook
 * that reads also listens, and updates or invalidates its entries) — never by a timer or by focusing the window.
 * A failure is said at once (no retries); an entry nobody shows is dropped, so a team opened again is read again.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: false,
        staleTime: Infinity,
        gcTime: 0,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // The bridge is IPC, not the network: navigator.onLine has no say.
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}

/** Every cache entry's key, in one place. */
export const keys = {
  settings: ['settings'] as const,
  teams: ['teams'] as const,
  team: (team: string) => ['team', team] as const,
  messages: (team: string) => ['messages', team] as const,
  costs: (team: string) => ['costs', team] as const,
  requests: (team: string) => ['requests', team] as const,
  allRequests: ['requests'] as const,
  agents: (team: string) => ['agents', team] as const,
  findings: (team: string) => ['findings', team] as const,
};
