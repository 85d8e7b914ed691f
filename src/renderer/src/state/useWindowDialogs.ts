import { useCallback, useMemo, useState } from 'react';

/** The window's own dialogs and panels (each opens by itself: Settings can hand over to Connect, say). */
export type WindowDialog = 'help' | 'connect' | 'settings' | 'approvals' | 'template';

export interface WindowDialogs {
  isOpen(dialog: WindowDialog): boolean;
  show(dialog: WindowDialog): void;
  hide(dialog: WindowDialog): void;
}

export function useWindowDialogs(): WindowDialogs {
  const [open, setOpen] = useState<ReadonlySet<WindowDialog>>(new Set());
  const show = useCallback((d: WindowDialog) => setOpen((s) => (s.has(d) ? s : new Set(s).add(d))), []);
  const hide = useCallback(
    (d: WindowDialog) =>
      setOpen((s) => {
        if (!s.has(d)) return s;
        const next = new Set(s);
        next.delete(d);
        return next;
      }),
    [],
  );
  return useMemo(() => ({ isOpen: (d: WindowDialog) => open.has(d), show, hide }), [open, show, hide]);
}
