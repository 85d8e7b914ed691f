// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import * as fs from 'fs';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBridge, type TestBridge } from '../../../../test/renderer/bridge';
import { windowProviders } from '../../../../test/renderer/providers';
import { useTeams } from './useTeams';

/** The sidebar's team list on the app's real handlers and store over a temp folder. */

let bridge: TestBridge;
let failures: unknown[];
// Stable, as the window's are (a new function each render would read the list again each render).
const onMessage = () => undefined;
const fail = (err: unknown) => failures.push(err);

beforeEach(() => {
  bridge = createTestBridge('ana');
  failures = [];
});
afterEach(() => {
  cleanup();
  fs.rmSync(bridge.dataDir, { recursive: true, force: true });
});

function mount() {
  return renderHook(() => useTeams(useState<string | null>(null)), { wrapper: windowProviders(bridge.api, { onMessage, fail }) });
}

const listReads = () => bridge.calls.filter((c) => c.name === 'listTeams').length;
const countsOf = (teams: ReturnType<typeof mount>['result']['current']['teams'], name: string) =>
  teams?.find((t) => t.name === name)?.counts;

describe('useTeams', () => {
  it("a task moved elsewhere updates that team's counts from the event, without reading every team again", async () => {
    const { result } = mount();
    await waitFor(() => expect(result.current.teams).not.toBeNull());
    const reads = listReads();
    await bridge.agent('agent-7').claimTask('webapp', '087e245f', { agent: 'agent-7' });
    const counts = (await bridge.store.listTeams()).teams.find((t) => t.name === 'webapp')?.counts;
    expect(countsOf(result.current.teams, 'webapp')).not.toEqual(counts);

    act(() => bridge.emit('countsChanged', { team: 'webapp', counts: counts as NonNullable<typeof counts>, at: Date.now() }));
    // The cache tells its readers on the next tick.
    await waitFor(() => expect(countsOf(result.current.teams, 'webapp')).toEqual(counts));
    expect(listReads()).toBe(reads);
    expect(failures).toEqual([]);
  });

  it('counts that arrive while the list is being read are not undone by the (older) list', async () => {
    const { result } = mount();
    await waitFor(() => expect(result.current.teams).not.toBeNull());
    const newer = { pending: 9, in_progress: 9, completed: 9, blocked: 9 };
    await act(async () => {
      const reading = result.current.loadTeams();
      bridge.emit('countsChanged', { team: 'webapp', counts: newer, at: Date.now() });
      await reading;
    });
    expect(countsOf(result.current.teams, 'webapp')).toEqual(newer);
  });
});
