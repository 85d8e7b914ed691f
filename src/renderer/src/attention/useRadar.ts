import { useState } from 'react';
import { useStallFindings } from './radar';

/** The team view's stall radar: its findings (the toolbar's count, the attention line) and whether its panel is open. */
export function useRadar(team: string, agentName: string) {
  const stalls = useStallFindings(team, agentName);
  const [open, setOpen] = useState(false);
  // Shown or hidden, the findings are read again.
  const show = (on: boolean) => {
    setOpen(on);
    stalls.reload();
  };
  return { open, show, ...stalls };
}
