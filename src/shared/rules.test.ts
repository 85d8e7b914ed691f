import { describe, expect, it } from 'vitest';
import type { Task } from './domain';
import { moveRefusal, unfinishedBlockers } from './rules';
import { formatTimestamp } from './time';

const NOW = Date.parse('2026-01-01T12:00:00Z') * 1000;

function task(id: string, patch: Partial<Task> = {}): Task {
  return {
    id,
    subject: `Task ${id}`,
    description: '',
    status: 'pending',
    priority: 'medium',
    owner: '',
    lockedBy: '',
    lockedAt: '',
    blocks: [],
    blockedBy: [],
    startedAt: '',
    createdAt: '',
    updatedAt: '',
    metadata: {},
    ...patch,
  };
}

describe('moveRefusal (what the board shows while dragging, and the store enforces)', () => {
  const design = task('aaaaaaaa', {
    subject: 'Design the API',
    status: 'in_progress',
    lockedBy: 'backend',
    lockedAt: formatTimestamp(NOW - 60e6),
  });
  const done = task('bbbbbbbb', { status: 'completed' });
  const all = new Map([design, done].map((t) => [t.id, t]));
  const lookup = (id: string) => all.get(id);

  it('refuses starting or completing a task that waits for unfinished tasks, naming them; a finished or missing blocker does not count', () => {
    const waiting = task('cccccccc', { status: 'blocked', blockedBy: ['aaaaaaaa', 'bbbbbbbb', 'deadbeef'] });
    expect(unfinishedBlockers(waiting, lookup).map((t) => t.id)).toEqual(['aaaaaaaa']);
    expect(moveRefusal(waiting, 'completed', 'ana', lookup, NOW)).toBe('It waits for "Design the API" (in progress): finish that first');
    expect(moveRefusal(waiting, 'in_progress', 'ana', lookup, NOW)).toContain('waits for "Design the API"');
    expect(moveRefusal(waiting, 'pending', 'ana', lookup, NOW)).toBeNull();
    expect(moveRefusal(task('dddddddd', { blockedBy: ['bbbbbbbb'] }), 'completed', 'ana', lookup, NOW)).toBeNull();
  });

  it("refuses moving somebody else's claimed task, but not one's own, and lets a claim whose lease ran out be taken", () => {
    expect(moveRefusal(design, 'pending', 'ana', lookup, NOW)).toBe('Locked by backend: force-release the claim from the task panel first');
    expect(moveRefusal(design, 'completed', 'backend', lookup, NOW)).toBeNull();
    const at = formatTimestamp(NOW - 600e6);
    const lapsed = task('eeeeeeee', {
      status: 'pending',
      lockedBy: 'bot',
      lockedAt: at,
      metadata: { lockstep: { claim: { agent: 'bot', at, token: 1, leaseUntil: formatTimestamp(NOW - 1e6) } } },
    });
    expect(moveRefusal(lapsed, 'in_progress', 'ana', lookup, NOW)).toBeNull();
    expect(moveRefusal(lapsed, 'completed', 'ana', lookup, NOW)).toContain('Locked by bot');
    const live = { ...lapsed, metadata: { lockstep: { claim: { agent: 'bot', at, token: 1, leaseUntil: formatTimestamp(NOW + 60e6) } } } };
    expect(moveRefusal(live, 'in_progress', 'ana', lookup, NOW)).toContain('Locked by bot');
  });

  it('refuses claiming a completed task; staying in place is no move', () => {
    expect(moveRefusal(done, 'in_progress', 'ana', lookup, NOW)).toBe('It is already completed: move it to Pending first');
    expect(moveRefusal(done, 'completed', 'ana', lookup, NOW)).toBeNull();
  });
});
