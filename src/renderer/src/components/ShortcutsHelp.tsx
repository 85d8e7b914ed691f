import { SHORTCUTS } from '../state/shortcuts';
import { Dialog } from './Dialog';

/** The "?" overlay: every keyboard shortcut of the window. */
export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={onClose}
      actions={
        <button type="button" autoFocus onClick={onClose}>
          Close
        </button>
      }
    >
      <dl className="shortcuts">
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
