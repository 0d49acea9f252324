/**
 * Contract slice: object stores and the relay (issue 9). An object store is what ProxyStore calls an
 * endpoint: get/set/exists/evict over HTTP, in ProxyStore's folder layout, found by ProxyStore's
 * EndpointConnector. Channels are named `object-stores:<verb>`; ipc-contract.ts assembles every
 * slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';

/** ProxyStore's rule for endpoint names, which object stores follow (core checks it again): letters, digits, dash, underscore. */
export const OBJECT_STORE_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** ProxyStore's default maximum object size, in bytes. */
export const DEFAULT_MAX_OBJECT_SIZE = 100_000_000;

export const objectStoreNameSchema = z
  .string()
  .min(1, 'Give the object store a name.')
  .max(100, { message: 'Use a name of at most 100 characters.', abort: true })
  .regex(OBJECT_STORE_NAME_PATTERN, 'Use only letters, digits, dashes (-) and underscores (_) in the name; no spaces.');

export const objectStorePortSchema = z
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

/** Where an object store finds peers: nowhere (SOLO), this app's local relay, or a relay at an address. */
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

export const objectStoreStorages = ['sqlite', 'memory'] as const;
export type ObjectStoreStorage = (typeof objectStoreStorages)[number];

export const configureObjectStoreSchema = z
  .object({
    name: objectStoreNameSchema,
    /** Absent: a free port on 127.0.0.1 is picked. */
    port: objectStorePortSchema.optional(),
    storage: z.enum(objectStoreStorages, { error: 'Storage must be sqlite (on disk) or memory.' }).default('sqlite'),
    maxObjectSize: z
      .number({ error: 'Maximum object size must be a whole number of bytes.' })
      .int('Maximum object size must be a whole number of bytes.')
      .min(1, 'Maximum object size must be at least 1 byte.')
      .max(Number.MAX_SAFE_INTEGER, 'Maximum object size is too large.')
      .optional(),
    relay: relayChoiceSchema.default({ kind: 'none' }),
  })
  .strict();
export type ConfigureObjectStoreInput = z.input<typeof configureObjectStoreSchema>;

export const objectStoreStates = ['running', 'stopped', 'hanging'] as const;
export type ObjectStoreState = (typeof objectStoreStates)[number];
export const relayLinkStates = ['connecting', 'connected', 'disconnected', 'rejected', 'closed'] as const;
export type RelayLinkState = (typeof relayLinkStates)[number];
/** SOLO: no relay; PEERING: reaches other object stores through a relay. */
export const objectStoreModes = ['SOLO', 'PEERING'] as const;
export type ObjectStoreMode = (typeof objectStoreModes)[number];

export interface ObjectStorePeer {
  readonly uuid: string;
  readonly name: string;
  /** ISO time the peer registered with the relay. */
  readonly connectedAt: string;
}

export const peerConnectionStates = ['connecting', 'connected', 'closed', 'failed'] as const;
export type PeerConnectionStateView = (typeof peerConnectionStates)[number];

/** A WebRTC peer connection this object store has open (or opening) with another. */
export interface ObjectStoreConnection {
  readonly uuid: string;
  readonly name: string;
  readonly state: PeerConnectionStateView;
  /** Data channels (ProxyStore's peer_channels). */
  readonly channels: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly lastError: string | null;
}

/** One step of "test peer" (what `proxystore-endpoint test NAME --remote UUID put|get|exists|evict` does). */
export interface PeerTestStep {
  readonly op: 'put' | 'get' | 'exists' | 'evict';
  readonly ok: boolean;
  readonly ms: number;
  readonly error: string | null;
}

export interface PeerTestResult {
  readonly ok: boolean;
  readonly peer: string;
  readonly steps: readonly PeerTestStep[];
}

/** One configured object store, as the Object stores area shows it. */
export interface ObjectStoreRow {
  readonly name: string;
  readonly uuid: string;
  /** Its folder under the ProxyStore home (config.toml, blobs.db, log.txt). */
  readonly dir: string;
  /** `hanging`: daemon.pid names a process that is gone. */
  readonly state: ObjectStoreState;
  /** Served by this app (so the app can stop it); false when the CLI or Python serves it. */
  readonly runningHere: boolean;
  readonly pid: number | null;
  readonly host: string;
  readonly port: number;
  /** `http://host:port`, where ProxyStore clients reach it. */
  readonly url: string;
  readonly mode: ObjectStoreMode;
  readonly relayAddress: string | null;
  /** Only known while this app serves the object store. */
  readonly relayState: RelayLinkState | null;
  readonly relayError: string | null;
  /** Other object stores reachable through the relay right now. */
  readonly peers: readonly ObjectStorePeer[];
  /** Each peer connection with its state, channels, bytes and last error (only while this app serves it). */
  readonly connections?: readonly ObjectStoreConnection[];
  readonly storage: ObjectStoreStorage;
  /** Null when unknown (a memory object store another process serves). */
  readonly objectCount: number | null;
  readonly totalBytes: number | null;
  readonly maxObjectSize: number;
}

/** The relay this app can run on 127.0.0.1, for trying peering on one machine. */
export interface LocalRelayStatus {
  readonly address: string;
  readonly port: number;
  readonly peers: readonly ObjectStorePeer[];
}

export interface ObjectStoresSnapshot {
  /** The ProxyStore home folder the object stores live in ($PROXYSTORE_HOME or ProxyStore's default). */
  readonly home: string;
  readonly stores: readonly ObjectStoreRow[];
  readonly relay: LocalRelayStatus | null;
}

