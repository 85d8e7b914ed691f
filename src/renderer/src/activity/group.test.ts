import { describe, expect, it } from 'vitest';
import { BURST_MS, groupRows, groupSummary, mergeRows, type ActivityRow } from './group';

const row = (seq: number, actor: string, verb: string, at: number, team = 'webapp', taskId = `t${seq}`): ActivityRow => ({
  key: `${team}#${seq}`,
  team,
  seq,
  at,
  actor,
  via: 'cli',
  op: 'task.claim',
  verb,
  text: `${verb} "Task ${seq}"`,
  taskId,
});

describe('activity groups', () => {
  it('folds a burst from one agent into one line and keeps others apart', () => {
    const t = 1_000_000;
    const rows = [
      row(9, 'backend', 'completed', t + 50),
      row(8, 'agent-3', 'claimed', t + 40),
      row(7, 'agent-3', 'claimed', t + 30),
      row(6, 'agent-3', 'claimed', t + 20),
      row(5, 'agent-3', 'claimed', t + 10, 'research'),
      row(4, 'agent-3', 'released', t),
      row(3, 'agent-3', 'released', t - BURST_MS - 1),
    ];
    const groups = groupRows(rows);
    expect(groups.map((g) => g.rows.length)).toEqual([1, 3, 1, 1, 1]);
    expect(groupSummary(groups[1])).toBe('agent-3 claimed 3 tasks');
  });

  it('drops a watcher row that a journal row explains, and sorts newest first', () => {
    const journal = [row(1, 'agent-3', 'claimed', 1000), row(2, 'ana', 'assigned', 3000)];
    const watched = [
      { ...row(0, 'agent-3', 'claimed', 1200, 'webapp', 't1'), key: 'w1' },
      { ...row(0, 'clawteam', 'changed', 2000, 'webapp', 'x'), key: 'w2' },
    ];
    expect(mergeRows(journal, watched, 10).map((r) => r.key)).toEqual(['webapp#2', 'w2', 'webapp#1']);
  });
});
