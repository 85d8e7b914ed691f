import { useEffect, useState } from 'react';
import { isDestructive, type UndoItem } from '../state/undoStack';
import '../undo-activity.css';

/** How long the toast offers its Undo (the step stays on the Ctrl+Z stack after that). */
export const TOAST_MS = 10_000;

/**
 * After a destructive step (a member removed, a task deleted, a claim broken) the window offers to undo exactly that
 * step for a few seconds; Ctrl+Z does the same later.
 */
export function UndoToast({ item, onUndo }: { item: UndoItem | undefined; onUndo(item: UndoItem): void }) {
  const [hidden, setHidden] = useState<number | null>(null);
  const show = item && isDestructive(item) && hidden !== item.key && Date.now() - item.at < TOAST_MS;
  useEffect(() => {
    if (!show || !item) return;
    const t = setTimeout(() => setHidden(item.key), Math.max(0, TOAST_MS - (Date.now() - item.at)));
    return () => clearTimeout(t);
  }, [show, item]);
  if (!show || !item) return null;
  return (
    <div className="undo-toast" role="status" data-testid="undo-toast">
      <span>{item.label[0].toUpperCase() + item.label.slice(1)}.</span>
      <button
        type="button"
        className="primary"
        onClick={() => {
          setHidden(item.key);
          onUndo(item);
        }}
      >
        Undo
      </button>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setHidden(item.key)}>
        ×
      </button>
    </div>
  );
}
