/**
 * Contract slice: ProxyStore-style object-store endpoints and the relay (issue 9).
 * Channels are named `endpoints:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';
import { payload } from './payload';

/** ProxyStore's rule for endpoint names (core checks it again): letters, digits, dash, underscore. */
export const ENDPOINT_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** ProxyStore's default maximum object size, in bytes. */
export const DEFAULT_MAX_OBJECT_SIZE = 100_000_000;

export const proxyEndpointNameSchema = z
  .string()
  .min(1, 'Give the endpoint a name.')
  .max(100, { message: 'Use a name of at most 100 characters.', abort: true })
  .regex(ENDPOINT_NAME_PATTERN, 'Use only letters, digits, dashes (-) and underscores (_) in the name; no spaces.');

export const proxyEndpointPortSchema = z
  .number({ error: 'Port must be a whole number from 1 to 65535.' })
  .int('Port must be a whole number from 1 to 65535.')
  .min(1, 'Port must be a whole number from 1 to 65535.')
  .max(65535, 'Port must be a whole number from 1 to 65535.');

export const relayAddressSchema = z
  .string()
  .trim()
  .max(2048, { message: 'The relay address is too long.', abort: true })
  // shared/ has no URL class (neither DOM nor Node): a scheme, a host, an optional port and path.
  .refine((value) => /^wss?:\/\/[^\s/?#@:]+(?::\d{1,5})?(?:[/?#]\S*)?$/i.test(value) || /^wss?:\/\/\[[0-9a-f:.]+\](?::\d{1,5})?(?:[/?#]\S*)?$/i.test(value), 'The relay address must look like ws://HOST:PORT or wss://HOST:PORT.');

export const relaySecretSchema = z.string().min(1, 'Enter the relay\u2019s shared secret.').max(1024, { message: 'The relay secret is too long.', abort: true });

/** Where an endpoint finds peers: nowhere (SOLO), this app's local relay, or a relay at an address. */
export const relayChoiceSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('none') }).strict(),
    z.object({ kind: z.literal('local') }).strict(),
    z.object({ kind: z.literal('address'), address: relayAddressSchema, secret: relaySecretSchema }).strict(),
  ],
  { error: 'Relay must be none, local, or an address with its secret.' },
);
export type RelayChoice = z.input<typeof relayChoiceSchema>;

export const proxyEndpointStorages = ['sqlite', 'memory'] as const;
export type ProxyEndpointStorage = (typeof proxyEndpointStorages)[number];

export const configureEndpointSchema = z
  .object({
    name: proxyEndpointNameSchema,
    /** Absent: a free port on 127.0.0.1 is picked. */
    port: proxyEndpointPortSchema.optional(),
    storage: z.enum(proxyEndpointStorages, { error: 'Storage must be sqlite (on disk) or memory.' }).default('sqlite'),
    maxObjectSize: z
      .number({ error: 'Maximum object size must be a whole number of bytes.' })
      .int('Maximum object size must be a whole number of bytes.')
      .min(1, 'Maximum object size must be at least 1 byte.')
      .max(Number.MAX_SAFE_INTEGER, 'Maximum object size is too large.')
      .optional(),
    relay: relayChoiceSchema.default({ kind: 'none' }),
  })
  .strict();
export type ConfigureEndpointInput = z.input<typeof configureEndpointSchema>;

export type ProxyEndpointState = 'running' | 'stopped' | 'hanging';
export type RelayLinkState = 'connecting' | 'connected' | 'disconnected' | 'rejected' | 'closed';

export interface ProxyEndpointPeer {
  readonly uuid: string;
  readonly name: string;
  /** ISO time the peer registered with the relay. */
  readonly connectedAt: string;
}

