// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import * as fs from 'fs';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBridge, type TestBridge } from '../../../../test/renderer/bridge';
import { call } from '../api';
import { useUndoStack } from '../state/useUndoStack';
import { useActivity } from './useActivity';

/** The activity view on the app's real handlers and store over a temp copy of ClawTeam's fixture. */

let bridge: TestBridge;

beforeEach(() => {
  bridge = createTestBridge('ana');
});
afterEach(() => {
  cleanup();
  fs.rmSync(bridge.dataDir, { recursive: true, force: true });
});

describe('useActivity', () => {
  it("shows the window's own stall radar fix that touched no task file, without waiting for another change", async () => {
    // A temp file a killed writer left an hour ago: the radar offers to remove it (no task file changes).
    const temp = path.join(bridge.dataDir, 'tasks', 'webapp', 'task-087e245f.json.1a2b3c4d');
    fs.writeFileSync(temp, '{"half": ');
    const hourAgo = new Date(Date.now() - 3_600_000);
    fs.utimesSync(temp, hourAgo, hourAgo);

    const { result } = renderHook(() => {
      const activity = useActivity(bridge.api, ['webapp'], 'webapp');
      const undo = useUndoStack(bridge.api, {
        team: 'webapp',
        onMessage: () => undefined,
        onJournaled: (teams) => teams.forEach(activity.follow),
      });
      return { activity, undo };
    });
    await waitFor(() => expect(bridge.calls.some((c) => c.name === 'activity')).toBe(true));

    const { findings } = await call(bridge.api, 'doctor', { team: 'webapp' });
    const finding = findings.find((f) => f.kind === 'temp-file');
    expect(finding?.id).toBe('temp-file:task-087e245f.json.1a2b3c4d');
    await act(() => call(result.current.undo.api, 'fixFinding', { team: 'webapp', findingId: finding!.id }));

    expect(fs.existsSync(temp)).toBe(false);
    await waitFor(() =>
      expect(result.current.activity.rows.map((r) => r.text)).toContain(
        'removed a leftover temp file, task-087e245f.json.1a2b3c4d (stall radar)',
      ),
    );
  });

  it('lists each past line once after the team is renamed (the journal moves with the team)', async () => {
    await call(bridge.api, 'updateTask', { team: 'webapp', id: '087e245f', patch: { subject: 'Renamed subject' } });
    const { result, rerender } = renderHook(({ teams }) => useActivity(bridge.api, teams, teams[0]), {
      initialProps: { teams: ['webapp', 'research'] },
    });
    await waitFor(() => expect(result.current.rows.length).toBeGreaterThan(0));
    const before = result.current.rows.length;

    await call(bridge.api, 'renameTeam', { team: 'webapp', newName: 'webshop' });
    rerender({ teams: ['webshop', 'research'] });
    await waitFor(() => expect(result.current.rows.some((r) => r.team === 'webshop')).toBe(true));
    // The rename itself is one more line; nothing else is listed twice, and no line is left under the old name.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(result.current.rows.filter((r) => r.team === 'webapp')).toEqual([]);
    expect(result.current.rows.length).toBeLessThanOrEqual(before + 1);
    const keys = result.current.rows.map((r) => `${r.team}:${r.seq}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
