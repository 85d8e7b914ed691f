import { Menu, shell, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { channelOf, type EventPayload } from '../shared/api';

/**
 * The application menu. Edit › Undo / Redo are the window's own undo stack (the renderer decides: inside a text
 * field they edit the text, elsewhere they undo the person's last change in the team on screen). Their shortcuts
 * are shown here but handled by the page (registerAccelerator: false), so a key press is never handled twice.
 */
export interface MenuActions {
  window(): BrowserWindow | null;
  chooseFolder(): void;
  dataDir(): string;
}

export function buildMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const command = (name: EventPayload<'menuCommand'>['command']) => () => {
    const win = actions.window();
    if (win && !win.isDestroyed()) win.webContents.send(channelOf('menuCommand'), { command: name });
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Data Folder…', accelerator: 'CmdOrCtrl+O', click: () => actions.chooseFolder() },
        { label: 'Show Data Folder', click: () => void shell.openPath(actions.dataDir()) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { id: 'undo', label: 'Undo', accelerator: 'CmdOrCtrl+Z', registerAccelerator: false, click: command('undo') },
        { id: 'redo', label: 'Redo', accelerator: isMac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y', registerAccelerator: false, click: command('redo') },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: '&View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { role: 'togglefullscreen' }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
