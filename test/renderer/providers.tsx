import { QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { LockstepApi } from '../../src/shared/api';
import { describeFailure } from '../../src/renderer/src/api';
import { ApiProvider } from '../../src/renderer/src/state/api-context';
import { NoticesProvider, type OnMessage } from '../../src/renderer/src/state/messages';
import { createQueryClient } from '../../src/renderer/src/state/queries';

/**
 * What the window's root gives every component (App.tsx): a fresh query cache, the API (here the bridge itself,
 * nothing recorded for Undo) and the message line's reporter — for render() and renderHook() as `wrapper`.
 */
export function windowProviders(api: LockstepApi, notices: { onMessage?: OnMessage; fail?(err: unknown): void } = {}) {
  const client = createQueryClient();
  const onMessage: OnMessage = notices.onMessage ?? (() => undefined);
  const fail = notices.fail ?? ((err: unknown) => onMessage(describeFailure(err), true));
  return function Providers({ children }: { children: ReactNode }) {
    return (
      <QueryClientProvider client={client}>
        <ApiProvider api={api} bridge={api}>
          <NoticesProvider onMessage={onMessage} fail={fail}>
            {children}
          </NoticesProvider>
        </ApiProvider>
      </QueryClientProvider>
    );
  };
}
