/**
 * The Electron host: windows, the app:// protocol, the menu, safeStorage and IPC wiring.
 * Everything Ferry does lives in electron/core; this file only connects it to Electron.
 */
import { app, BrowserWindow, safeStorage, webContents, type Tray } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventPayload } from '../../shared/ipc-contract';
import { taskEndedText, tasksSummaryText } from '../../shared/notifications';
import { createCore, describeActiveWork, trayStatusText } from '../core/app';
import { findPackageRoot } from '../core/kernel';
import { plainFileCipher, type SecretCipher } from '../core/globus';
import { recoverSettingsFile } from '../core/settings';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { confirmLastWindowClose, installDesktopHabits, listenForLinksEarly, notifyAbout, refreshTray, type DesktopHost } from './desktop';
import { APP_ORIGIN, registerIpc } from './ipc';
import { installMenu } from './menu';
import { hardenSession, hardenWindow, openExternalSafely, openSignInPage, secureWebPreferences } from './security';
import { quitsWhenLastWindowCloses } from './tray-menu';
import { loadWindowState, trackWindowState } from './window-state';

app.enableSandbox();
registerAppScheme();

const here = fileURLToPath(import.meta.url);
const pkg = findPackageRoot(here);

// The last resort: every IPC call is wrapped by dispatchInvoke, so what reaches here escaped a
// timer or a library; it is logged and the app keeps running instead of vanishing.
process.on('uncaughtException', (error) => console.error('Ferry: an unexpected error was caught and logged.', error));
process.on('unhandledRejection', (reason) => console.error('Ferry: an unexpected rejection was caught and logged.', reason));

let desktopHost: DesktopHost | null = null;
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  listenForLinksEarly(() => desktopHost);
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  hardenSession();
  serveRenderer(join(pkg.root, 'dist', 'renderer'));

  const dataDir = app.getPath('userData');
  const settingsNotice = recoverSettingsFile(dataDir);
  const settingsStore = new ElectronStore<Record<string, unknown>>({ name: 'settings', cwd: dataDir });
  const uiStore = new ElectronStore<Record<string, unknown>>({ name: 'window', cwd: dataDir });
  const core = createCore({
    host: 'electron',
    version: pkg.version,
    dataDir,
    settingsBackend: settingsStore,
    settingsNotice,
    secretCipher: keychainCipher(),
    openExternal: openExternalSafely,
    openSignInPage: openSignInPage,
    capabilities: { taskNotifications: 'host', opensSignInPage: 'host', label: 'desktop' },
  });
  // Whether the person chose to keep Ferry in the tray when closing its last window; set by the prompt.
  let keepInTray = false;
  let quitting = false;
  const trayRef: { current: Tray | null } = { current: null };
  const showWindow = () => {
    const [win] = BrowserWindow.getAllWindows();
    if (!win) return void createWindow();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
  const desktop: DesktopHost = {
    showWindow,
    open: (target) => core.open(target),
    running: async () => {
      const work = await core.activeWork();
      return { text: describeActiveWork(work), tray: trayStatusText(work), alerts: work.alerts };
    },
  };
  desktopHost = desktop;
  // A task Ferry submitted ended, or a batch of queue/sync tasks did: one desktop notification
  // (the setting is checked in core).
  // Clicking one opens its subject (the task, or Activity for a summary).
  core.bus.subscribe((channel, payload) => {
    if (channel === 'activity:task-ended') {
      const { row } = payload as EventPayload<'activity:task-ended'>;
      notifyAbout(desktop, taskEndedText(row), { kind: 'task', taskId: row.task_id });
    } else if (channel === 'activity:tasks-summary') {
      notifyAbout(desktop, tasksSummaryText(payload as EventPayload<'activity:tasks-summary'>), { kind: 'area', area: 'activity' });
    } else if (channel === 'alerts:notify') {
      // A watchdog alarm, a task that needs attention, the daily summary: Activity lists the alerts.
      const { title, body } = payload as EventPayload<'alerts:notify'>;
      notifyAbout(desktop, { title, body }, { kind: 'area', area: 'activity' });
    }
  });
  registerIpc(core, () => webContents.getAllWebContents().filter((c) => c.getURL().startsWith(APP_ORIGIN)));

  const createWindow = () => {
    const state = loadWindowState(uiStore);
    const win = new BrowserWindow({
      ...state.bounds,
      minWidth: 880,
      minHeight: 560,
      show: false,
      title: 'Ferry',
      webPreferences: { ...secureWebPreferences, preload: join(pkg.root, 'dist', 'preload', 'preload.cjs') },
    });
    hardenWindow(win);
    trackWindowState(win, uiStore);
    // The last window closing while work runs asks first (keep running in the tray, or quit).
    let confirmed = false;
    win.on('close', (event) => {
      if (confirmed || quitting || BrowserWindow.getAllWindows().length > 1) return;
      event.preventDefault();
      void confirmLastWindowClose(win, desktop, trayRef.current !== null).then(({ close, keepInTray: keep }) => {
        if (!close) return;
        keepInTray = keep;
        confirmed = true;
        win.close();
      });
    });
    if (state.maximized) win.maximize();
    win.once('ready-to-show', () => win.show());
    void win.loadURL(`${APP_ORIGIN}/index.html`);
    return win;
  };

  installMenu(process.platform === 'darwin', () => void createWindow());
  createWindow();
  // ferry:// links, the tray and a second launch all bring the window up (single instance).
  const { tray } = installDesktopHabits(desktop);
  trayRef.current = tray;
  // The tray's tooltip and icon follow what runs and the alerts (coalesced).
  let trayTimer: ReturnType<typeof setTimeout> | undefined;
  const trayChannels = new Set(['activity:delta', 'syncs:changed', 'queue:changed', 'object-stores:changed', 'alerts:changed']);
  core.bus.subscribe((channel) => {
    if (!trayChannels.has(channel) || trayTimer) return;
    trayTimer = setTimeout(() => {
      trayTimer = undefined;
      void desktop.running().then((status) => refreshTray(tray, status));
    }, 1000);
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
  app.on('window-all-closed', () => {
    if (quitsWhenLastWindowCloses(process.platform, keepInTray)) return app.quit();
  });
  // Stop what core runs (endpoints, the queue, sync runs) before the process ends.
  let disposed = false;
  app.on('before-quit', (event) => {
    quitting = true;
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    void core
      .dispose()
      .catch((error: unknown) => console.error('Ferry: shutting down did not finish cleanly', error))
      .finally(() => app.quit());
  });
}

/** Tokens at rest through the OS keychain (safeStorage); a 0600 file where none is available. */
function keychainCipher(): SecretCipher {
  if (!safeStorage.isEncryptionAvailable()) return plainFileCipher();
  return {
    kind: 'os-keychain',
    encrypt: (text) => safeStorage.encryptString(text),
    decrypt: (bytes) => safeStorage.decryptString(Buffer.from(bytes)),
  };
}
