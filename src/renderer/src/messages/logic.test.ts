import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../shared/messages';
import { budgetState, formatTokens, rowsFor, toRows } from './logic';

const rec = (id: string, m: Record<string, unknown>): MessageRecord => ({
  id,
  message: { type: 'message', timestamp: '2026-11-25T08:00:00.000000+00:00', ...m } as MessageRecord['message'],
});

describe('message rows', () => {
  it("folds ClawTeam's per-recipient broadcast copies into one row, but not two broadcasts of the same text far apart", () => {
    const rows = toRows([
      rec('evt-1', { type: 'broadcast', from: 'lead', to: 'a', content: 'freeze', timestamp: '2026-11-25T08:00:00.000000+00:00' }),
      rec('evt-2', { type: 'broadcast', from: 'lead', to: 'b', content: 'freeze', timestamp: '2026-11-25T08:00:00.004000+00:00' }),
      rec('evt-3', { from: 'a', to: 'b', content: 'hi' }),
      rec('evt-4', { type: 'broadcast', from: 'lead', to: 'a', content: 'freeze', timestamp: '2026-11-25T09:00:00.000000+00:00' }),
    ]);
    expect(rows.map((r) => [r.id, r.broadcast, r.recipients])).toEqual([
      ['evt-1', true, ['a', 'b']],
      ['evt-3', false, ['b']],
      ['evt-4', true, ['a']],
    ]);
  });

  it('filters to what a member sent and received, by name or by its inbox folder', () => {
    const rows = toRows([
      rec('evt-1', { from: 'lead', to: 'ana_lead2', content: 'x' }),
      rec('evt-2', { from: 'lead2', to: 'b', content: 'y' }),
      rec('evt-3', { from: 'b', to: 'c', content: 'z' }),
    ]);
    expect(rowsFor(rows, { name: 'lead2', inbox: 'ana_lead2' }).map((r) => [r.row.id, r.direction])).toEqual([
      ['evt-1', 'Received'],
      ['evt-2', 'Sent'],
    ]);
    expect(rowsFor(rows, null)).toHaveLength(3);
  });

  it('budget bar: amber past 80 %, red past 100 %, none without a budget', () => {
    expect(budgetState(50, 0).state).toBe('none');
    expect(budgetState(80, 100).state).toBe('ok');
    expect(budgetState(81, 100).state).toBe('warn');
    expect(budgetState(100, 100).state).toBe('warn');
    expect(budgetState(101, 100).state).toBe('over');
    expect(formatTokens(9000)).toBe('9.0k');
    expect(formatTokens(410_000)).toBe('410k');
  });
});
