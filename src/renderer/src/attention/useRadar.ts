import { useState } from 'react';
import { useStallFindings } from './radar';

/** The team view's stall radar: its findings (the toolbar's count, the attention line) and whether its panel is open. */
export function useRadar(team: string, agentName: string) {
  const stalls = useStallFindings(team, agentName);
  const [open, setOpen] = useState(false);
  // Bumped each time it is shown: the panel reads its findings again.
  const [refreshKey, setRefreshKey] = useState(0);
  const show = (on: boolean) => {
    setOpen(on);
    setRefreshKey((k) => k + 1);
    stalls.reload();
  };
  return { open, show, refreshKey, findings: stalls.findings, reload: stalls.reload };
}
