import { describe, expect, it } from 'vitest';
import type { VersionedTask } from '../../../shared/domain';
import { EMPTY_FILTER } from '../board/logic';
import { listRows } from './sort';

const task = (id: string, subject: string, extra: Partial<VersionedTask> = {}): VersionedTask =>
  ({
    id,
    subject,
    description: '',
    status: 'pending',
    priority: 'medium',
    owner: '',
    blockedBy: [],
    blocks: [],
    createdAt: '',
    updatedAt: '',
    lockedBy: '',
    metadata: {},
    version: '1',
    ...extra,
  }) as unknown as VersionedTask;

describe('the list view order', () => {
  const tasks = [
    task('a1', 'Task 10', { priority: 'low', owner: 'zoe', status: 'completed' }),
    task('a2', 'Task 9', { priority: 'urgent', status: 'blocked' }),
    task('a3', 'task 2', { priority: 'high', owner: 'ann' }),
  ];
  it('sorts subjects as people count (2 < 9 < 10), either way', () => {
    expect(listRows(tasks, EMPTY_FILTER, { key: 'subject', descending: false }).map((t) => t.id)).toEqual(['a3', 'a2', 'a1']);
    expect(listRows(tasks, EMPTY_FILTER, { key: 'subject', descending: true }).map((t) => t.id)).toEqual(['a1', 'a2', 'a3']);
  });
  it('sorts by priority, status and owner (unassigned last)', () => {
    expect(listRows(tasks, EMPTY_FILTER, { key: 'priority', descending: true }).map((t) => t.id)).toEqual(['a2', 'a3', 'a1']);
    expect(listRows(tasks, EMPTY_FILTER, { key: 'status', descending: false }).map((t) => t.id)).toEqual(['a3', 'a2', 'a1']);
    expect(listRows(tasks, EMPTY_FILTER, { key: 'owner', descending: false }).map((t) => t.id)).toEqual(['a3', 'a1', 'a2']);
  });
  it('shows what the board filter lets through', () => {
    expect(listRows(tasks, { ...EMPTY_FILTER, text: 'task 9' }, { key: 'subject', descending: false }).map((t) => t.id)).toEqual(['a2']);
  });
});
