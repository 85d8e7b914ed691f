import { describe, expect, it } from 'vitest';
import { describeEntry, type JournalEntryLike } from './activity';

const entry = (op: string, details: Record<string, unknown>, tasks: JournalEntryLike['tasks'] = []): JournalEntryLike => ({
  seq: 1,
  at: '2026-11-25T10:00:00.000000',
  actor: 'ann',
  via: 'app',
  op,
  team: 'webapp',
  details,
  tasks,
});

describe('the stall radar fixes in words', () => {
  it('names what a fix that changed no task did, from its finding', () => {
    const fix = (findingId: string) => describeEntry(entry('doctor.fix', { findingId }));
    expect(fix('temp-file:task-1.json.123')).toBe('removed a leftover temp file, task-1.json.123 (stall radar)');
    expect(fix('corrupt-file:task-9.json')).toBe('set aside task-9.json, a task file that could not be read (stall radar)');
    expect(fix('orphan-claim:webapp_tester/msg-1.consumed')).toBe("put a message back in webapp_tester's inbox (stall radar)");
    expect(fix('dead-letter:webapp_tester/msg-2.json')).toBe('set aside an unreadable message to webapp_tester (stall radar)');
    expect(fix('stranger-inbox:tseter')).toBe('found an inbox of tseter, who was not a member (stall radar)');
    expect(fix('something-new:x')).toBe('fixed a finding of the stall radar in team webapp');
  });

  it('still names the task of a fix that changed one', () => {
    const released = entry('doctor.fix', { findingId: 'holder-gone:t1' }, [
      {
        id: 't1',
        before: { subject: 'Docs', lockedBy: 'agent-9', status: 'in_progress' },
        after: { subject: 'Docs', lockedBy: '', status: 'pending' },
      },
    ]);
    expect(describeEntry(released)).toBe('released the stalled claim on "Docs"');
  });
});
