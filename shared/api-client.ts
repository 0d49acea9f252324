/**
 * One client for every transport: Electron preload (ipcRenderer) and the browser host
 * (WebSocket) both hand a `Transport` to `createAppApi` and expose the verbs it returns.
 */
import { decodeBridgeError } from './errors';
import { createConnectorsApi } from './contract/connectors';
import { createProxyEndpointsApi } from './contract/proxy-endpoints';
import { createQueueApi } from './contract/queue';
import { createSyncsApi } from './contract/syncs';
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

/** How this host turns dropped files into local paths (Electron: webUtils; browser: upload to the host). */
export interface HostFiles {
  pathsFor(files: readonly unknown[]): Promise<readonly string[]>;
}

export function createAppApi(t: Transport, files: HostFiles): AppApi {
  return {
    files,
    connectors: createConnectorsApi(t),
    proxyEndpoints: createProxyEndpointsApi(t),
    syncs: createSyncsApi(t),
    queue: createQueueApi(t),

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
    account: {
      getStatus: () => t.invoke('account:get-status', []),
      signIn: (options = {}) => t.invoke('account:sign-in', [{ ...options, collections: options.collections ? [...options.collections] : undefined }]),
      beginPasteSignIn: (options = {}) =>
        t.invoke('account:begin-paste-sign-in', [{ ...options, collections: options.collections ? [...options.collections] : undefined }]),
      completePasteSignIn: (code) => t.invoke('account:complete-paste-sign-in', [code]),
      cancelSignIn: () => t.invoke('account:cancel-sign-in', []),
      addConsent: (ids) => t.invoke('account:add-consent', [[...ids]]),
      signOut: () => t.invoke('account:sign-out', []),
      onStatus: (listener) => t.subscribe('account:status', listener),
    },
    collections: {
      search: (text) => t.invoke('collections:search', [text]),
      get: (id) => t.invoke('collections:get', [id]),
      ls: (id, path) => t.invoke('collections:ls', [id, path]),
      mkdir: (id, path) => t.invoke('collections:mkdir', [id, path]),
      rename: (id, oldPath, newPath) => t.invoke('collections:rename', [id, oldPath, newPath]),
      listBookmarks: () => t.invoke('collections:list-bookmarks', []),
      addBookmark: (bookmark) => t.invoke('collections:add-bookmark', [bookmark]),
      removeBookmark: (id) => t.invoke('collections:remove-bookmark', [id]),
    },
    transfers: {
      submit: (request) => t.invoke('transfers:submit', [request]),
    },
    activity: {
      snapshot: () => t.invoke('activity:snapshot', []),
      refresh: () => t.invoke('activity:refresh', []),
      detail: (id) => t.invoke('activity:detail', [id]),
      events: (id, page) => t.invoke('activity:events', [id, page]),
      files: (id, kind, marker) => t.invoke('activity:files', [id, kind, marker]),
      cancel: (id) => t.invoke('activity:cancel', [id]),
      resubmit: (id) => t.invoke('activity:resubmit', [id]),
      exportCsv: (filter, sort) =>
        t.invoke('activity:export-csv', [
          { ...filter, statuses: filter.statuses ? [...filter.statuses] : undefined },
          sort,
        ]),
      onDelta: (listener) => t.subscribe('activity:delta', listener),
      onStatus: (listener) => t.subscribe('activity:status', listener),
      onTaskEnded: (listener) => t.subscribe('activity:task-ended', listener),
      onTasksSummary: (listener) => t.subscribe('activity:tasks-summary', listener),
    },
  } satisfies AppApi;
}

/**
 * The renderer's side of Electron's bridge: every rejected call becomes the same RemoteError
 * (code, kind, details) the browser host gives. Synchronous returns (unsubscribe functions)
 * pass through untouched.
 */
export function withBridgedErrors(api: AppApi): AppApi {
  const wrapFunction = (fn: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
    const out = fn(...args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      return (out as Promise<unknown>).then(undefined, (error: unknown) => {
        throw decodeBridgeError(error);
      });
    }
    return out;
  };
  const wrapped: Record<string, unknown> = {};
  for (const [area, verbs] of Object.entries(api)) {
    const next: Record<string, unknown> = {};
    for (const [name, verb] of Object.entries(verbs as Record<string, unknown>)) {
      next[name] = typeof verb === 'function' ? wrapFunction(verb as (...a: unknown[]) => unknown) : verb;
    }
    wrapped[area] = next;
  }
  return wrapped as unknown as AppApi;
}