export const objectStoresInvoke = {
  'object-stores:list': { args: z.tuple([]) },
  'object-stores:configure': { args: z.tuple([configureObjectStoreSchema]) },
  'object-stores:start': { args: z.tuple([objectStoreNameSchema]) },
  'object-stores:stop': { args: z.tuple([objectStoreNameSchema]) },
  'object-stores:remove': { args: z.tuple([objectStoreNameSchema]) },
  'object-stores:start-relay': { args: z.tuple([]) },
  'object-stores:stop-relay': { args: z.tuple([]) },
  /** The local relay's shared secret, asked for only when a person shows it (never in events). */
  'object-stores:relay-secret': { args: z.tuple([]) },
  'object-stores:test-peer': {
    args: z.tuple([objectStoreNameSchema, z.string().trim().regex(/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i, 'The peer must be given by its UUID.')]),
  },
} as const satisfies Record<`object-stores:${string}`, { readonly args: z.ZodTuple }>;

export interface ObjectStoresResults {
  'object-stores:list': ObjectStoresSnapshot;
  'object-stores:configure': ObjectStoreRow;
  'object-stores:start': ObjectStoreRow;
  'object-stores:stop': ObjectStoreRow;
  'object-stores:remove': { readonly removed: string };
  'object-stores:start-relay': LocalRelayStatus;
  'object-stores:stop-relay': { readonly stopped: boolean };
  'object-stores:relay-secret': { readonly secret: string };
  'object-stores:test-peer': PeerTestResult;
}

/** What core sends back: bounded generously, the point is the shape. */
const outText = z.string().max(100_000);
const count = z.number().min(0);

const objectStorePeerSchema = z.object({ uuid: outText, name: outText, connectedAt: outText }) satisfies z.ZodType<ObjectStorePeer>;
const peersSchema = z.array(objectStorePeerSchema).readonly();

const objectStoreConnectionSchema = z.object({
  uuid: outText,
  name: outText,
  state: z.enum(peerConnectionStates),
  channels: count,
  bytesSent: count,
  bytesReceived: count,
  lastError: outText.nullable(),
}) satisfies z.ZodType<ObjectStoreConnection>;

const objectStoreRowSchema = z.object({
  name: outText,
  uuid: outText,
  dir: outText,
  state: z.enum(objectStoreStates),
  runningHere: z.boolean(),
  pid: z.number().int().nullable(),
  host: outText,
  port: z.number().int().min(0).max(65535),
  url: outText,
  mode: z.enum(objectStoreModes),
  relayAddress: outText.nullable(),
  relayState: z.enum(relayLinkStates).nullable(),
  relayError: outText.nullable(),
  peers: peersSchema,
  connections: z.array(objectStoreConnectionSchema).readonly().optional(),
  storage: z.enum(objectStoreStorages),
  objectCount: count.nullable(),
  totalBytes: count.nullable(),
  maxObjectSize: count,
}) satisfies z.ZodType<ObjectStoreRow>;

const localRelayStatusSchema = z.object({
  address: outText,
  port: z.number().int().min(0).max(65535),
  peers: peersSchema,
}) satisfies z.ZodType<LocalRelayStatus>;

const objectStoresSnapshotSchema = z.object({
  home: outText,
  stores: z.array(objectStoreRowSchema).readonly(),
  relay: localRelayStatusSchema.nullable(),
}) satisfies z.ZodType<ObjectStoresSnapshot>;

export const objectStoresEvents = {
  /** Pushed (coalesced) after any configure/start/stop/remove, object change, or peer change. */
  'object-stores:changed': objectStoresSnapshotSchema,
} as const satisfies Record<`object-stores:${string}`, z.ZodType>;

export interface ObjectStoresApi {
  list(): Promise<ObjectStoresSnapshot>;
  configure(input: ConfigureObjectStoreInput): Promise<ObjectStoreRow>;
  start(name: string): Promise<ObjectStoreRow>;
  stop(name: string): Promise<ObjectStoreRow>;
  /** Deletes the object store's folder, objects included; it must be stopped first. */
  remove(name: string): Promise<{ readonly removed: string }>;
  startRelay(): Promise<LocalRelayStatus>;
  stopRelay(): Promise<{ readonly stopped: boolean }>;
  /** The local relay's shared secret (for a Python endpoint's config); not-found when it is not running. */
  relaySecret(): Promise<{ readonly secret: string }>;
  /** Puts, gets, checks and evicts a small object through the peer connection to `peer`. */
  testPeer(name: string, peer: string): Promise<PeerTestResult>;
  onChanged(listener: Listener<ObjectStoresSnapshot>): Unsubscribe;
}

export function createObjectStoresApi(t: Transport): ObjectStoresApi {
  return {
    list: () => t.invoke('object-stores:list', []),
    configure: (input) => t.invoke('object-stores:configure', [input]),
    start: (name) => t.invoke('object-stores:start', [name]),
    stop: (name) => t.invoke('object-stores:stop', [name]),
    remove: (name) => t.invoke('object-stores:remove', [name]),
    startRelay: () => t.invoke('object-stores:start-relay', []),
    stopRelay: () => t.invoke('object-stores:stop-relay', []),
    relaySecret: () => t.invoke('object-stores:relay-secret', []),
    testPeer: (name, peer) => t.invoke('object-stores:test-peer', [name, peer]),
    onChanged: (listener) => t.subscribe('object-stores:changed', listener),
  };
}
