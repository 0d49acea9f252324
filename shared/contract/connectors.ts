/**
 * Contract slice: the Globus endpoints file (ProxyStore's GlobusEndpoints), MultiConnector policies
 * and Stage (issue 5).
 * Channels are named `connectors:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 *
 * Sizes that may exceed 2^53 (policy bounds, 9223372036854775807) cross as decimal strings or as
 * human text ("3 MB", "no limit") that core parses exactly. Files cross only as paths.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';

// ---------------------------------------------------------------------------------------------
// The Globus endpoints file (ProxyStore's GlobusEndpoints JSON)

/** One entry of the Globus endpoints file (ProxyStore's GlobusEndpoint, camelCase). */
export interface EndpointRow {
  readonly uuid: string;
  readonly endpointPath: string;
  readonly localPath: string;
  readonly hostRegex: string;
}

export interface EndpointFieldMessages {
  readonly uuid?: string;
  readonly endpointPath?: string;
  readonly localPath?: string;
  readonly hostRegex?: string;
}

export interface EndpointRowCheck {
  readonly messages: EndpointFieldMessages;
  /** Whether host_regex fully matches this machine's hostname; null while the regex is invalid. */
  readonly matchesHost: boolean | null;
}

export interface EndpointsCheck {
  readonly hostname: string;
  readonly rows: readonly EndpointRowCheck[];
  /** Messages about the whole table (none, or duplicate UUIDs are reported per row). */
  readonly table: readonly string[];
  readonly ok: boolean;
}

export interface EndpointsState {
  readonly hostname: string;
  /** The saved set, in order (from an import: the file's rows, a draft not saved yet). */
  readonly rows: readonly EndpointRow[];
  readonly check: EndpointsCheck;
  /** Where the set is kept (ProxyStore JSON). */
  readonly file: string;
  /** Why the saved file could not be read at start (the set is then empty). */
  readonly loadError: string | null;
}

export interface CollectionNames {
  readonly signedIn: boolean;
  /** Display name per UUID; null when Globus does not know it (or it cannot be read). */
  readonly names: { readonly [uuid: string]: string | null };
}

/** Where an import reads from: a file on this machine, or the text of a file the person picked. */
export type JsonSource = { readonly path: string } | { readonly text: string };

export interface ExportResult {
  /** The ProxyStore JSON text. */
  readonly text: string;
  /** Where it was written, when a path was given. */
  readonly path: string | null;
}

// ---------------------------------------------------------------------------------------------
// Connectors (ProxyStore MultiConnector)

export const connectorKinds = ['file', 'local', 'globus', 'endpoint', 'redis', 'multi', 'other'] as const;
export type ConnectorKind = (typeof connectorKinds)[number];

/** A connector's policy as the editor holds it: sizes are exact human text ("3 MB", "1234567 B", "no limit"). */
export interface PolicyDraft {
  readonly priority: number;
  /** null: every host; a string; or a list (kept as a list when exported). */
  readonly hostPattern: string | readonly string[] | null;
  readonly minSize: string;
  readonly maxSize: string;
  readonly subsetTags: readonly string[];
  readonly supersetTags: readonly string[];
}

export interface ConnectorDraft {
  readonly name: string;
  /** ProxyStore's class path, e.g. `proxystore.connectors.file.FileConnector`. */
  readonly connectorPath: string;
  /** The connector's ProxyStore config (`from_config` keyword arguments), plain JSON. */
  readonly config: { readonly [key: string]: unknown };
  readonly policy: PolicyDraft;
}

export const connectorDraftFields = ['name', 'connectorPath', 'config', 'priority', 'hostPattern', 'minSize', 'maxSize', 'subsetTags', 'supersetTags'] as const;
export type ConnectorDraftField = (typeof connectorDraftFields)[number];

export type ConnectorDormantReason = 'host' | 'unsupported' | 'error';

export interface ConnectorDraftCheck {
  readonly messages: { readonly [F in ConnectorDraftField]?: string };
  readonly type: ConnectorKind;
  /** Short class name, e.g. "FileConnector". */
  readonly typeLabel: string;
  /** Whether Ferry can build and use this connector type. */
  readonly supported: boolean;
  readonly dormant: boolean;
  readonly dormantReason: ConnectorDormantReason | null;
  readonly warning: string | null;
  /** One line describing where the objects go. */
  readonly detail: string;
  /** Exact bounds in bytes (decimal strings), null when the text cannot be read. */
  readonly minSizeBytes: string | null;
  readonly maxSizeBytes: string | null;
}

