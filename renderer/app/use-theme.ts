import { useEffect } from 'react';
import type { Theme } from '../../shared/settings';

/** Where the last theme is kept for `public/theme-boot.js`, which draws it before the first paint. */
export const THEME_STORAGE_KEY = 'ferry.theme';

function remember(theme: Theme): void {
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage refused: the next start draws the OS theme until the settings arrive.
  }
}

/**
 * Applies the chosen theme to <html>; `system` follows the OS and its live changes. `null` (the
 * settings have not arrived yet) leaves alone what theme-boot.js drew.
 */
export function useTheme(theme: Theme | null): void {
  useEffect(() => {
    if (theme === null) return;
    remember(theme);
    const root = document.documentElement;
    if (theme !== 'system') {
      root.dataset.theme = theme;
      return;
    }
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      root.dataset.theme = query.matches ? 'dark' : 'light';
    };
    apply();
    query.addEventListener('change', apply);
    return () => query.removeEventListener('change', apply);
  }, [theme]);
}
