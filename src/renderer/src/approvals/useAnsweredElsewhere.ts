import { useEffect, useRef } from 'react';
import type { RequestList } from '../../../shared/requests';
import { KIND_LABEL, requestKeyOf } from './logic';

/**
 * Tells the person when a request on screen was answered by somebody else (another window, an agent, a CLI) before
 * they answered it: it leaves the open list, so without a word their half-written feedback would just vanish.
 * `answeredHere` holds the keys this window answered (those need no notice).
 */
export function useAnsweredElsewhere(lists: Record<string, RequestList>, answeredHere: Set<string>, tell: (text: string) => void): void {
  const seenOpen = useRef<Set<string> | null>(null);
  const tellRef = useRef(tell);
  tellRef.current = tell;
  useEffect(() => {
    const open = new Set(Object.entries(lists).flatMap(([team, l]) => l.open.map((r) => requestKeyOf(team, r))));
    const before = seenOpen.current;
    seenOpen.current = open;
    if (!before) return;
    for (const [team, l] of Object.entries(lists)) {
      for (const r of l.answered) {
        const key = requestKeyOf(team, r);
        if (!before.has(key) || answeredHere.has(key) || !r.answer) continue;
        const who = r.answer.person ? `${r.answer.person} (as ${r.answer.by})` : r.answer.by;
        tellRef.current(
          `${KIND_LABEL[r.kind]} request from ${r.from} was ${r.answer.decision} by ${who} just now; it moved to the history.`,
        );
      }
    }
  }, [lists, answeredHere]); // answeredHere: one Set for the panel's life, filled as it answers
}
