/* The only file that touches ipcMain: every contract channel, validated, from trusted frames only. */
// eslint-disable-next-line no-restricted-imports -- this is the one sanctioned ipcMain wrapper
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { invokeContract, type InvokeChannel } from '../../shared/ipc-contract';
import type { Core } from '../core/app';
import { dispatchInvoke } from '../core/kernel';

export const APP_ORIGIN = 'app://ferry';

/** Only our own top-level page, loaded from app://ferry, may call core. */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN || frame.url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}

export function registerIpc(core: Core, windows: () => readonly WebContents[]): () => void {
  const channels = Object.keys(invokeContract) as InvokeChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'Forbidden', kind: 'forbidden', message: 'Calls are accepted only from Ferry\'s own window.' } };
      }
      const result = await dispatchInvoke(core.handlers, channel, args);
      return result.ok ? { ok: true, result: result.result } : { ok: false, error: result.error };
    });
  }
  const unsubscribe = core.bus.subscribe((channel, payload) => {
    for (const contents of windows()) if (!contents.isDestroyed()) contents.send(channel, payload);
  });
  return () => {
    unsubscribe();
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
