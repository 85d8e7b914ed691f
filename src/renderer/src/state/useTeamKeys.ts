import { useEffect, useRef, type RefObject } from 'react';
import { useApi } from './api-context';
import { modalOpen, useShortcuts } from './shortcuts';

interface Options {
  searchRef: RefObject<HTMLInputElement | null>;
  /** A task's panel is open. */
  panelOpen: boolean;
  onNewTask(): void;
  onClosePanel(): void;
}

/** The team view's keys and menu commands: N (new task), / and Ctrl+F (search), Escape (close the task panel). */
export function useTeamKeys({ searchRef, panelOpen, onNewTask, onClosePanel }: Options): void {
  const api = useApi();
  const focusSearch = () => {
    searchRef.current?.focus();
    searchRef.current?.select();
  };
  useShortcuts({
    // The key must not also type an "n" into the dialog's subject, which takes the focus at once.
    n: (e) => {
      e.preventDefault();
      onNewTask();
    },
    '/': (e) => {
      e.preventDefault();
      focusSearch();
    },
    'Mod+f': (e) => {
      e.preventDefault();
      focusSearch();
    },
    Escape: (e) => {
      // Dialogs close themselves; a card being dragged cancels its drag; a search box being typed in keeps the key.
      if (modalOpen() || document.querySelector('.card.dragging') || e.target === searchRef.current) return;
      if (panelOpen) onClosePanel();
    },
  });
  const menu = useRef({ onNewTask, focusSearch });
  menu.current = { onNewTask, focusSearch };
  useEffect(
    () =>
      api.on('menuCommand', ({ command }) => {
        if (command === 'newTask') menu.current.onNewTask();
        else if (command === 'find') menu.current.focusSearch();
      }),
    [api],
  );
}
