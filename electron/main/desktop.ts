/**
 * Desktop habits: ferry:// links (registered with the OS, received at start, by a second instance
 * or by macOS' open-url), the tray, and notifications that open their subject when clicked.
 * The decisions are pure (shared/deep-links.ts, tray-menu.ts) and tested; this file only connects
 * them to Electron.
 */
import { app, BrowserWindow, dialog, Menu, nativeImage, Notification, Tray } from 'electron';
import { ferryLinkInArgs, FERRY_SCHEME, parseFerryLink, type OpenTarget } from '../../shared/deep-links';
import type { NotificationText } from '../../shared/notifications';
import { onLastWindowClose, TRAY_ALERT_ICON_DATA_URL, TRAY_ICON_DATA_URL, trayMenuTemplate } from './tray-menu';

export interface DesktopHost {
  /** Brings a window up (creating one if none is open). */
  showWindow(): void;
  /** Tells every window to show the target (core's `app:open`). */
  open(target: OpenTarget): void;
  /** "2 transfers are running" (what quitting would stop), or null; and the tray's status line. */
  running(): Promise<{ readonly text: string | null; readonly tray: string; readonly alerts: number }>;
}

/** The tray's icon and tooltip follow what runs and whether anything needs the person. */
export function refreshTray(tray: Tray | null, status: { readonly tray: string; readonly alerts: number }): void {
  if (!tray || tray.isDestroyed()) return;
  tray.setToolTip(status.tray);
  tray.setImage(nativeImage.createFromDataURL(status.alerts > 0 ? TRAY_ALERT_ICON_DATA_URL : TRAY_ICON_DATA_URL));
}

/**
 * Closing the last window while transfers, sync runs, the queue or object stores run asks whether
 * to keep Ferry running in the tray (or, without a tray, whether to quit anyway). Resolves whether
 * the window may close, and whether Ferry should then stay in the tray.
 */
export async function confirmLastWindowClose(win: BrowserWindow, host: DesktopHost, hasTray: boolean): Promise<{ readonly close: boolean; readonly keepInTray: boolean }> {
  const { text } = await host.running();
  const decision = onLastWindowClose(process.platform, hasTray, text);
  if (decision === 'close') return { close: true, keepInTray: false };
  const keep = decision === 'ask-keep-in-tray';
  const { response } = await dialog.showMessageBox(win, {
    type: 'question',
    message: `${text ?? 'Work is running'}.`,
    detail: keep
      ? 'Ferry can keep them going from the tray: open it again or quit from the tray icon.'
      : 'Quitting stops them; syncs and the queue continue the next time Ferry starts.',
    buttons: keep ? ['Keep running in the tray', 'Quit Ferry', 'Cancel'] : ['Quit Ferry', 'Cancel'],
    defaultId: 0,
    cancelId: keep ? 2 : 1,
  });
  if (keep) return response === 2 ? { close: false, keepInTray: false } : { close: true, keepInTray: response === 0 };
  return { close: response === 0, keepInTray: false };
}

/** Before `app.whenReady()`: macOS delivers a link that launched the app before ready. */
export function listenForLinksEarly(host: () => DesktopHost | null): void {
  let early: OpenTarget | null = null;
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const target = parseFerryLink(url);
    if (!target) return;
    const h = host();
    if (h) {
      h.open(target);
      h.showWindow();
    } else early = target;
  });
  app.once('ready', () => {
    const h = host();
    if (early && h) h.open(early);
    early = null;
  });
}

/** After ready: register ferry://, take a link from the command line and from second instances. */
export function installDesktopHabits(host: DesktopHost): { tray: Tray | null } {
  if (!app.isDefaultProtocolClient(FERRY_SCHEME)) app.setAsDefaultProtocolClient(FERRY_SCHEME);
  const first = ferryLinkInArgs(process.argv);
  if (first) host.open(first);
  app.on('second-instance', (_event, argv) => {
    const target = ferryLinkInArgs(argv);
    if (target) host.open(target);
    host.showWindow();
  });
  return { tray: createTray(host) };
}

function createTray(host: DesktopHost): Tray | null {
  try {
    const tray = new Tray(nativeImage.createFromDataURL(TRAY_ICON_DATA_URL));
    tray.setToolTip('Ferry');
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate({
          show: () => host.showWindow(),
          open: (target) => {
            host.open(target);
            host.showWindow();
          },
          quit: () => app.quit(),
        }),
      ),
    );
    tray.on('click', () => host.showWindow());
    return tray;
  } catch (error) {
    // Some Linux desktops have no status area: Ferry then quits with its last window, as before.
    console.error('Ferry: no tray on this desktop', error);
    return null;
  }
}

/** A desktop notification that, when clicked, brings Ferry up showing its subject. */
export function notifyAbout(host: DesktopHost, text: NotificationText, subject: OpenTarget | null): void {
  if (!Notification.isSupported()) return;
  const n = new Notification({ title: text.title, body: text.body });
  n.on('click', () => {
    if (subject) host.open(subject);
    host.showWindow();
  });
  n.show();
}
