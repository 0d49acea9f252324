import { screen, type BrowserWindow, type Rectangle } from 'electron';
import type ElectronStore from 'electron-store';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const fallback: WindowState = { bounds: { x: 0, y: 0, width: 1280, height: 820 }, maximized: false };

/** The last size and place, if it is still on a connected display. */
export function loadWindowState(store: ElectronStore<Record<string, unknown>>): WindowState {
  const saved = store.get('windowState') as WindowState | undefined;
  if (!saved || typeof saved.bounds?.width !== 'number') return fallback;
  const visible = screen.getAllDisplays().some((d) => {
    const a = d.workArea;
    const b = saved.bounds;
    return b.x < a.x + a.width && b.x + b.width > a.x && b.y < a.y + a.height && b.y + b.height > a.y;
  });
  return visible ? saved : { ...fallback, bounds: { ...fallback.bounds, width: saved.bounds.width, height: saved.bounds.height } };
}

export function trackWindowState(win: BrowserWindow, store: ElectronStore<Record<string, unknown>>): void {
  const save = () => {
    if (win.isDestroyed()) return;
    store.set('windowState', { bounds: win.getNormalBounds(), maximized: win.isMaximized() } satisfies WindowState);
  };
  win.on('close', save);
  win.on('resized', save);
  win.on('moved', save);
}
