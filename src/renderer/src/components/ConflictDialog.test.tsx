// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestBridge, readTask, type TestBridge } from '../../../../test/renderer/bridge';
import { windowProviders } from '../../../../test/renderer/providers';
import { TeamView } from './TeamView';

/** The conflict question shows mine beside theirs, and Keep theirs never throws my typing away. */

Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 280 });
HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
  this.open = false;
};

let bridge: TestBridge;
let messages: string[];
let clipboard: string[];

beforeEach(() => {
  bridge = createTestBridge('ana');
  messages = [];
  clipboard = [];
  Object.defineProperty(navigator, 'clipboard', {
    configurable: true,
    value: { writeText: vi.fn(async (text: string) => void clipboard.push(text)) },
  });
});
afterEach(cleanup);

async function conflictOnDescription() {
  render(<TeamView team="webapp" agentName="ana" focusRequest={null} messagesOpen={null} onMessagesOpen={() => undefined} />, {
    wrapper: windowProviders(bridge.api, { onMessage: (text) => void messages.push(text) }),
  });
  fireEvent.click(await screen.findByTestId('task-card-087e245f'));
  const panel = await screen.findByTestId('detail-panel');
  fireEvent.change(within(panel).getByLabelText('Description'), { target: { value: 'Write the REST reference with examples' } });
  // An agent changes the description meanwhile.
  await bridge.agent('agent-3').updateTask('webapp', '087e245f', { description: 'Write the GraphQL reference' }, { agent: 'agent-3' });
  fireEvent.click(within(panel).getByRole('button', { name: 'Save text' }));
  return screen.findByRole('dialog');
}

describe('ConflictDialog', () => {
  it('shows my text beside theirs with the differing words marked', async () => {
    const dialog = await conflictOnDescription();
    const mine = within(dialog).getByTestId('conflict-mine-description');
    const theirs = within(dialog).getByTestId('conflict-theirs-description');
    expect(mine.textContent).toContain('Write the REST reference with examples');
    expect(theirs.textContent).toContain('Write the GraphQL reference');
    expect([...mine.querySelectorAll('ins')].map((e) => e.textContent)).toEqual(['REST', ' with examples']);
    expect([...theirs.querySelectorAll('del')].map((e) => e.textContent)).toEqual(['GraphQL']);
    // Both sides can be reached by keyboard (to scroll a long text).
    expect(mine.tabIndex).toBe(0);
    expect(within(dialog).getByTestId('conflict-keep-note').textContent).toContain('clipboard');
  });

  it('Keep theirs keeps their text on disk and my text on the clipboard and in the panel, with Copy', async () => {
    const dialog = await conflictOnDescription();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep theirs' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(readTask(bridge.dataDir, 'webapp', '087e245f').description).toBe('Write the GraphQL reference');
    expect(clipboard).toEqual(['Write the REST reference with examples']);
    const box = await screen.findByTestId('discarded-text');
    expect(within(box).getByLabelText('Your discarded text')).toHaveProperty('value', 'Write the REST reference with examples');
    expect(messages.some((m) => m.includes('Your discarded text'))).toBe(true);
    fireEvent.click(within(box).getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(clipboard).toHaveLength(2));
    fireEvent.click(within(box).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('discarded-text')).toBeNull();
  });

  it('Apply mine saves my text over theirs', async () => {
    const dialog = await conflictOnDescription();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply mine' }));
    await waitFor(() => expect(readTask(bridge.dataDir, 'webapp', '087e245f').description).toBe('Write the REST reference with examples'));
  });
});
