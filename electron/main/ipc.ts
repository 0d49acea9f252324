/* The only file that touches ipcMain: every contract channel, validated, from trusted frames only. */
// eslint-disable-next-line no-restricted-imports -- this is the one sanctioned ipcMain wrapper
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { ipcChannels, type EventEnvelope, type ReplyEnvelope } from '../../shared/ipc-contract';
import type { Core } from '../core/app';
import { answerInvoke, parseInvokeEnvelope } from '../core/kernel';

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

/**
 * Every contract call arrives on one channel as an invoke envelope and is answered with a reply
 * or an error envelope; every event leaves on one channel as an event envelope: the same
 * envelope the WebSocket and the HTTP bridge carry.
 */
export function registerIpc(core: Core, windows: () => readonly WebContents[]): () => void {
  ipcMain.handle(ipcChannels.invoke, async (event, message: unknown): Promise<ReplyEnvelope> => {
    const parsed = parseInvokeEnvelope(message);
    if (!isTrustedSender(event)) {
      const id = parsed.ok ? parsed.envelope.id : (parsed.id ?? -1);
      return { type: 'error', id, error: { code: 'Forbidden', kind: 'forbidden', message: "Calls are accepted only from Ferry's own window." } };
    }
    return answerInvoke(core.handlers, parsed);
  });
  const unsubscribe = core.bus.subscribe((channel, payload) => {
    const envelope: EventEnvelope = { type: 'event', channel, payload };
    for (const contents of windows()) if (!contents.isDestroyed()) contents.send(ipcChannels.event, envelope);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(ipcChannels.invoke);
  };
}
