import type { ConflictPrompt } from '../state/useTeamWrites';
import { Dialog } from './Dialog';

/** Somebody changed the task while the person edited it: keep their version, or apply mine on top of it. */
export function ConflictDialog({ conflict, onKeepTheirs, onClose }: { conflict: ConflictPrompt; onKeepTheirs(): void; onClose(): void }) {
  return (
    <Dialog
      title="Somebody changed this task"
      onClose={onClose}
      actions={
        <>
          <button type="button" onClick={onKeepTheirs}>
            Keep theirs
          </button>
          <button type="button" onClick={() => void conflict.applyMine()}>
            Apply mine
          </button>
        </>
      }
    >
      <p>{conflict.message}</p>
    </Dialog>
  );
}
