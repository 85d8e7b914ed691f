import { describe, expect, it } from 'vitest';
import { makeTask } from '../../../../../test/renderer/bridge';
import { conflictFields, discardedAsText } from './conflict';

describe('conflictFields', () => {
  const saved = makeTask('087e245f', { subject: 'Document the API', description: 'Theirs', owner: 'tester' });

  it('lists the fields of my change that are saved differently, text fields marked', () => {
    const fields = conflictFields({ subject: 'Document the API', description: 'Mine', owner: 'lead' }, saved);
    expect(fields.map((f) => [f.field, f.label, f.mine, f.theirs, f.text])).toEqual([
      ['description', 'Description', 'Mine', 'Theirs', true],
      ['owner', 'Owner', 'lead', 'tester', false],
    ]);
  });

  it('leaves out bookkeeping, and compares labels alone, not all of metadata', () => {
    const withLabels = { ...saved, metadata: { labels: ['docs'], lockstep: { fence: 3 } } };
    expect(conflictFields({ status: 'in_progress', lockedBy: 'ana', lockedAt: 'now' }, withLabels).map((f) => f.label)).toEqual([
      'Status',
      'Held by',
    ]);
    expect(conflictFields({ metadata: { labels: ['docs', 'api'] } }, withLabels)).toMatchObject([
      { label: 'Labels', mine: 'docs, api', theirs: 'docs' },
    ]);
    expect(conflictFields({ metadata: { labels: ['docs'] } }, withLabels)).toEqual([]);
  });

  it('puts several discarded fields into one text, each named', () => {
    const fields = conflictFields({ subject: 'S', description: 'D' }, saved);
    expect(discardedAsText(fields)).toBe('Subject:\nS\n\nDescription:\nD');
    expect(discardedAsText(fields.slice(1))).toBe('D');
  });
});
