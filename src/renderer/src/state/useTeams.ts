import { useCallback, useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { nameProblem } from '../../../shared/names';
import type { LockstepApi } from '../../../shared/api';
import type { TeamSummary } from '../../../shared/domain';
import { call } from '../api';
import type { OnMessage } from './messages';

/**
 * The data folder's teams (with their counts) and the selected one; create, rename and delete, each said in words.
 * The selection is the window's (the undo stack follows it too), handed in as a state pair.
 */
export function useTeams(
  api: LockstepApi,
  onMessage: OnMessage,
  fail: (err: unknown) => void,
  [selected, setSelected]: [string | null, Dispatch<SetStateAction<string | null>>],
) {
  const [teams, setTeams] = useState<TeamSummary[] | null>(null);
  /** Counts the watcher sent while a list read was under way: newer than what that read may have found. */
  const countsSince = useRef(new Map<string, TeamSummary['counts']>());

  const loadTeams = useCallback(async () => {
    try {
      const since = new Map<string, TeamSummary['counts']>();
      countsSince.current = since;
      const value = await call(api, 'listTeams', {});
      setTeams(value.teams.map((t) => (since.has(t.name) ? { ...t, counts: since.get(t.name) as TeamSummary['counts'] } : t)));
      setSelected((current) => (current && value.teams.some((t) => t.name === current) ? current : (value.teams[0]?.name ?? null)));
    } catch (err) {
      fail(err);
    }
  }, [api, fail, setSelected]);

  useEffect(() => {
    void loadTeams();
    const offTeams = api.on('teamsChanged', () => void loadTeams());
    // A task moved, came or went: only that team's counts change, sent with the event (no re-read of every team).
    const offCounts = api.on('countsChanged', ({ team, counts }) => {
      countsSince.current.set(team, counts);
      setTeams((list) => list?.map((t) => (t.name === team ? { ...t, counts } : t)) ?? list);
    });
    return () => {
      offTeams();
      offCounts();
    };
  }, [api, loadTeams]);

  /** Runs a team change; true when it was applied (dialogs stay open on a refusal, showing it). */
  const attempt = useCallback(
    async (run: () => Promise<void>): Promise<boolean> => {
      try {
        await run();
        return true;
      } catch (err) {
        fail(err);
        return false;
      }
    },
    [fail],
  );

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

  return { teams, selected, setSelected, loadTeams, createTeam, renameTeam, deleteTeam };
}
