/**
 * The preload: exposes Ferry's verbs (`window.api.settings.update(...)`) and nothing else.
 * No channel names, no ipcRenderer, no Node reach the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createAppApi, type HostFiles, type Transport } from '../../shared/api-client';
import { encodeBridgeError, isAppErrorShape, malformedReplyError } from '../../shared/errors';
import { isEventChannel, type AppApi } from '../../shared/ipc-contract';

const transport: Transport = {
  async invoke(channel, args) {
    const reply = (await ipcRenderer.invoke(channel, ...(args as unknown[]))) as { ok: boolean; result?: unknown; error?: unknown };
    if (reply.ok) return reply.result as never;
    // contextBridge keeps only an Error's message, so the whole error shape travels inside it;
    // the renderer's bootstrap turns it back into the RemoteError the browser host gives.
    throw encodeBridgeError(isAppErrorShape(reply.error) ? reply.error : malformedReplyError('an error without a code'));
  },
  subscribe(channel, listener) {
    if (!isEventChannel(channel)) throw new Error(`Unknown event ${String(channel)}`);
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
};

// Dropped files already live on this machine: hand over their paths, never their bytes.
const files: HostFiles = {
  pathsFor: async (dropped) => dropped.map((file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0])),
};

const api = createAppApi(transport, files) satisfies AppApi;
contextBridge.exposeInMainWorld('api', api);
