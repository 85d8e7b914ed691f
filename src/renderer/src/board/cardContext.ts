import { createContext, useContext } from 'react';
import type { VersionedTask } from '../../../shared/domain';

/** What every card on the board may need beyond its task: the members to assign to, other tasks' subjects. */
export interface CardContext {
  members: string[];
  /** The subject of another task (a blocker), or undefined when it is not on the board. */
  subjectOf(id: string): string | undefined;
  onAssign(task: VersionedTask, owner: string): void;
}

export const CardContextValue = createContext<CardContext | null>(null);
export const useCardContext = () => useContext(CardContextValue);
