import { useEffect } from 'react';
import type { Theme } from '../../../shared/api';

/**
 * Puts the theme on <html data-theme="light|dark">: the chosen one, or the system's (prefers-color-scheme, which
 * main also sets through nativeTheme), following the system while the app runs.
 */
export function useTheme(theme: Theme): void {
  useEffect(() => {
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && Boolean(media?.matches));
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media?.addEventListener?.('change', apply);
    return () => media?.removeEventListener?.('change', apply);
  }, [theme]);
}
