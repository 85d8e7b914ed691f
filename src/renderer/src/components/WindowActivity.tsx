import { useState } from 'react';
import type { ActivityRow } from '../activity/group';
import { ActivityRegion } from './ActivityRegion';
import { ActivityStrip } from './ActivityStrip';

interface Props {
  open: boolean;
  /** The height the person last chose (remembered in the settings). */
  savedHeight: number | undefined;
  rows: ActivityRow[];
  onToggle(): void;
  /** A resize ended: remember the height. */
  onHeight(height: number): void;
  onOpenTask(team: string, id: string): void;
}

/** The activity region at the bottom of the window: who did what, resizable (followed live while dragging). */
export function WindowActivity({ open, savedHeight, rows, onToggle, onHeight, onOpenTask }: Props) {
  const [height, setHeight] = useState<number | null>(null);
  return (
    <ActivityRegion
      open={open}
      height={height ?? savedHeight ?? 160}
      onToggle={onToggle}
      onResize={(h, done) => {
        setHeight(h);
        if (done) onHeight(h);
      }}
    >
      <ActivityStrip items={rows} onOpen={onOpenTask} />
    </ActivityRegion>
  );
}
