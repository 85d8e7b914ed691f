import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiOutput } from '../../../shared/api';
import type { FindingKind } from '../../../shared/model';
import { call } from '../api';
import { useApi } from '../state/api-context';

export type Finding = ApiOutput<'doctor'>['findings'][number];

/** The stall radar's kinds in the words a person uses (never the store's names). */
export const FINDING_LABEL: Record<FindingKind, string> = {
  'holder-gone': 'worker stopped',
  'lease-expired': 'time ran out',
  'old-claim': 'taken long ago',
  'blocked-but-free': 'ready but marked blocked',
  'dependency-cycle': 'tasks wait for each other',
  'dangling-blocker': 'waits for a missing task',
  'temp-file': 'leftover file',
  'corrupt-file': 'unreadable file',
  'orphan-claim': 'message stuck in delivery',
  'stranger-inbox': 'messages for a non-member',
  'dead-letter': 'unreadable message',
};

/**
 * What the radar shows the person: everything but their own inbox, which is not a stranger's (the window's person
 * receives replies there without being a member).
 */
export function relevantFindings(findings: Finding[], agentName: string): Finding[] {
  return findings.filter((f) => !(f.kind === 'stranger-inbox' && f.id === `stranger-inbox:${agentName}`));
}

/**
 * The team's stall findings, kept fresh: read when the team opens and again a moment after its tasks, inboxes or
 * config change (coalesced, so a burst of agent writes costs one look).
 */
export function useStallFindings(team: string, agentName: string): { findings: Finding[] | null; reload(): void } {
  const api = useApi();
  const [findings, setFindings] = useState<Finding[] | null>(null);
  const asked = useRef(0);
  const load = useCallback(async () => {
    const n = ++asked.current;
    try {
      const found = (await call(api, 'doctor', { team })).findings;
      if (n === asked.current) setFindings(relevantFindings(found, agentName));
    } catch {
      // the radar panel says what failed when it is opened
    }
  }, [api, team, agentName]);
  useEffect(() => {
    setFindings(null);
    void load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = (p: { team?: string }) => {
      if (p.team !== undefined && p.team !== team) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void load(), 1200);
    };
    const offs = [api.on('tasksChanged', later), api.on('inboxesChanged', later), api.on('teamsChanged', () => later({}))];
    return () => {
      if (timer) clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [api, team, load]);
  return { findings, reload: () => void load() };
}
