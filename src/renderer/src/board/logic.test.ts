import { KeyboardCode } from '@dnd-kit/core';
import { describe, expect, it } from 'vitest';
import { makeTask } from '../../../../test/renderer/bridge';
import { jumpBetweenTargets } from './keyboard';
import { claimView, groupByStatus, leaseLabel, matchesFilter, memberStats } from './logic';

const task = makeTask;

describe('board logic', () => {
  it('groups by status, most urgent first, then oldest', () => {
    const groups = groupByStatus([
      task('00000001', { priority: 'low' }),
      task('00000002', { priority: 'urgent', createdAt: '2026-01-02T00:00:00.000000+00:00' }),
      task('00000003', { priority: 'urgent', createdAt: '2026-01-01T00:00:00.000000+00:00' }),
      task('00000004', { status: 'completed' }),
    ]);
    expect(groups.pending.map((t) => t.id)).toEqual(['00000003', '00000002', '00000001']);
    expect(groups.completed.map((t) => t.id)).toEqual(['00000004']);
    expect(groups.in_progress).toEqual([]);
  });

  it('filters by text, owner or holder, status and priority', () => {
    const t = task('0000000a', { subject: 'Write the docs', owner: 'ana', lockedBy: 'bot-1', status: 'in_progress', priority: 'high' });
    const none = { text: '', owner: '', statuses: [], priorities: [] };
    expect(matchesFilter(t, { ...none, text: 'DOCS' })).toBe(true);
    expect(matchesFilter(t, { ...none, text: 'tests' })).toBe(false);
    expect(matchesFilter(t, { ...none, owner: 'ana' })).toBe(true);
    expect(matchesFilter(t, { ...none, owner: 'bot-1' })).toBe(true);
    expect(matchesFilter(t, { ...none, owner: 'bob' })).toBe(false);
    expect(matchesFilter(t, { ...none, statuses: ['pending', 'blocked'] })).toBe(false);
    expect(matchesFilter(t, { ...none, priorities: ['high'] })).toBe(true);
  });

  it('counts what each member owns (open tasks) and holds', () => {
    const stats = memberStats([
      task('00000001', { owner: 'ana' }),
      task('00000002', { owner: 'ana', status: 'completed' }),
      task('00000003', { owner: 'bob', lockedBy: 'ana', status: 'in_progress' }),
    ]);
    expect(stats.get('ana')).toEqual({ owned: 1, held: 1 });
    expect(stats.get('bob')).toEqual({ owned: 1, held: 0 });
  });

  it('shows a lease only while the claim record belongs to the current holder', () => {
    const lockedAt = '2026-01-01T10:00:00.000000+00:00';
    const now = Date.parse('2026-01-01T10:02:00Z');
    const claim = { agent: 'bot-1', at: lockedAt, token: 4, leaseUntil: '2026-01-01T10:05:00.000000+00:00' };
    const held = task('00000001', { lockedBy: 'bot-1', lockedAt, metadata: { lockstep: { fence: 4, claim } } });
    expect(claimView(held, now)).toMatchObject({
      holder: 'bot-1',
      age: '2 min ago',
      token: 4,
      leaseUntilMs: Date.parse('2026-01-01T10:05:00Z'),
    });
    // ClawTeam re-claimed it (its own lockedBy/lockedAt) and kept our metadata: the old lease is not this claim's.
    const reclaimed = { ...held, lockedBy: 'py-agent', lockedAt: '2026-01-01T10:01:00.000000+00:00' };
    expect(claimView(reclaimed, now)).toMatchObject({ holder: 'py-agent' });
    expect(claimView(reclaimed, now)?.leaseUntilMs).toBeUndefined();
    expect(claimView(task('00000002'), now)).toBeNull();
  });

  it('labels a lease countdown and an expired lease', () => {
    const until = Date.parse('2026-01-01T10:05:00Z');
    expect(leaseLabel(until, until - 299_000)).toBe('4:59 left to finish');
    expect(leaseLabel(until, until - 5_000)).toBe('0:05 left to finish');
    expect(leaseLabel(until, until + 12_000)).toMatch(/^time ran out 12 s ago$/);
  });
});

describe('keyboard dragging', () => {
  const rect = (left: number, top: number) => ({ left, top, width: 100, height: 50, right: left + 100, bottom: top + 50 });
  const rects = new Map<string, ReturnType<typeof rect>>([
    ['member:ana', rect(0, 0)],
    ['member:bob', rect(200, 0)],
    ['column:pending', rect(0, 200)],
    ['column:in_progress', rect(300, 200)],
    ['column:completed', rect(600, 200)],
  ]);
  const move = (code: string, over: string) => {
    const event = { code, preventDefault: () => undefined } as unknown as KeyboardEvent;
    const context = {
      collisionRect: rect(0, 200),
      droppableRects: rects,
      droppableContainers: { getEnabled: () => [...rects.keys()].map((id) => ({ id })) },
      over: { id: over },
    };
    const to = jumpBetweenTargets(event, { context, active: 'task:1', currentCoordinates: { x: 0, y: 0 } } as never);
    if (!to) return undefined;
    return [...rects].find(([, r]) => r.left + 50 - 50 === to.x && r.top + 25 - 25 === to.y)?.[0];
  };

  it('jumps between drop targets: right/left along a row (wrapping), up to the nearest member, down to the nearest column', () => {
    expect(move(KeyboardCode.Right, 'column:pending')).toBe('column:in_progress');
    expect(move(KeyboardCode.Left, 'column:pending')).toBe('column:completed');
    expect(move(KeyboardCode.Up, 'column:in_progress')).toBe('member:bob');
    expect(move(KeyboardCode.Up, 'column:pending')).toBe('member:ana');
    expect(move(KeyboardCode.Down, 'member:bob')).toBe('column:in_progress');
    expect(move(KeyboardCode.Right, 'member:bob')).toBe('member:ana');
    expect(move('KeyA', 'member:bob')).toBeUndefined();
  });
});