export interface ConnectorsCheck {
  readonly hostname: string;
  readonly connectors: readonly ConnectorDraftCheck[];
  readonly table: readonly string[];
  readonly ok: boolean;
}

export interface ConnectorDefaults {
  /** A store_dir suggestion for a new FileConnector. */
  readonly fileStoreDir: string;
}

export interface ConnectorsState {
  readonly hostname: string;
  readonly drafts: readonly ConnectorDraft[];
  readonly check: ConnectorsCheck;
  readonly file: string;
  readonly loadError: string | null;
  readonly defaults: ConnectorDefaults;
}

export interface RouteQueryInput {
  /** Human size text, e.g. "3 MB". */
  readonly size: string;
  readonly subsetTags: readonly string[];
  readonly supersetTags: readonly string[];
}

export interface RouteCandidateView {
  readonly name: string;
  readonly priority: number;
  readonly connectorPath: string;
  readonly status: 'chosen' | 'valid' | 'invalid' | 'dormant';
  /** Why the policy rejects the object (empty unless `invalid`); for dormant, why it is dormant. */
  readonly reasons: readonly string[];
}

export interface RouteView {
  readonly chosen: string | null;
  readonly chosenType: ConnectorKind | null;
  readonly candidates: readonly RouteCandidateView[];
  readonly message: string;
  /** The object size the route was computed for (decimal string), null when the size text is unreadable. */
  readonly sizeBytes: string | null;
  /** Why the route could not be computed (unreadable size, invalid drafts). */
  readonly error: string | null;
}

// ---------------------------------------------------------------------------------------------
// Stage

export interface PutTags {
  readonly subsetTags: readonly string[];
  readonly supersetTags: readonly string[];
}

export interface StagedFile {
  readonly path: string;
  readonly name: string;
  readonly sizeBytes: number;
  /** The connector the saved policies pick for this file. */
  readonly route: RouteView;
  /** True when the chosen connector is a GlobusConnector and nobody is signed in. */
  readonly needsSignIn: boolean;
  /** Why the path cannot be staged (missing, unreadable). */
  readonly error: string | null;
}

export interface StageInspection {
  readonly files: readonly StagedFile[];
  readonly signedIn: boolean;
}

export interface PutItem {
  /** Chosen by the caller; progress events and results carry it. */
  readonly id: string;
  readonly path: string;
}

export interface PutItemResult {
  readonly id: string;
  readonly path: string;
  readonly keyId: string | null;
  readonly connectorName: string | null;
  readonly error: string | null;
}

export const putStates = ['queued', 'running', 'done', 'failed'] as const;
export type PutState = (typeof putStates)[number];

export interface PutProgress {
  readonly id: string;
  readonly path: string;
  readonly state: PutState;
  readonly doneBytes: number;
  readonly totalBytes: number;
  readonly error: string | null;
}

/** An object put through the MultiConnector during this run. */
export interface StoredKey {
  readonly id: string;
  /** The staged file's name. */
  readonly name: string;
  readonly sourcePath: string;
  readonly sizeBytes: number;
  readonly connectorName: string;
  readonly connectorType: ConnectorKind;
  /** ProxyStore's MultiKey as plain JSON. */
  readonly key: unknown;
  readonly putAt: number;
}

export interface GetToFileResult {
  readonly path: string;
  readonly written: boolean;
}

// ---------------------------------------------------------------------------------------------
// Schemas

/**
 * Limits of what crosses this slice (every string and list is bounded; the free-form connector
 * configs are bounded by the contract's depth and size check in shared/json-limits.ts, and by
 * CONNECTOR_CONFIG_MAX_KEYS keys of at most CONNECTOR_CONFIG_MAX_KEY_LENGTH characters).
 */
