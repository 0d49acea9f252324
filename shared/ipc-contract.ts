/**
 * The one contract between the renderer and a host (Electron main or the serve bridge). It only
 * assembles the slices in `./contract/`, one per capability, each in the same five parts:
 *
 * - `<x>Invoke`: request/response channels, each with a zod schema for its arguments. Both
 *   hosts parse every call against it (dispatchInvoke) before core sees it.
 * - `<X>Results`: what each channel resolves to (plain, readonly JSON).
 * - `<x>Events`: push channels from core to every window, each with its payload schema.
 * - `<X>Api`: the verbs the renderer sees (`api.settings.update(patch)`).
 * - `create<X>Api(transport)`: those verbs over any transport (./api-client).
 *
 * Add a channel to its slice first; the compiler then points at every host, handler and client
 * that has to follow.
 */
import type { z } from 'zod';
import { accountEvents, accountInvoke, type AccountApi, type AccountResults } from './contract/account';
import { activityEvents, activityInvoke, type ActivityApi, type ActivityResults } from './contract/activity';
import { alertsEvents, alertsInvoke, type AlertsApi, type AlertsResults } from './contract/alerts';
import { appEvents, appInvoke, type AppInfoApi, type AppResults } from './contract/app';
import { collectionsEvents, collectionsInvoke, type CollectionsApi, type CollectionsResults } from './contract/collections';
import { connectorsEvents, connectorsInvoke, type ConnectorsApi, type ConnectorsResults } from './contract/connectors';
import { objectStoresEvents, objectStoresInvoke, type ObjectStoresApi, type ObjectStoresResults } from './contract/object-stores';
import { queueEvents, queueInvoke, type QueueApi, type QueueResults } from './contract/queue';
import { settingsEvents, settingsInvoke, type SettingsApi, type SettingsResults } from './contract/settings';
import { syncsEvents, syncsInvoke, type SyncsApi, type SyncsResults } from './contract/syncs';
import { timersEvents, timersInvoke, type TimersApi, type TimersResults } from './contract/timers';
import { sharingEvents, sharingInvoke, type SharingApi, type SharingResults } from './contract/sharing';
import { healthEvents, healthInvoke, type HealthApi, type HealthResults } from './contract/health';
import { httpsTransfersEvents, httpsTransfersInvoke, type HttpsTransfersApi, type HttpsTransfersResults } from './contract/https-transfers';
import type { AppErrorShape } from './errors';

export { hostKinds, type AppInfo, type HostKind } from './contract/app';

export const invokeContract = {
  ...appInvoke,
  ...settingsInvoke,
  ...accountInvoke,
  ...collectionsInvoke,
  ...activityInvoke,
  ...alertsInvoke,
  ...connectorsInvoke,
  ...objectStoresInvoke,
  ...syncsInvoke,
  ...queueInvoke,
  ...timersInvoke,
  ...sharingInvoke,
  ...healthInvoke,
  ...httpsTransfersInvoke,
} as const satisfies Record<string, { readonly args: z.ZodTuple }>;

export interface InvokeResults
  extends AppResults,
    SettingsResults,
    AccountResults,
    CollectionsResults,
    ActivityResults,
    AlertsResults,
    ConnectorsResults,
    ObjectStoresResults,
    SyncsResults,
    QueueResults,
    TimersResults,
    SharingResults,
    HealthResults,
    HttpsTransfersResults {}

export const eventContract = {
  ...appEvents,
  ...settingsEvents,
  ...accountEvents,
  ...collectionsEvents,
  ...activityEvents,
  ...alertsEvents,
  ...connectorsEvents,
  ...objectStoresEvents,
  ...syncsEvents,
  ...queueEvents,
  ...timersEvents,
  ...sharingEvents,
  ...healthEvents,
  ...httpsTransfersEvents,
} as const satisfies Record<string, z.ZodType>;

export type InvokeChannel = keyof typeof invokeContract;
export type EventChannel = keyof typeof eventContract;
/** Arguments as a caller writes them. */
export type InvokeArgs<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['args']>;
/** Arguments after the host parsed them: what handlers receive. */
export type ParsedArgs<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['args']>;
export type InvokeResult<C extends InvokeChannel> = InvokeResults[C];
export type EventPayload<E extends EventChannel> = z.output<(typeof eventContract)[E]>;

// Every channel has a result type and every result type a channel.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractComplete: Same<keyof InvokeResults, InvokeChannel> = true;
void contractComplete;

/** What core implements once and both hosts register. */
export type HandlerTable = {
  readonly [C in InvokeChannel]: (...args: ParsedArgs<C>) => Promise<InvokeResult<C>>;
};

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(invokeContract, value);
}

export function isEventChannel(value: unknown): value is EventChannel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(eventContract, value);
}

export type Unsubscribe = () => void;
export type Listener<T> = (payload: T) => void;

/** The renderer's whole view of the world. Every `onX` returns an unsubscribe. */
export interface AppApi extends AppInfoApi, CollectionsApi {
  readonly settings: SettingsApi;
  readonly account: AccountApi;
  readonly activity: ActivityApi;
  readonly alerts: AlertsApi;
  readonly connectors: ConnectorsApi;
  readonly objectStores: ObjectStoresApi;
  readonly syncs: SyncsApi;
  readonly queue: QueueApi;
  readonly timers: TimersApi;
  readonly sharing: SharingApi;
  readonly health: HealthApi;
  readonly https: HttpsTransfersApi;
  /** Turns files a person dropped on the window into paths on this machine (no bytes cross the contract). */
  readonly files: {
    pathsFor(files: readonly unknown[]): Promise<readonly string[]>;
  };
}

/**
 * The one envelope every transport carries (Electron IPC, the WebSocket, the HTTP bridge):
 * a request, its reply or its error (matched by id), and pushed events.
 */
export interface InvokeEnvelope {
  readonly type: 'invoke';
  readonly id: number;
  readonly channel: string;
  readonly args: unknown;
}
export type ReplyEnvelope =
  | { readonly type: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: AppErrorShape };
export interface EventEnvelope {
  readonly type: 'event';
  readonly channel: string;
  readonly payload: unknown;
}
export type Envelope = InvokeEnvelope | ReplyEnvelope | EventEnvelope;

/** Electron's two IPC channels: every invoke goes over one, every event over the other. */
export const ipcChannels = { invoke: 'ferry:invoke', event: 'ferry:event' } as const;
