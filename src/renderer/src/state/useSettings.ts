import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { ApiOutput } from '../../../shared/api';
import { call } from '../api';
import { useApi } from './api-context';
import { useNotices } from './messages';
import { keys } from './queries';

export type Settings = ApiOutput<'getSettings'>;
export type Appearance = { activityOpen?: boolean; activityHeight?: number; messagesOpen?: boolean; theme?: Settings['theme'] };

/** The app's settings: one query every part of the window reads; a call that answers with new settings replaces them. */
export function useSettings() {
  const api = useApi();
  const { fail } = useNotices();
  const client = useQueryClient();
  const { data } = useQuery({
    queryKey: keys.settings,
    queryFn: async () => {
      try {
        return await call(api, 'getSettings', {});
      } catch (err) {
        fail(err);
        throw err;
      }
    },
  });
  const setSettings = useCallback((s: Settings) => client.setQueryData(keys.settings, s), [client]);
  const setAppearance = useCallback(
    (patch: Appearance) => void call(api, 'setAppearance', patch).then(setSettings).catch(fail),
    [api, fail, setSettings],
  );
  return { settings: data ?? null, setSettings, setAppearance };
}
