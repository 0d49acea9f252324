/**
 * One client for every transport: Electron preload (ipcRenderer) and the browser host
 * (WebSocket) both hand a `Transport` to `createAppApi` and expose the verbs it returns.
 */
import { decodeBridgeError } from './errors';
import { createAccountApi } from './contract/account';
import { createActivityApi } from './contract/activity';
import { createAlertsApi } from './contract/alerts';
import { createAppInfoApi } from './contract/app';
import { createCollectionsApi } from './contract/collections';
import { createConnectorsApi } from './contract/connectors';
import { createObjectStoresApi } from './contract/object-stores';
import { createSettingsApi } from './contract/settings';
import { createQueueApi } from './contract/queue';
import { createSyncsApi } from './contract/syncs';
import { createTimersApi } from './contract/timers';
import { createSharingApi } from './contract/sharing';
import { createHealthApi } from './contract/health';
import { createHttpsTransfersApi } from './contract/https-transfers';
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
    ...createAppInfoApi(t),
    ...createCollectionsApi(t),
    settings: createSettingsApi(t),
    account: createAccountApi(t),
    activity: createActivityApi(t),
    alerts: createAlertsApi(t),
    connectors: createConnectorsApi(t),
    objectStores: createObjectStoresApi(t),
    syncs: createSyncsApi(t),
    queue: createQueueApi(t),
    timers: createTimersApi(t),
    sharing: createSharingApi(t),
    health: createHealthApi(t),
    https: createHttpsTransfersApi(t),
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
