import { describe, expect, it } from 'vitest';
import type { TeamRequest } from '../../../shared/requests';
import { CallError } from '../api';
import { allAnswered, allOpen, changesApprovals, lateAnswer, requestSummary, requestTitle } from './logic';

const req = (kind: TeamRequest['kind'], from: string, to: string, at: string, extra: Record<string, unknown> = {}): TeamRequest => ({
  kind,
  requestId: `${kind}-${from}`,
  from,
  to,
  at,
  message: { type: 'x', from, to, timestamp: at, ...extra },
});

describe('approvals logic', () => {
  it('says what each request asks, in words', () => {
    expect(requestTitle(req('plan', 'frontend', 'lead', ''))).toBe('frontend asks lead to approve a plan');
    expect(requestTitle(req('shutdown', 'lead', 'backend', ''))).toBe('lead asks backend to shut down');
    expect(requestTitle(req('join', 'x', 'lead', '', { proposedName: 'designer' }))).toBe('designer asks to join (asked by x)');
    expect(requestSummary(req('shutdown', 'lead', 'backend', '', { reason: 'done', content: 'Shutdown requested. Reason: done' }))).toBe(
      'done',
    );
    expect(requestSummary(req('join', 'd', 'lead', '', { capabilities: 'css' }))).toBe('Can do: css');
  });

  it('re-reads the list only for requests, answers and idle notices', () => {
    for (const type of ['plan_approval_request', 'plan_approved', 'shutdown_rejected', 'join_request', 'idle'])
      expect(changesApprovals({ type, from: 'a', timestamp: '' })).toBe(true);
    for (const type of ['message', 'broadcast']) expect(changesApprovals({ type, from: 'a', timestamp: '' })).toBe(false);
  });

  it('tells a late answerer who answered, as whom and when; other failures are not late answers', () => {
    const at = '2026-12-07T22:00:00.000000+00:00';
    const now = Date.parse('2026-12-07T22:00:05Z') * 1000;
    const conflict = new CallError({
      code: 'CONFLICT',
      message: 'x',
      details: { answeredBy: 'lead', person: 'alice', decision: 'approved', at },
    });
    expect(lateAnswer(conflict, now)).toBe('Already approved by alice (as lead) 5 s ago. Your answer was not sent.');
    const byAgent = new CallError({ code: 'CONFLICT', message: 'x', details: { answeredBy: 'lead', decision: 'rejected', at } });
    expect(lateAnswer(byAgent, now)).toBe('Already rejected by lead 5 s ago. Your answer was not sent.');
    expect(lateAnswer(new CallError({ code: 'NOT_FOUND', message: 'x', details: {} }))).toBeNull();
    expect(lateAnswer(new Error('boom'))).toBeNull();
  });

  it('lists open requests of all teams oldest first and answered ones newest first', () => {
    const a = req('plan', 'a', 'lead', '2026-12-07T10:00:00.000000+00:00');
    const b = req('plan', 'b', 'lead', '2026-12-07T09:00:00.000000+00:00');
    const lists = { t1: { open: [a], answered: [], idle: {} }, t2: { open: [b], answered: [], idle: {} } };
    expect(allOpen(lists).map((x) => x.team)).toEqual(['t2', 't1']);
    const answer = (at: string) => ({ decision: 'approved' as const, by: 'lead', at, source: 'lockstep' as const });
    const done = {
      t1: {
        open: [],
        answered: [
          { ...a, answer: answer('2026-12-07T11:00:00+00:00') },
          { ...b, answer: answer('2026-12-07T12:00:00+00:00') },
        ],
        idle: {},
      },
    };
    expect(allAnswered(done).map((x) => x.request.from)).toEqual(['b', 'a']);
  });
});
