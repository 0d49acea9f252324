import { session, shell, type BrowserWindow, type WebContents } from 'electron';
import { isLoopbackHttpUrl, isSafeExternalUrl } from '../../shared/external-url';

export { CONTENT_SECURITY_POLICY, secureWebPreferences } from './web-preferences';

/** Opens an https URL in the system browser; everything else is dropped. */
export async function openExternalSafely(url: string): Promise<boolean> {
  if (!isSafeExternalUrl(url)) return false;
  await shell.openExternal(url);
  return true;
}

/**
 * The Globus sign-in page: https, or a loopback http address (a local Globus emulator set as a
 * custom environment in Settings). Nothing else reaches the system browser.
 */
export async function openSignInPage(url: string): Promise<void> {
  if (isSafeExternalUrl(url) || isLoopbackHttpUrl(url)) await shell.openExternal(url);
  else throw new Error('Refusing to open a sign-in page that is neither https nor on this machine.');
}

/** No navigation away from the app, no new windows, no webviews, no permissions. */
export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url);
    return { action: 'deny' };
  });
}

export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function hardenWindow(win: BrowserWindow): void {
  hardenContents(win.webContents);
}
