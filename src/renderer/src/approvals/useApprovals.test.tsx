// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, renderHook, screen, waitFor } from '@testing-library/react';
import * as fs from 'fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBridge, type TestBridge } from '../../../../test/renderer/bridge';
import { windowProviders } from '../../../../test/renderer/providers';
import { RequestCard } from './RequestCard';
import { useApprovals } from './useApprovals';

/** The approvals list and one request card on the app's real handlers and store (a temp copy of ClawTeam's fixture). */

let bridge: TestBridge;
beforeEach(() => {
  bridge = createTestBridge('ana');
});
afterEach(() => {
  cleanup();
  fs.rmSync(bridge.dataDir, { recursive: true, force: true });
});

const historyIds = async () => (await bridge.store.messages.readHistory('webapp', { limit: 10_000 })).records.map((r) => r.id);

describe('useApprovals', () => {
  it('counts open requests and reads the list again only when a request, an answer or an idle notice lands', async () => {
    const { result } = renderHook(() => useApprovals(['webapp', 'research']), { wrapper: windowProviders(bridge.api) });
    await waitFor(() => expect(Object.keys(result.current.lists).sort()).toEqual(['research', 'webapp']));
    expect(result.current.openCount).toBe(0);
    const reads = () => bridge.calls.filter((c) => c.name === 'listRequests').length;
    const before = reads();

    // A chat message is no reason to read the requests again.
    bridge.agent('frontend').messages.send('webapp', { from: 'frontend', to: 'lead', content: 'hello' });
    await act(async () => bridge.emit('messagesChanged', { team: 'webapp', ids: await historyIds(), at: Date.now() }));
    await waitFor(() => expect(bridge.calls.filter((c) => c.name === 'getMessagesByIds')).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(reads()).toBe(before);

    await bridge.agent('frontend').requests.submitPlan('webapp', { agent: 'frontend', content: 'plan' });
    await act(async () => bridge.emit('messagesChanged', { team: 'webapp', ids: await historyIds(), at: Date.now() }));
    await waitFor(() => expect(result.current.openCount).toBe(1));
    expect(reads()).toBe(before + 1);
  });
});

describe('RequestCard', () => {
  it('refuses to reject without feedback (nothing sent) and asks before approving a shutdown', async () => {
    const asked = await bridge.agent('lead').requests.requestShutdown('webapp', { from: 'lead', to: 'backend', reason: 'done' });
    const done: Array<string | null> = [];
    render(<RequestCard team="webapp" request={asked} as="backend" onDone={(late) => done.push(late)} />, {
      wrapper: windowProviders(bridge.api),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Reject' }));
    expect(screen.getByRole('alert').textContent).toBe('Write why you reject it: the reason goes to lead.');
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    expect(screen.getByText('backend shuts down: approve?')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'answerRequest')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Yes, approve shutdown' }));
    await waitFor(() => expect(done).toEqual([null]));
    expect(bridge.calls.filter((c) => c.name === 'answerRequest')).toMatchObject([{ input: { as: 'backend', approve: true } }]);
  });
});
