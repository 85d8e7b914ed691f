// @vitest-environment jsdom
import { act, cleanup, fireEvent, renderHook, waitFor } from '@testing-library/react';
import * as fs from 'fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestBridge, readTask, type TestBridge } from '../../../../test/renderer/bridge';
import { call } from '../api';
import { useUndoStack } from './useUndoStack';

/** The window's undo stack on the app's real handlers and store over a temp folder. */

let bridge: TestBridge;
let messages: { text: string; error: boolean }[];

beforeEach(() => {
  bridge = createTestBridge('ana');
  messages = [];
});
afterEach(() => {
  cleanup();
  fs.rmSync(bridge.dataDir, { recursive: true, force: true });
});

function mount(team = 'webapp') {
  return renderHook(() => useUndoStack(bridge.api, { team, onMessage: (text, error = false) => messages.push({ text, error }) }));
}

const priority = (id: string) => readTask(bridge.dataDir, 'webapp', id).priority;

describe('useUndoStack', () => {
  it("records the window's writes; Ctrl+Z undoes them newest first, Ctrl+Shift+Z and Ctrl+Y redo", async () => {
    const { result } = mount();
    const before = { a: priority('087e245f'), b: priority('797906f1') };
    await act(() => call(result.current.api, 'updateTask', { team: 'webapp', id: '087e245f', patch: { priority: 'urgent' } }));
    await act(() => call(result.current.api, 'updateTask', { team: 'webapp', id: '797906f1', patch: { priority: 'low' } }));
    expect(result.current.nextUndo?.label).toBe('changed the priority of "Build the signup form" to low');

    await act(async () => void fireEvent.keyDown(window, { key: 'z', ctrlKey: true }));
    await waitFor(() => expect(priority('797906f1')).toBe(before.b));
    await act(async () => void fireEvent.keyDown(window, { key: 'z', ctrlKey: true }));
    await waitFor(() => expect(priority('087e245f')).toBe(before.a));
    expect(messages.map((m) => m.text)).toEqual([
      'Undid your last change: changed the priority of "Build the signup form" to low.',
      'Undid your last change: changed the priority of "Document the API" to urgent.',
    ]);

    await act(async () => void fireEvent.keyDown(window, { key: 'Z', ctrlKey: true, shiftKey: true }));
    await waitFor(() => expect(priority('087e245f')).toBe('urgent'));
    await act(async () => void fireEvent.keyDown(window, { key: 'y', ctrlKey: true }));
    await waitFor(() => expect(priority('797906f1')).toBe('low'));
    expect(result.current.nextRedo).toBeUndefined();
  });

  it('a refused step names the agent in words and leaves; the step before it still undoes', async () => {
    const { result } = mount();
    const before = priority('797906f1');
    await act(() => call(result.current.api, 'updateTask', { team: 'webapp', id: '797906f1', patch: { priority: 'urgent' } }));
    await act(() => call(result.current.api, 'updateTask', { team: 'webapp', id: '087e245f', patch: { priority: 'high' } }));
    await bridge.agent('agent-3').claimTask('webapp', '087e245f', { agent: 'agent-3' });

    await act(() => result.current.undo());
    expect(messages.at(-1)).toEqual({
      error: true,
      text: expect.stringMatching(
        /^Could not undo your change \(changed the priority of "Document the API" to high\): agent-3 claimed "Document the API" (just now|\d+ s ago), after your change; nothing was undone\.$/,
      ),
    });
    expect(readTask(bridge.dataDir, 'webapp', '087e245f')).toMatchObject({ priority: 'high', lockedBy: 'agent-3' });
    await act(() => result.current.undo());
    expect(priority('797906f1')).toBe(before);
    expect(messages.at(-1)?.error).toBe(false);
  });

  it('five quick Ctrl+Z presses undo five steps, one after another', async () => {
    const { result } = mount();
    const before = priority('087e245f');
    for (const p of ['low', 'high', 'urgent', 'low', 'high'] as const) {
      await act(() => call(result.current.api, 'updateTask', { team: 'webapp', id: '087e245f', patch: { priority: p } }));
    }
    await act(async () => {
      for (let i = 0; i < 5; i++) fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    });
    await waitFor(() => expect(bridge.calls.filter((c) => c.name === 'undo')).toHaveLength(5));
    await waitFor(() => expect(messages.filter((m) => !m.error)).toHaveLength(5));
    expect(messages.filter((m) => m.error)).toEqual([]);
    expect(priority('087e245f')).toBe(before);
  });

  it('leaves Ctrl+Z to a text field being typed in', async () => {
    const { result } = mount();
    await act(() => call(result.current.api, 'updateTask', { team: 'webapp', id: '087e245f', patch: { priority: 'urgent' } }));
    const input = document.createElement('input');
    document.body.appendChild(input);
    await act(async () => void fireEvent.keyDown(input, { key: 'z', ctrlKey: true }));
    expect(priority('087e245f')).toBe('urgent');
    expect(bridge.calls.some((c) => c.name === 'undo')).toBe(false);
    input.remove();
  });

  it('Edit › Undo from the menu undoes the last change', async () => {
    const { result } = mount();
    await act(() => call(result.current.api, 'removeMember', { team: 'webapp', name: 'tester' }));
    act(() => bridge.emit('menuCommand', { command: 'undo' }));
    await waitFor(() => expect(fs.readFileSync(`${bridge.dataDir}/teams/webapp/config.json`, 'utf8')).toContain('"tester"'));
    expect(messages.at(-1)?.text).toBe('Undid your last change: removed tester from team webapp.');
  });
});
