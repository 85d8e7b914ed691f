import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo } from 'react';
import type { ApiOutput } from '../../../shared/api';
import type { FindingKind } from '../../../shared/model';
import { call } from '../api';
import { useApi } from '../state/api-context';
import { keys } from '../state/queries';

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
 * The team's stall findings (a query the attention line, the toolbar's count and the radar panel share), kept fresh:
 * read when the team opens and again a moment after its tasks, inboxes or config change (coalesced, so a burst of
 * agent writes costs one look), or when asked (`reload`: the radar opened, a fix was tried).
 */
export function useStallFindings(team: string, agentName: string): { findings: Finding[] | null; error: Error | null; reload(): void } {
  const api = useApi();
  const client = useQueryClient();
  const { data, error } = useQuery({ queryKey: keys.findings(team), queryFn: async () => (await call(api, 'doctor', { team })).findings });
  const findings = useMemo(() => (data ? relevantFindings(data, agentName) : null), [data, agentName]);
  const reload = useCallback(() => void client.invalidateQueries({ queryKey: keys.findings(team) }), [client, team]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = (p: { team?: string }) => {
      if (p.team !== undefined && p.team !== team) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(reload, 1200);
    };
    const offs = [api.on('tasksChanged', later), api.on('inboxesChanged', later), api.on('teamsChanged', () => later({}))];
    return () => {
      if (timer) clearTimeout(timer);
      offs.forEach((off) => off());
    };
  }, [api, team, reload]);
  return { findings, error, reload };
}
