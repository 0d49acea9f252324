/**
 * The one contract between the renderer and a host (Electron main or the serve bridge).
 *
 * - `invokeContract`: request/response channels, each with a zod schema for its arguments.
 *   Both hosts parse every call against it before core sees it.
 * - `InvokeResults`: what each channel resolves to (plain, readonly JSON).
 * - `eventContract`: push channels from core to every window, each with its payload schema.
 * - `AppApi`: the verbs the renderer sees (`api.settings.update(patch)`), built from the
 *   channels by `createAppApi` in `./api-client`.
 *
 * Add a channel here first; the compiler then points at every host, handler and client
 * that has to follow.
 */
import { z } from 'zod';
import { settingsPatchSchema, settingsSchema, type Settings, type SettingsPatch } from './settings';

export const hostKinds = ['electron', 'serve'] as const;
export type HostKind = (typeof hostKinds)[number];

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly host: HostKind;
  readonly platform: string;
  /** The folder this run reads and writes (settings, databases). */
  readonly dataDir: string;
  /** How secrets are kept at rest on this host. `file-0600` is not encrypted: the UI says so. */
  readonly secretStorage: 'os-keychain' | 'file-0600';
}

const noArgs = z.tuple([]);

export const invokeContract = {
  'app:get-info': { args: noArgs },
  'settings:get': { args: noArgs },
  'settings:update': { args: z.tuple([settingsPatchSchema]) },
  'settings:reset': { args: noArgs },
  'shell:open-external': { args: z.tuple([z.string().max(4096)]) },
} as const satisfies Record<string, { readonly args: z.ZodTuple }>;

export interface InvokeResults {
  'app:get-info': AppInfo;
  'settings:get': Settings;
  'settings:update': Settings;
  'settings:reset': Settings;
  'shell:open-external': { readonly opened: boolean };
}

export const eventContract = {
  'settings:changed': settingsSchema,
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
export interface AppApi {
  readonly app: {
    getInfo(): Promise<AppInfo>;
  };
  readonly settings: {
    get(): Promise<Settings>;
    update(patch: SettingsPatch): Promise<Settings>;
    reset(): Promise<Settings>;
    onChanged(listener: Listener<Settings>): Unsubscribe;
  };
  readonly shell: {
    /** Opens an https URL in the system browser; anything else is refused. */
    openExternal(url: string): Promise<{ readonly opened: boolean }>;
  };
}

/** Envelope shared by every transport (Electron IPC replies, WebSocket frames, HTTP bodies). */
export type Envelope =
  | { readonly type: 'invoke'; readonly id: number; readonly channel: string; readonly args: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly result: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: import('./errors').AppErrorShape }
  | { readonly type: 'event'; readonly channel: string; readonly payload: unknown };
