// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LockstepApi } from '../../../shared/api';
import { createTestBridge, makeTask, readTask, type TestBridge } from '../../../../test/renderer/bridge';
import { windowProviders } from '../../../../test/renderer/providers';
import { TeamView } from './TeamView';

/** The team view against the app's real handlers and store: what a person sees and what reaches the disk. */

// jsdom does no layout: give elements the size of a column on screen so the virtualized columns render cards.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 280 });
// Nor modal dialogs.
HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
  this.open = true;
};
HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
  this.open = false;
};

let bridge: TestBridge;
let messages: { text: string; error: boolean }[];

beforeEach(() => {
  bridge = createTestBridge('ana');
  messages = [];
});
afterEach(cleanup);

function renderTeam(api: LockstepApi = bridge.api, team = 'webapp') {
  return render(<TeamView team={team} agentName="ana" focusRequest={null} messagesOpen={null} onMessagesOpen={() => undefined} />, {
    wrapper: windowProviders(api, { onMessage: (text, error = false) => void messages.push({ text, error }) }),
  });
}

const card = (id: string) => screen.getByTestId(`task-card-${id}`);
const column = (status: string) => screen.getByTestId(`column-${status}`);

describe('TeamView', () => {
  it('shows the members, the four columns and each claim holder', async () => {
    renderTeam();
    await screen.findByTestId('board');
    expect(within(column('in_progress')).getByTestId('task-card-dd0eba2d').textContent).toContain('Design the signup API');
    expect(screen.getByTestId('lock-holder-dd0eba2d').textContent).toContain('backend');
    expect(within(column('completed')).getByTestId('task-card-fdbd3860')).toBeTruthy();
    for (const m of ['lead', 'frontend', 'backend', 'tester']) expect(screen.getByTestId(`member-${m}`)).toBeTruthy();
  });

  it('re-reads only the changed task when another process writes (no reload of the team)', async () => {
    renderTeam();
    await screen.findByTestId('task-card-087e245f');
    // The team's first loads (messages, costs, the stall radar's count) are done before the agent writes.
    await waitFor(() => expect(['getMessages', 'getCosts', 'doctor'].every((n) => bridge.calls.some((c) => c.name === n))).toBe(true));
    bridge.calls.length = 0;
    await bridge.agent('agent-9').claimTask('webapp', '087e245f', { agent: 'agent-9' });
    act(() => bridge.emit('tasksChanged', { team: 'webapp', ids: ['087e245f'], at: Date.now() }));
    await waitFor(() => expect(screen.getByTestId('lock-holder-087e245f').textContent).toContain('agent-9'));
    expect(within(column('in_progress')).getByTestId('task-card-087e245f')).toBeTruthy();
    expect(bridge.calls.map((c) => c.name)).toEqual(['getTasks']);
    expect(bridge.calls[0].input).toEqual({ team: 'webapp', ids: ['087e245f'] });
  });

  it('a task deleted elsewhere leaves the board; a file that turns corrupt becomes a warning card', async () => {
    renderTeam();
    await screen.findByTestId('task-card-087e245f');
    await bridge.agent('agent-9').deleteTask('webapp', '087e245f', {});
    const fs = await import('fs');
    fs.writeFileSync(`${bridge.dataDir}/tasks/webapp/task-797906f1.json`, '{"id": "797906f1", "subj');
    act(() => bridge.emit('tasksChanged', { team: 'webapp', ids: ['087e245f', '797906f1'], at: Date.now() }));
    await waitFor(() => expect(screen.queryByTestId('task-card-087e245f')).toBeNull());
    await waitFor(() => expect(screen.getByTestId('problem-card').textContent).toContain('task-797906f1.json'));
    expect(screen.queryByTestId('task-card-797906f1')).toBeNull();
  });

  it('a move refused because an agent holds the task says who, and the card snaps back to what is on disk', async () => {
    renderTeam();
    await screen.findByTestId('task-card-087e245f');
    await bridge.agent('agent-9').claimTask('webapp', '087e245f', { agent: 'agent-9' });
    act(() => bridge.emit('tasksChanged', { team: 'webapp', ids: ['087e245f'], at: Date.now() }));
    await waitFor(() => expect(within(column('in_progress')).getByTestId('task-card-087e245f')).toBeTruthy());
    const before = readTask(bridge.dataDir, 'webapp', '087e245f');

    fireEvent.click(card('087e245f'));
    const panel = await screen.findByTestId('detail-panel');
    fireEvent.change(within(panel).getByLabelText('Status'), { target: { value: 'completed' } });
    await waitFor(() => expect(messages.some((m) => m.error)).toBe(true));
    expect(messages.find((m) => m.error)?.text).toMatch(/^Locked by agent-9: /);
    await waitFor(() => expect(within(column('in_progress')).getByTestId('task-card-087e245f')).toBeTruthy());
    expect(within(column('completed')).queryByTestId('task-card-087e245f')).toBeNull();
    expect(readTask(bridge.dataDir, 'webapp', '087e245f')).toEqual(before);
  });

  it('an edit on a stale view becomes a conflict prompt naming who changed what; "keep theirs" writes nothing', async () => {
    renderTeam();
    await screen.findByTestId('task-card-087e245f');
    // An agent changes the task and the window has not heard of it yet.
    await bridge.agent('agent-3').updateTask('webapp', '087e245f', { priority: 'urgent' }, { agent: 'agent-3' });
    const before = readTask(bridge.dataDir, 'webapp', '087e245f');

    fireEvent.click(card('087e245f'));
    const panel = await screen.findByTestId('detail-panel');
    fireEvent.change(within(panel).getByLabelText('Owner'), { target: { value: 'tester' } });
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('agent-3 changed priority');
    expect(readTask(bridge.dataDir, 'webapp', '087e245f')).toEqual(before);
    // The board shows what is on disk now, not the optimistic owner.
    await waitFor(() => expect(card('087e245f').textContent).toContain('unassigned'));
    expect(card('087e245f').textContent).toContain('urgent');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep theirs' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(readTask(bridge.dataDir, 'webapp', '087e245f')).toEqual(before);
  });

  it('"apply mine" applies the edit on top of the other writer\'s change', async () => {
    renderTeam();
    await screen.findByTestId('task-card-087e245f');
    await bridge.agent('agent-3').updateTask('webapp', '087e245f', { priority: 'urgent' }, { agent: 'agent-3' });
    fireEvent.click(card('087e245f'));
    const panel = await screen.findByTestId('detail-panel');
    fireEvent.change(within(panel).getByLabelText('Owner'), { target: { value: 'tester' } });
    const dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Apply mine' }));
    await waitFor(() => expect(readTask(bridge.dataDir, 'webapp', '087e245f')).toMatchObject({ owner: 'tester', priority: 'urgent' }));
    await waitFor(() => expect(card('087e245f').textContent).toContain('@tester'));
  });

  it('text being edited survives a change by somebody else, and saving it asks first', async () => {
    renderTeam();
    await screen.findByTestId('task-card-087e245f');
    fireEvent.click(card('087e245f'));
    const panel = await screen.findByTestId('detail-panel');
    fireEvent.change(within(panel).getByLabelText('Subject'), { target: { value: 'Document the public API' } });
    await bridge.agent('agent-3').updateTask('webapp', '087e245f', { description: 'theirs' }, { agent: 'agent-3' });
    act(() => bridge.emit('tasksChanged', { team: 'webapp', ids: ['087e245f'], at: Date.now() }));
    await within(panel).findByTestId('changed-underneath');
    expect((within(panel).getByLabelText('Subject') as HTMLInputElement).value).toBe('Document the public API');
    fireEvent.click(within(panel).getByRole('button', { name: 'Save text' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('agent-3 changed description');
    expect(readTask(bridge.dataDir, 'webapp', '087e245f').subject).toBe('Document the API');
  });

  it('Escape closes the task panel, but not over text the person has not saved (it says so)', async () => {
    renderTeam();
    await screen.findByTestId('task-card-087e245f');
    fireEvent.click(card('087e245f'));
    const panel = await screen.findByTestId('detail-panel');
    fireEvent.change(within(panel).getByLabelText('Subject'), { target: { value: 'Half-typed' } });
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.getByTestId('detail-panel')).toBeTruthy();
    expect(messages.at(-1)).toEqual({ text: expect.stringContaining('not saved'), error: true });
    fireEvent.click(within(panel).getByRole('button', { name: 'Discard' }));
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('detail-panel')).toBeNull());
  });

  it('says the store is busy while a write waits for the team lock', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slowApi = new Proxy(bridge.api, {
        get(target, prop: string) {
          const value = (target as unknown as Record<string, unknown>)[prop];
          if (prop !== 'updateTask' || typeof value !== 'function') return value;
          return async (input: unknown) => {
            await gate;
            return (value as (i: unknown) => Promise<unknown>)(input);
          };
        },
      });
      renderTeam(slowApi);
      await screen.findByTestId('task-card-087e245f');
      fireEvent.click(card('087e245f'));
      const panel = await screen.findByTestId('detail-panel');
      fireEvent.change(within(panel).getByLabelText('Owner'), { target: { value: 'tester' } });
      await act(async () => void vi.advanceTimersByTime(1000));
      expect(messages.at(-1)?.text).toContain('the store is busy');
      release();
      await waitFor(() => expect(readTask(bridge.dataDir, 'webapp', '087e245f').owner).toBe('tester'));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a big team', () => {
  it('renders only the cards in view of a 10,000-task column', async () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => makeTask(i.toString(16).padStart(8, '0')));
    const config = { name: 'big', description: '', leadAgentId: '', createdAt: '', members: [], budgetCents: 0 };
    const api = new Proxy(bridge.api, {
      get(target, prop: string) {
        if (prop === 'getTeam') return async () => ({ ok: true, value: { config, tasks, problems: [] } });
        return (target as unknown as Record<string, unknown>)[prop];
      },
    });
    renderTeam(api, 'big');
    await screen.findByTestId('board');
    expect(within(column('pending')).getByText('10000')).toBeTruthy();
    const rendered = within(column('pending')).queryAllByTestId(/^task-card-/);
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(50);
  });
});
