import { useEffect, useRef } from 'react';

/** True when a key press belongs to a text field, a list box or a modal dialog rather than to the board. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable;
}

export const modalOpen = () => Boolean(document.querySelector('dialog[open]'));

export type ShortcutMap = Record<string, (e: KeyboardEvent) => void>;

/**
 * Window-wide keys. Names: "n", "/", "?", "Escape", "Mod+f" (Ctrl, or Cmd on macOS). Single keys are ignored while
 * the person types in a field or a modal dialog is open; Mod+ keys and Escape always reach the handler, which decides.
 */
export function useShortcuts(map: ShortcutMap): void {
  const ref = useRef(map);
  ref.current = map;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey) return;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const name = mod ? `Mod+${key}` : key === '?' || key === '/' || key === 'Escape' ? key : e.shiftKey ? `Shift+${key}` : key;
      const handler = ref.current[name];
      if (!handler) return;
      if (!mod && name !== 'Escape' && (isTyping(e.target) || modalOpen())) return;
      handler(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** What the help overlay and the menus list. */
export const SHORTCUTS: Array<[string, string]> = [
  ['N', 'New task'],
  ['/ or Ctrl+F', 'Search tasks'],
  ['Escape', 'Close the task panel or a dialog'],
  ['Ctrl+Z', 'Undo your last change in this team'],
  ['Ctrl+Shift+Z or Ctrl+Y', 'Redo what you undid'],
  ['Ctrl+J', 'Show or hide the activity'],
  ['?', 'This list'],
  ['Tab, then Space', 'Pick up a card; arrows move it between members and columns; Space drops, Escape cancels'],
  ['Enter', 'Open the focused card'],
];
