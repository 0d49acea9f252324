/**
 * The preload: exposes Ferry's verbs (`window.api.settings.update(...)`) and nothing else.
 * No channel names, no ipcRenderer, no Node reach the page.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createAppApi, type HostFiles, type Transport } from '../../shared/api-client';
import { encodeBridgeError, isAppErrorShape, malformedReplyError } from '../../shared/errors';
import { ipcChannels, isEventChannel, type AppApi, type EventEnvelope, type InvokeEnvelope, type ReplyEnvelope } from '../../shared/ipc-contract';

let nextId = 1;
const listeners = new Map<string, Set<(payload: unknown) => void>>();
// Every event arrives on one channel as an event envelope; it goes to the page's listeners of its channel.
ipcRenderer.on(ipcChannels.event, (_event: IpcRendererEvent, envelope: EventEnvelope) => {
  for (const listener of listeners.get(envelope.channel) ?? []) listener(envelope.payload);
});

const transport: Transport = {
  async invoke(channel, args) {
    const request: InvokeEnvelope = { type: 'invoke', id: nextId++, channel, args };
    const reply = (await ipcRenderer.invoke(ipcChannels.invoke, request)) as ReplyEnvelope;
    if (reply.type === 'reply') return reply.result as never;
    // contextBridge keeps only an Error's message, so the whole error shape travels inside it;
    // the renderer's bootstrap turns it back into the RemoteError the browser host gives.
    throw encodeBridgeError(isAppErrorShape(reply.error) ? reply.error : malformedReplyError('an error without a code'));
  },
  subscribe(channel, listener) {
    if (!isEventChannel(channel)) throw new Error(`Unknown event ${String(channel)}`);
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    const entry = listener as (payload: unknown) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  },
};

// Dropped files already live on this machine: hand over their paths, never their bytes.
const files: HostFiles = {
  pathsFor: async (dropped) => dropped.map((file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0])),
};

const api = createAppApi(transport, files) satisfies AppApi;
contextBridge.exposeInMainWorld('api', api);
