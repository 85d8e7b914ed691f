import { useRef, useState } from 'react';
import { ACTIVITY_HEIGHT } from '../../../shared/api';

interface Props {
  open: boolean;
  height: number;
  onToggle(): void;
  /** While resizing: the new height. `done` when the person lets go (then it is remembered). */
  onResize(height: number, done: boolean): void;
  children: React.ReactNode;
}

/** The board keeps at least this much of the window (with the member cards above it, which show their agent's line). */
const ROOM_FOR_BOARD = 370;

export function clampActivityHeight(h: number): number {
  const fit = Math.max(ACTIVITY_HEIGHT.min, Math.min(ACTIVITY_HEIGHT.max, window.innerHeight - ROOM_FOR_BOARD));
  return Math.round(Math.max(ACTIVITY_HEIGHT.min, Math.min(fit, h)));
}

/**
 * The activity view's own region at the bottom of the window: collapsible (Ctrl+J, or its button) and resizable by
 * dragging its top edge or with the arrow keys on it. It never takes the board's room beyond its own height.
 */
export function ActivityRegion({ open, height, onToggle, onResize, children }: Props) {
  const drag = useRef<{ y: number; h: number } | null>(null);
  const [resizing, setResizing] = useState(false);
  const shown = clampActivityHeight(height);
  return (
    <section
      className={`activity-region${open ? '' : ' collapsed'}${resizing ? ' resizing' : ''}`}
      data-testid="activity-region"
      style={open ? { height: shown } : undefined}
    >
      {open && (
        <div
          className="resize-handle"
          role="separator"
          aria-orientation="horizontal"
          aria-label="Resize the activity view"
          aria-valuemin={ACTIVITY_HEIGHT.min}
          aria-valuemax={ACTIVITY_HEIGHT.max}
          aria-valuenow={shown}
          tabIndex={0}
          title="Drag to resize; Up/Down arrows on the keyboard"
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            drag.current = { y: e.clientY, h: shown };
            setResizing(true);
          }}
          onPointerMove={(e) => {
            if (drag.current) onResize(clampActivityHeight(drag.current.h + drag.current.y - e.clientY), false);
          }}
          onPointerUp={(e) => {
            if (!drag.current) return;
            onResize(clampActivityHeight(drag.current.h + drag.current.y - e.clientY), true);
            drag.current = null;
            setResizing(false);
          }}
          onKeyDown={(e) => {
            const step = e.shiftKey ? 64 : 16;
            if (e.key === 'ArrowUp') onResize(clampActivityHeight(shown + step), true);
            else if (e.key === 'ArrowDown') onResize(clampActivityHeight(shown - step), true);
            else return;
            e.preventDefault();
          }}
        />
      )}
      {!open && <span className="activity-collapsed-label">Activity</span>}
      <button
        type="button"
        className="activity-toggle"
        aria-expanded={open}
        aria-controls="activity-content"
        title={open ? 'Hide the activity (Ctrl+J)' : 'Show the activity (Ctrl+J)'}
        onClick={onToggle}
      >
        {open ? 'Hide' : 'Show activity'}
      </button>
      <div id="activity-content" className="activity-content" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