export const connectorsLimits = {
  /** A path on this machine. */
  path: 4096,
  /** A connector's name, a tag. */
  name: 200,
  /** A Python class path. */
  connectorPath: 300,
  /** A Python host pattern (core refuses longer ones too). */
  pattern: 1000,
  /** A collection UUID, a key id, a staged item id. */
  id: 100,
  /** Size text ("3 MB", "no limit"). */
  size: 60,
  /** Text of a ProxyStore JSON file given instead of a path (characters). */
  jsonText: 5_000_000,
  endpoints: 200,
  connectors: 100,
  tags: 100,
  hostPatterns: 50,
  stagedFiles: 10_000,
  configKeys: 200,
} as const;
const L = connectorsLimits;

const text = (max: number) => z.string().max(max, { message: `must be at most ${max} characters`, abort: true });
/** An absolute path on this machine: no NUL (the OS would refuse it, or cut it there). */
const absolutePath = z
  .string()
  .min(1, 'path is required')
  .max(L.path, { message: `path is longer than ${L.path} characters`, abort: true })
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'path must be absolute')
  .refine((p) => !p.includes('\u0000'), 'path may not contain NUL characters');

export const endpointRowSchema = z
  .object({
    uuid: text(L.id),
    /** A path inside the Globus collection (not on this machine). */
    endpointPath: text(L.path),
    /** The same folder on this machine: the editor reports an empty or relative one per field. */
    localPath: text(L.path).refine((p) => !p.includes('\u0000'), 'local path may not contain NUL characters'),
    hostRegex: text(L.pattern),
  })
  .strict();
const endpointRowsSchema = z.array(endpointRowSchema).max(L.endpoints, `at most ${L.endpoints} Globus endpoints`);

export const jsonSourceSchema = z.union(
  [
    z.object({ path: absolutePath }).strict(),
    z.object({ text: z.string().min(1, 'the file is empty').max(L.jsonText, { message: 'the file is larger than 5 MB', abort: true }) }).strict(),
  ],
  { error: 'give either { path: an absolute path of a JSON file on this machine } or { text: the text of the file }' },
);
const exportTargetSchema = z.object({ path: absolutePath.optional() }).strict();

const tagsSchema = z.array(text(L.name)).max(L.tags, `at most ${L.tags} tags`);
export const policyDraftSchema = z
  .object({
    priority: z.number().int('priority must be a whole number').min(-1e9).max(1e9),
    hostPattern: z.union([text(L.pattern), z.array(text(L.pattern)).max(L.hostPatterns, `at most ${L.hostPatterns} host patterns`), z.null()]),
    minSize: text(L.size),
    maxSize: text(L.size),
    subsetTags: tagsSchema,
    supersetTags: tagsSchema,
  })
  .strict();
const isJsonObject = (v: unknown): v is { [key: string]: unknown } => typeof v === 'object' && v !== null && !Array.isArray(v);
/**
 * A connector's ProxyStore config: free-form JSON, bounded by the contract's depth and size check
 * (shared/json-limits.ts, run on every request before any schema) and here by its number of keys
 * and their length. Not a z.record: a record has no maximum size, and its issue path would echo
 * an overlong key back.
 */
const connectorConfigSchema = z
  .custom<{ [key: string]: unknown }>(isJsonObject, 'config must be a JSON object')
  .refine((c) => !isJsonObject(c) || Object.keys(c).length <= L.configKeys, `config has more than ${L.configKeys} keys`)
  .refine((c) => !isJsonObject(c) || Object.keys(c).every((k) => k.length <= L.name), `config keys must be at most ${L.name} characters`);
export const connectorDraftSchema = z
  .object({
    name: text(L.name),
    connectorPath: text(L.connectorPath).min(1, 'connector path is required'),
    config: connectorConfigSchema,
    policy: policyDraftSchema,
  })
  .strict();
const draftsSchema = z.array(connectorDraftSchema).max(L.connectors, `at most ${L.connectors} connectors`);
const routeQuerySchema = z.object({ size: text(L.size), subsetTags: tagsSchema, supersetTags: tagsSchema }).strict();
const putTagsSchema = z.object({ subsetTags: tagsSchema, supersetTags: tagsSchema }).strict();
const putItemSchema = z.object({ id: z.string().min(1).max(L.id), path: absolutePath }).strict();
const keyIdSchema = z.string().min(1, 'key id is required').max(L.id);
/** A listed key's id, or a key pasted from Python (ProxyStore's repr) for an object Ferry did not put. */
const keyRefSchema = z.union([
  keyIdSchema,
  z.object({ pasted: z.string().trim().min(1, 'Paste a ProxyStore key').max(4096, 'A ProxyStore key is at most 4096 characters') }).strict(),
]);
export type KeyRef = z.infer<typeof keyRefSchema>;

