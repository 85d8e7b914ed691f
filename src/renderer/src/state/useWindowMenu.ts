import { useEffect, useRef } from 'react';
import { useApi } from './api-context';
import { useShortcuts } from './shortcuts';
import type { WindowDialog } from './useWindowDialogs';

interface Actions {
  show(dialog: WindowDialog): void;
  toggleActivity(): void;
  toggleTheme(): void;
}

/** The window's menu commands and keys (? for the shortcuts, Ctrl+J for the activity view); the team view has its own. */
export function useWindowMenu(actions: Actions): void {
  const api = useApi();
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(
    () =>
      api.on('menuCommand', ({ command }) => {
        const { show, toggleActivity, toggleTheme } = latest.current;
        if (command === 'shortcuts') show('help');
        else if (command === 'connectDatabase') show('connect');
        else if (command === 'newTeamFromTemplate') show('template');
        else if (command === 'toggleActivity') toggleActivity();
        else if (command === 'toggleTheme') toggleTheme();
      }),
    [api],
  );
  useShortcuts({
    '?': (e) => {
      e.preventDefault();
      actions.show('help');
    },
    'Mod+j': (e) => {
      e.preventDefault();
      actions.toggleActivity();
    },
  });
}
