import type { MenuItemConstructorOptions } from 'electron';
import type { OpenTarget } from '../../shared/deep-links';

/** Ferry's tray glyph (a 32×32 PNG), inline so packaging needs no asset folder. */
export const TRAY_ICON_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAnElEQVR42t3XwRGAMAgEwHRin9Zgz+fLV9RwcCQoMzzFdTJBaNt+tJXZvgaAMeUAODMMgChdAIiTAiApTQBzwSsiiHIATACgLABeQAQROvu7SAdYIg3AhBzgCQrw9ABTnIT0AMWXETV4gOqmuADRPjEEOM4whHhtxYoXD9q25l+gmAtmDiP6eSALsHwkKzGUlhjLSywmZVaz/27HJwTODymYOBS0AAAAAElFTkSuQmCC';

/** The same glyph with a red dot: something needs a person (alerts). */
export const TRAY_ALERT_ICON_DATA_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAx0lEQVR42t2X2w2AMAhFu4ku4ILO4IJOg2miidG+Llzqg4S/yjnVFGkY5iV45TqNcs3rmm7gnAhaXEoZowV+lqCAD7iHgLQmCj+SAvcQkCcFIGiMXwmIRYBxCtQCjD4gWgHNW0h1QhW4FCnwSVgn0BK1dXstXACJhnqYgCYggdwDSHFQ5C7A2BlQAxdgnhRYwNonqgKKb2iSyI1kyRbLyFQPMP8LDFmcirvBXysQesFrU7E7nDqWa+DUiwkKdrmaIWDXy+mnBDbq93uM2buosAAAAABJRU5ErkJggg==';

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
 * Whether the last window closing ends Ferry: not on macOS (apps stay in the menu bar), not while
 * the person chose to keep it running in the tray.
 */
export function quitsWhenLastWindowCloses(platform: NodeJS.Platform, keepInTray: boolean): boolean {
  return platform !== 'darwin' && !keepInTray;
}

/**
 * Closing the last window: with nothing running it just closes (and Ferry quits, except on macOS);
 * with work running and a tray to come back to, ask whether to keep Ferry running there; without a
 * tray, ask whether to quit anyway.
 */
export type CloseDecision = 'close' | 'ask-keep-in-tray' | 'ask-quit-anyway';

export function onLastWindowClose(platform: NodeJS.Platform, hasTray: boolean, running: string | null): CloseDecision {
  if (running === null || platform === 'darwin') return 'close';
  return hasTray ? 'ask-keep-in-tray' : 'ask-quit-anyway';
}