export const connectorsInvoke = {
  'connectors:host-info': { args: z.tuple([]) },

  'connectors:globus-endpoints-get': { args: z.tuple([]) },
  'connectors:globus-endpoints-check': { args: z.tuple([endpointRowsSchema]) },
  'connectors:globus-endpoints-save': { args: z.tuple([endpointRowsSchema]) },
  'connectors:globus-endpoints-import': { args: z.tuple([jsonSourceSchema]) },
  'connectors:globus-endpoints-export': { args: z.tuple([exportTargetSchema]) },
  'connectors:collection-names': { args: z.tuple([z.array(text(L.id)).max(L.endpoints, `at most ${L.endpoints} collections`)]) },

  'connectors:get': { args: z.tuple([]) },
  'connectors:check': { args: z.tuple([draftsSchema]) },
  'connectors:save': { args: z.tuple([draftsSchema]) },
  'connectors:import': { args: z.tuple([jsonSourceSchema]) },
  'connectors:export': { args: z.tuple([exportTargetSchema]) },
  'connectors:route': { args: z.tuple([routeQuerySchema, draftsSchema.nullable()]) },

  'connectors:stage-inspect': {
    args: z.tuple([z.array(absolutePath).min(1, 'add at least one file').max(L.stagedFiles, `at most ${L.stagedFiles} files`), putTagsSchema]),
  },
  'connectors:put': {
    args: z.tuple([z.array(putItemSchema).min(1, 'stage at least one file').max(L.stagedFiles, `at most ${L.stagedFiles} files`), putTagsSchema]),
  },
  'connectors:keys': { args: z.tuple([]) },
  'connectors:key-exists': { args: z.tuple([keyRefSchema]) },
  'connectors:get-to-file': { args: z.tuple([keyRefSchema, absolutePath.nullable()]) },
  'connectors:evict': { args: z.tuple([keyRefSchema]) },
} as const satisfies Record<`connectors:${string}`, { readonly args: z.ZodTuple }>;

export interface ConnectorsResults {
  'connectors:host-info': { readonly hostname: string };

  'connectors:globus-endpoints-get': EndpointsState;
  'connectors:globus-endpoints-check': EndpointsCheck;
  'connectors:globus-endpoints-save': EndpointsState;
  'connectors:globus-endpoints-import': EndpointsState;
  'connectors:globus-endpoints-export': ExportResult;
  'connectors:collection-names': CollectionNames;

  'connectors:get': ConnectorsState;
  'connectors:check': ConnectorsCheck;
  'connectors:save': ConnectorsState;
  'connectors:import': ConnectorsState;
  'connectors:export': ExportResult;
  'connectors:route': RouteView;

  'connectors:stage-inspect': StageInspection;
  'connectors:put': readonly PutItemResult[];
  'connectors:keys': readonly StoredKey[];
  'connectors:key-exists': { readonly exists: boolean };
  'connectors:get-to-file': GetToFileResult;
  'connectors:evict': readonly StoredKey[];
}

/** What core sends back: bounded generously, the point is the shape. */
const outText = z.string().max(100_000);
const count = z.number().min(0);

const putProgressSchema = z.object({
  id: outText,
  path: outText,
  state: z.enum(putStates),
  doneBytes: count,
  totalBytes: count,
  error: outText.nullable(),
}) satisfies z.ZodType<PutProgress>;

const storedKeySchema = z.object({
  id: outText,
  name: outText,
  sourcePath: outText,
  sizeBytes: count,
  connectorName: outText,
  connectorType: z.enum(connectorKinds),
  /** ProxyStore's MultiKey as plain JSON (bounded by the JSON limits of the transport). */
  key: z.unknown(),
  putAt: z.number(),
}) satisfies z.ZodType<StoredKey>;

export const connectorsEvents = {
  'connectors:put-progress': putProgressSchema,
  'connectors:keys-changed': z.array(storedKeySchema).readonly() satisfies z.ZodType<readonly StoredKey[]>,
} as const satisfies Record<`connectors:${string}`, z.ZodType>;

