import type { MenuItemConstructorOptions } from 'electron';
import type { OpenTarget } from '../../shared/deep-links';

/** Ferry's tray glyph (a 32×32 PNG), inline so packaging needs no asset folder. */
export const TRAY_ICON_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAnElEQVR42t3XwRGAMAgEwHRin9Zgz+fLV9RwcCQoMzzFdTJBaNt+tJXZvgaAMeUAODMMgChdAIiTAiApTQBzwSsiiHIATACgLABeQAQROvu7SAdYIg3AhBzgCQrw9ABTnIT0AMWXETV4gOqmuADRPjEEOM4whHhtxYoXD9q25l+gmAtmDiP6eSALsHwkKzGUlhjLSywmZVaz/27HJwTODymYOBS0AAAAAElFTkSuQmCC';

export interface TrayActions {
  show(): void;
  open(target: OpenTarget): void;
  quit(): void;
}

/**
 * The tray's menu: Ferry keeps running syncs, timers' checks and the send queue while its window
 * is closed, so the tray is where a person gets back to it or quits for real.
 */
export function trayMenuTemplate(actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: 'Open Ferry', click: () => actions.show() },
    { type: 'separator' },
    { label: 'Activity', click: () => actions.open({ kind: 'area', area: 'activity' }) },
    { label: 'Syncs', click: () => actions.open({ kind: 'area', area: 'syncs' }) },
    { label: 'Queue', click: () => actions.open({ kind: 'area', area: 'queue' }) },
    { type: 'separator' },
    { label: 'Quit Ferry', click: () => actions.quit() },
  ];
}

/**
 * Closing the last window keeps Ferry running in the tray (its syncs and queue go on) where a tray
 * exists; macOS apps stay running without windows anyway.
 */
export function quitsWhenLastWindowCloses(platform: NodeJS.Platform, hasTray: boolean): boolean {
  return platform !== 'darwin' && !hasTray;
}