/** One configured endpoint, as the Endpoints area shows it. */
export interface ProxyEndpointRow {
  readonly name: string;
  readonly uuid: string;
  /** Its folder under the ProxyStore home (config.toml, blobs.db, log.txt). */
  readonly dir: string;
  /** `hanging`: daemon.pid names a process that is gone. */
  readonly state: ProxyEndpointState;
  /** Served by this app (so the app can stop it); false when the CLI or Python serves it. */
  readonly runningHere: boolean;
  readonly pid: number | null;
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, where ProxyStore clients reach it. */
  readonly url: string;
  readonly mode: 'SOLO' | 'PEERING';
  readonly relayAddress: string | null;
  /** Only known while this app serves the endpoint. */
  readonly relayState: RelayLinkState | null;
  readonly relayError: string | null;
  /** Other endpoints reachable through the relay right now. */
  readonly peers: readonly ProxyEndpointPeer[];
  readonly storage: ProxyEndpointStorage;
  /** Null when unknown (a memory endpoint another process serves). */
  readonly objectCount: number | null;
  readonly totalBytes: number | null;
  readonly maxObjectSize: number;
}

/** The relay this app can run on 127.0.0.1, for trying peering on one machine. */
export interface LocalRelayStatus {
  readonly address: string;
  readonly port: number;
  /** Shared secret endpoints present; the relay only listens on this machine. */
  readonly secret: string;
  readonly peers: readonly ProxyEndpointPeer[];
}

export interface ProxyEndpointsSnapshot {
  /** The ProxyStore home folder the endpoints live in ($PROXYSTORE_HOME or ProxyStore's default). */
  readonly home: string;
  readonly endpoints: readonly ProxyEndpointRow[];
  readonly relay: LocalRelayStatus | null;
}

export const proxyEndpointsInvoke = {
  'endpoints:list': { args: z.tuple([]) },
  'endpoints:configure': { args: z.tuple([configureEndpointSchema]) },
  'endpoints:start': { args: z.tuple([proxyEndpointNameSchema]) },
  'endpoints:stop': { args: z.tuple([proxyEndpointNameSchema]) },
  'endpoints:remove': { args: z.tuple([proxyEndpointNameSchema]) },
  'endpoints:start-relay': { args: z.tuple([]) },
  'endpoints:stop-relay': { args: z.tuple([]) },
} as const satisfies Record<`endpoints:${string}`, { readonly args: z.ZodTuple }>;

export interface ProxyEndpointsResults {
  'endpoints:list': ProxyEndpointsSnapshot;
  'endpoints:configure': ProxyEndpointRow;
  'endpoints:start': ProxyEndpointRow;
  'endpoints:stop': ProxyEndpointRow;
  'endpoints:remove': { readonly removed: string };
  'endpoints:start-relay': LocalRelayStatus;
  'endpoints:stop-relay': { readonly stopped: boolean };
}

export const proxyEndpointsEvents = {
  /** Pushed (coalesced) after any configure/start/stop/remove, object change, or peer change. */
  'endpoints:changed': payload<ProxyEndpointsSnapshot>(),
} as const satisfies Record<`endpoints:${string}`, z.ZodType>;

export interface ProxyEndpointsApi {
  list(): Promise<ProxyEndpointsSnapshot>;
  configure(input: ConfigureEndpointInput): Promise<ProxyEndpointRow>;
  start(name: string): Promise<ProxyEndpointRow>;
  stop(name: string): Promise<ProxyEndpointRow>;
  /** Deletes the endpoint's folder, objects included; it must be stopped first. */
  remove(name: string): Promise<{ readonly removed: string }>;
  startRelay(): Promise<LocalRelayStatus>;
  stopRelay(): Promise<{ readonly stopped: boolean }>;
  onChanged(listener: Listener<ProxyEndpointsSnapshot>): Unsubscribe;
}

export function createProxyEndpointsApi(t: Transport): ProxyEndpointsApi {
  return {
    list: () => t.invoke('endpoints:list', []),
    configure: (input) => t.invoke('endpoints:configure', [input]),
    start: (name) => t.invoke('endpoints:start', [name]),
    stop: (name) => t.invoke('endpoints:stop', [name]),
    remove: (name) => t.invoke('endpoints:remove', [name]),
    startRelay: () => t.invoke('endpoints:start-relay', []),
    stopRelay: () => t.invoke('endpoints:stop-relay', []),
    onChanged: (listener) => t.subscribe('endpoints:changed', listener),
  };
}