export interface ConnectorsApi {
  hostInfo(): Promise<{ readonly hostname: string }>;

  getGlobusEndpoints(): Promise<EndpointsState>;
  checkGlobusEndpoints(rows: readonly EndpointRow[]): Promise<EndpointsCheck>;
  saveGlobusEndpoints(rows: readonly EndpointRow[]): Promise<EndpointsState>;
  /** Reads a GlobusEndpoints file into draft rows (checked); nothing is saved until saveGlobusEndpoints. */
  importGlobusEndpoints(source: JsonSource): Promise<EndpointsState>;
  exportGlobusEndpoints(target?: { readonly path?: string }): Promise<ExportResult>;
  collectionNames(uuids: readonly string[]): Promise<CollectionNames>;

  get(): Promise<ConnectorsState>;
  check(drafts: readonly ConnectorDraft[]): Promise<ConnectorsCheck>;
  save(drafts: readonly ConnectorDraft[]): Promise<ConnectorsState>;
  /** Reads a MultiConnector config into drafts (checked); nothing is saved until save. */
  importConfig(source: JsonSource): Promise<ConnectorsState>;
  exportConfig(target?: { readonly path?: string }): Promise<ExportResult>;
  /** Where an object would go: against `drafts` when given, else the saved connectors. */
  route(query: RouteQueryInput, drafts?: readonly ConnectorDraft[] | null): Promise<RouteView>;

  inspect(paths: readonly string[], tags: PutTags): Promise<StageInspection>;
  put(items: readonly PutItem[], tags: PutTags): Promise<readonly PutItemResult[]>;
  keys(): Promise<readonly StoredKey[]>;
  exists(key: KeyRef): Promise<{ readonly exists: boolean }>;
  getToFile(key: KeyRef, destination: string | null): Promise<GetToFileResult>;
  evict(key: KeyRef): Promise<readonly StoredKey[]>;
  onPutProgress(listener: Listener<PutProgress>): Unsubscribe;
  onKeysChanged(listener: Listener<readonly StoredKey[]>): Unsubscribe;
}

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

/** The schemas take mutable arrays; the API takes readonly ones (copies are cheap at this size). */
const copy = <T>(value: T): Mutable<T> => JSON.parse(JSON.stringify(value)) as Mutable<T>;

export function createConnectorsApi(t: Transport): ConnectorsApi {
  return {
    hostInfo: () => t.invoke('connectors:host-info', []),

    getGlobusEndpoints: () => t.invoke('connectors:globus-endpoints-get', []),
    checkGlobusEndpoints: (rows) => t.invoke('connectors:globus-endpoints-check', [copy(rows)]),
    saveGlobusEndpoints: (rows) => t.invoke('connectors:globus-endpoints-save', [copy(rows)]),
    importGlobusEndpoints: (source) => t.invoke('connectors:globus-endpoints-import', [copy(source)]),
    exportGlobusEndpoints: (target = {}) => t.invoke('connectors:globus-endpoints-export', [copy(target)]),
    collectionNames: (uuids) => t.invoke('connectors:collection-names', [[...uuids]]),

    get: () => t.invoke('connectors:get', []),
    check: (drafts) => t.invoke('connectors:check', [copy(drafts)]),
    save: (drafts) => t.invoke('connectors:save', [copy(drafts)]),
    importConfig: (source) => t.invoke('connectors:import', [copy(source)]),
    exportConfig: (target = {}) => t.invoke('connectors:export', [copy(target)]),
    route: (query, drafts = null) => t.invoke('connectors:route', [copy(query), drafts ? copy(drafts) : null]),

    inspect: (paths, tags) => t.invoke('connectors:stage-inspect', [[...paths], copy(tags)]),
    put: (items, tags) => t.invoke('connectors:put', [copy(items), copy(tags)]),
    keys: () => t.invoke('connectors:keys', []),
    exists: (keyId) => t.invoke('connectors:key-exists', [keyId]),
    getToFile: (keyId, destination) => t.invoke('connectors:get-to-file', [keyId, destination]),
    evict: (keyId) => t.invoke('connectors:evict', [keyId]),
    onPutProgress: (listener) => t.subscribe('connectors:put-progress', listener),
    onKeysChanged: (listener) => t.subscribe('connectors:keys-changed', listener),
  };
}
