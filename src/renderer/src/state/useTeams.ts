import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, type Dispatch, type SetStateAction } from 'react';
import type { TeamSummary } from '../../../shared/domain';
import { nameProblem } from '../../../shared/names';
import { call } from '../api';
import { useApi } from './api-context';
import { useNotices } from './messages';
import { keys } from './queries';

/**
 * The data folder's teams (with their counts) and the selected one; create, rename and delete, each said in words.
 * The list is a query, read again on teamsChanged; countsChanged updates one team's counts in place. The selection
 * is the window's (the undo stack follows it too), handed in as a state pair.
 */
export function useTeams([, setSelected]: [string | null, Dispatch<SetStateAction<string | null>>]) {
  const api = useApi();
  const { onMessage, fail } = useNotices();
  const client = useQueryClient();
  /** Counts the watcher sent while a list read was under way: newer than what that read may have found. */
  const countsSince = useRef(new Map<string, TeamSummary['counts']>());

  const { data } = useQuery({
    queryKey: keys.teams,
    queryFn: async () => {
      const since = new Map<string, TeamSummary['counts']>();
      countsSince.current = since;
      try {
        const value = await call(api, 'listTeams', {});
        // The selection stays if its team is still there, else the first team is shown.
        setSelected((current) => (current && value.teams.some((t) => t.name === current) ? current : (value.teams[0]?.name ?? null)));
        return value.teams.map((t) => (since.has(t.name) ? { ...t, counts: since.get(t.name) as TeamSummary['counts'] } : t));
      } catch (err) {
        fail(err);
        throw err;
      }
    },
  });

  const loadTeams = useCallback(() => client.invalidateQueries({ queryKey: keys.teams }), [client]);

  useEffect(() => {
    const offTeams = api.on('teamsChanged', () => void loadTeams());
    // A task moved, came or went: only that team's counts change, sent with the event (no re-read of every team).
    const offCounts = api.on('countsChanged', ({ team, counts }) => {
      countsSince.current.set(team, counts);
      client.setQueryData<TeamSummary[]>(keys.teams, (list) => list?.map((t) => (t.name === team ? { ...t, counts } : t)));
    });
    return () => {
      offTeams();
      offCounts();
    };
  }, [api, client, loadTeams]);

  /** Runs a team change; true when it was applied (dialogs stay open on a refusal, showing it). */
  const attempt = async (run: () => Promise<void>): Promise<boolean> => {
    try {
      await run();
      return true;
    } catch (err) {
      fail(err);
      return false;
    }
  };

  const createTeam = (name: string, description: string, displayName?: string) =>
    attempt(async () => {
      await call(api, 'createTeam', { name, description, ...(displayName ? { displayName } : {}) });
      await loadTeams();
      setSelected(name);
      onMessage(displayName ? `Created team ${displayName} (agents use: ${name}).` : `Created team ${name}.`);
    });
  const renameTeam = (team: string, newName: string) =>
    attempt(async () => {
      if (nameProblem(newName, 'team') !== null) {
        // A name with spaces is what people call the team; agents keep using its name (nothing of theirs breaks).
        await call(api, 'setTeamDisplayName', { team, displayName: newName });
        await loadTeams();
        onMessage(`People now see team ${team} as "${newName.trim()}"; agents still use ${team}.`);
        return;
      }
      await call(api, 'renameTeam', { team, newName });
      setSelected(newName);
      await loadTeams();
      onMessage(`Renamed team ${team} to ${newName}.`);
    });
  const deleteTeam = (team: string) =>
    attempt(async () => {
      await call(api, 'deleteTeam', { team });
      // The undo toast announces it (with its Undo); no second line says the same.
      setSelected(null);
      await loadTeams();
    });

  return { teams: data ?? null, loadTeams, createTeam, renameTeam, deleteTeam };
}
