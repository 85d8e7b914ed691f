import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import type { TeamConfig, TeamSummary } from '../../../shared/domain';

/**
 * Display names: what people called a team or member when they created it ("Marketing Launch", "Sam
 * Lee"), shown wherever a person reads the name; the short name (marketing-launch, sam-lee) is what agents use and
 * shows where they need it. Teams come from the team list, members from the team on screen.
 */
const TeamNames = createContext<ReadonlyMap<string, string>>(new Map());
const MemberNames = createContext<ReadonlyMap<string, string>>(new Map());

export function TeamNamesProvider({ teams, children }: { teams: TeamSummary[] | null; children: ReactNode }) {
  const names = useMemo(() => new Map((teams ?? []).filter((t) => t.displayName).map((t) => [t.name, t.displayName as string])), [teams]);
  return <TeamNames.Provider value={names}>{children}</TeamNames.Provider>;
}

export function MemberNamesProvider({ config, children }: { config: TeamConfig | null | undefined; children: ReactNode }) {
  const names = useMemo(() => memberNames(config), [config]);
  return <MemberNames.Provider value={names}>{children}</MemberNames.Provider>;
}

export function memberNames(config: TeamConfig | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of config?.members ?? []) if (m.lockstep?.displayName) out.set(m.name, m.lockstep.displayName);
  return out;
}

/** (team) => what people call it: its display name, else its name. */
export function useTeamLabel(): (team: string) => string {
  const names = useContext(TeamNames);
  return useCallback((team: string) => names.get(team) ?? team, [names]);
}

/** (member) => what people call them in the team on screen: the display name, else the name. */
export function useMemberLabel(): (member: string) => string {
  const names = useContext(MemberNames);
  return useCallback((member: string) => names.get(member) ?? member, [names]);
}

/** "agents use: sam-lee" where a display name hides the short name, else undefined. */
export function agentsUseHint(name: string, label: string): string | undefined {
  return label !== name ? `agents use: ${name}` : undefined;
}
