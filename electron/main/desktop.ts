/**
 * Desktop habits: ferry:// links (registered with the OS, received at start, by a second instance
 * or by macOS' open-url), the tray, and notifications that open their subject when clicked.
 * The decisions are pure (shared/deep-links.ts, tray-menu.ts) and tested; this file only connects
 * them to Electron.
 */
import { app, Menu, nativeImage, Notification, Tray } from 'electron';
import { ferryLinkInArgs, FERRY_SCHEME, parseFerryLink, type OpenTarget } from '../../shared/deep-links';
import type { NotificationText } from '../../shared/notifications';
import { TRAY_ICON_DATA_URL, trayMenuTemplate } from './tray-menu';

export interface DesktopHost {
  /** Brings a window up (creating one if none is open). */
  showWindow(): void;
  /** Tells every window to show the target (core's `app:open`). */
  open(target: OpenTarget): void;
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
