/**
 * One client for every transport: Electron preload (ipcRenderer) and the browser host
 * (WebSocket) both hand a `Transport` to `createAppApi` and expose the verbs it returns.
 */
import type {
  AppApi,
  EventChannel,
  EventPayload,
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
  Listener,
  Unsubscribe,
} from './ipc-contract';

export interface Transport {
  invoke<C extends InvokeChannel>(channel: C, args: InvokeArgs<C>): Promise<InvokeResult<C>>;
  subscribe<E extends EventChannel>(channel: E, listener: Listener<EventPayload<E>>): Unsubscribe;
}

export function createAppApi(t: Transport): AppApi {
  return {
    app: {
      getInfo: () => t.invoke('app:get-info', []),
    },
    settings: {
      get: () => t.invoke('settings:get', []),
      update: (patch) => t.invoke('settings:update', [patch]),
      reset: () => t.invoke('settings:reset', []),
      onChanged: (listener) => t.subscribe('settings:changed', listener),
    },
    shell: {
      openExternal: (url) => t.invoke('shell:open-external', [url]),
    },
  } satisfies AppApi;
}
