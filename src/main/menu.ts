import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../shared/api';

export interface MenuActions {
  chooseFolder(): void;
  showFolder(): void;
  /** A command the window carries out (it also handles the same keys itself). */
  command(command: MenuCommand): void;
}

/**
 * The application menu. Shortcuts that the window handles itself (N, /, ?, Ctrl+F, Ctrl+J, Ctrl+Z, Ctrl+Y) are shown here but not
 * registered as accelerators (`registerAccelerator: false`): a registered "N" would swallow the letter N in every
 * text field. Choosing the item sends the command to the window.
 */
export function buildMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const windowCommand = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    id: command,
    label,
    ...(accelerator ? { accelerator, registerAccelerator: false } : {}),
    click: () => actions.command(command),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        windowCommand('New Task…', 'newTask', 'N'),
        windowCommand('New Team from Template…', 'newTeamFromTemplate'),
        { type: 'separator' },
        { label: 'Open Data Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.chooseFolder() },
        // The window asks for the URL (and an optional password) in a dialog of its own; main connects.
        { id: 'connectDatabase', label: 'Connect to Database…', click: () => actions.command('connectDatabase') },
        { label: 'Show Data Folder', click: () => actions.showFolder() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        // The window's own undo stack: inside a text field the page lets the field undo its text instead.
        windowCommand('Undo', 'undo', 'CmdOrCtrl+Z'),
        windowCommand('Redo', 'redo', isMac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        windowCommand('Find Tasks…', 'find', 'CmdOrCtrl+F'),
      ],
    },
    {
      label: '&View',
      submenu: [
        windowCommand('Show or Hide Activity', 'toggleActivity', 'CmdOrCtrl+J'),
        windowCommand('Switch Light/Dark', 'toggleTheme'),
        { type: 'separator' },
        { role: 'reload' },
        // A packaged build has no developer tools (the window is created with devTools: false as well).
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' } as const]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Help', submenu: [windowCommand('Keyboard Shortcuts', 'shortcuts', '?')] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
