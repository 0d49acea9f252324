/**
 * Typed client for the emulator-only control endpoints (`/_emulator/...`). Tests and the demo use
 * it to switch faults on and off; production code never sees these endpoints.
 */
import type { FileErrorCode } from './faults';
import type { HttpsDropMethod, HttpsRequestRecord } from './https-faults';

export interface FailRequestsOptions {
  /** How many of the next matching requests fail. */
  readonly count: number;
  /** HTTP status (default 503). */
  readonly status?: number;
  /** Globus error code in the body (default `ServiceUnavailable` for 503, else `InternalError`). */
  readonly code?: string;
  readonly message?: string;
  /** Only requests whose path starts with this, e.g. `/v0.10/task_list`. */
  readonly pathPrefix?: string;
}

export interface DelayOptions {
  readonly ms: number;
  /** How many requests to delay; omitted = every matching request until reset. */
  readonly count?: number;
  readonly pathPrefix?: string;
}

export interface FailFilesOptions {
  /** A file fails when its source or destination path contains this text. */
  readonly pathContains: string;
  readonly errorCode?: FileErrorCode;
  /** Fail this many times, then succeed; omitted = until reset (the task retries until its deadline). */
  readonly times?: number;
  readonly collectionId?: string;
}

export interface EmulatorSettings {
  readonly bandwidthBytesPerSecond?: number | null;
  readonly tokenLifetimeSeconds?: number;
  readonly retryIntervalMs?: number;
}

export interface EmulatorStateSummary {
  readonly collections: readonly { readonly id: string; readonly display_name: string; readonly root: string; readonly consent_required: boolean }[];
  readonly unfinishedTasks: number;
  readonly runningTasks: number;
  readonly requestFailuresPending: number;
  readonly fileFaults: number;
  readonly settings: Required<EmulatorSettings>;
}

export interface EmulatorClockState {
  /** Now on the emulator clock (ISO 8601) and in ms since the epoch. */
  readonly now: string;
  readonly nowMs: number;
  /** How far the emulator clock runs ahead of real time. */
  readonly offsetSeconds: number;
}

export interface InjectTaskEventOptions {
  /** Event code, e.g. `FILE_NOT_FOUND`, `PERMISSION_DENIED`, `CONNECTION_RESET` (default `PERMISSION_DENIED`). */
  readonly code?: string;
  /** Default: the code in lower case with spaces (`file not found`). */
  readonly description?: string;
  /** Default: Transfer-like details with the GridFTP reply for a known file error code. */
  readonly details?: string;
  /** Default true: an error event, which raises the task's `faults` and sets its nice_status. */
  readonly isError?: boolean;
}

export interface DropHttpsOptions {
  /** GET (a download) or PUT (an upload). */
  readonly method: HttpsDropMethod;
  /** Bytes of body that cross before the connection drops (GET: sent; PUT: received, and nothing is kept). */
  readonly afterBytes: number;
  /** How many of the next matching requests drop (default 1). */
  readonly count?: number;
  readonly collectionId?: string;
  /** Only requests whose collection path contains this. */
  readonly pathContains?: string;
}

export interface GcpCollectionInit {
  readonly id: string;
  readonly displayName: string;
  /** The folder the collection's `/` maps to; default `/` (GCP serves local paths as they are). */
  readonly root?: string;
}

export interface EmulatorControl {
  /** Clears every fault switch, un-stalls and reactivates tasks. Tasks, tokens and files stay. */
  reset(): Promise<void>;
  failRequests(options: FailRequestsOptions): Promise<void>;
  delayResponses(options: DelayOptions): Promise<void>;
  failFiles(options: FailFilesOptions): Promise<{ readonly id: string }>;
  /** A stalled task stays ACTIVE with no progress until un-stalled. */
  stallTask(taskId: string, stalled?: boolean): Promise<void>;
  /** An INACTIVE task stops and resumes when reactivated (inactive=false). */
  setTaskInactive(taskId: string, inactive?: boolean, reason?: string): Promise<void>;
  /** Every access token expires now; refresh tokens stay valid. */
  expireTokens(): Promise<{ readonly expired: number }>;
  requireConsent(collectionId: string, required?: boolean): Promise<void>;
  settings(settings: EmulatorSettings): Promise<void>;
  state(): Promise<EmulatorStateSummary>;
  /** Moves the emulator clock forward, carrying out every timer run due on the way; the task ids they submitted, in order. */
  advanceClock(seconds: number): Promise<EmulatorClockState & { readonly taskIds: readonly string[] }>;
  clock(): Promise<EmulatorClockState>;
  /** The person (default: the default person) withdraws data_access consent for a collection, which now requires it. */
  revokeConsent(collectionId: string, sub?: string): Promise<void>;
  /** Shortcut for consenting again: the person's existing tokens carry the collection's data_access again. */
  grantConsent(collectionId: string, sub?: string): Promise<void>;
  /** Who signs in at the consent page from now on (e.g. COLLEAGUE_IDENTITY); null = the default person again. */
  signInAs(identity: { readonly sub: string; readonly username?: string; readonly name?: string; readonly email?: string } | null): Promise<void>;
  /** Adds an event to an unfinished task; an error event raises its `faults`. */
  injectTaskEvent(taskId: string, options?: InjectTaskEventOptions): Promise<{ readonly faults: number }>;
  /** The next matching HTTPS GET or PUT (collection HTTPS access) loses its connection after `afterBytes` bytes. */
  dropHttps(options: DropHttpsOptions): Promise<void>;
  /** The HTTPS access requests answered since start or reset, oldest first (method, path, Range header). */
  httpsRequests(): Promise<readonly HttpsRequestRecord[]>;
  /** Creates (or updates) a Globus Connect Personal collection (`GCP_mapped_collection`, connected, no HTTPS access). */
  createGcpCollection(init: GcpCollectionInit): Promise<void>;
}

async function controlCall<T>(baseUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Emulator control ${path} failed: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** `POST /_emulator/clock/advance` on the emulator at `baseUrl`. */
export function advanceClock(baseUrl: string, seconds: number): Promise<EmulatorClockState & { readonly taskIds: readonly string[] }> {
  return controlCall(baseUrl, 'POST', '/clock/advance', { seconds });
}

/** `POST /_emulator/consents/revoke` on the emulator at `baseUrl`. */
export async function revokeConsent(baseUrl: string, collectionId: string, sub?: string): Promise<void> {
  await controlCall(baseUrl, 'POST', '/consents/revoke', { collectionId, ...(sub ? { sub } : {}) });
}

/** `POST /_emulator/consents/grant` on the emulator at `baseUrl`. */
export async function grantConsent(baseUrl: string, collectionId: string, sub?: string): Promise<void> {
  await controlCall(baseUrl, 'POST', '/consents/grant', { collectionId, ...(sub ? { sub } : {}) });
}

/** `POST /_emulator/tasks/{id}/events` on the emulator at `baseUrl`. */
export function injectTaskEvent(baseUrl: string, taskId: string, options: InjectTaskEventOptions = {}): Promise<{ readonly faults: number }> {
  return controlCall(baseUrl, 'POST', `/tasks/${encodeURIComponent(taskId)}/events`, options);
}

export function createControlClient(baseUrl: string): EmulatorControl {
  const call = <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => controlCall<T>(baseUrl, method, path, body);
  return {
    reset: () => call('POST', '/reset'),
    failRequests: (o) => call('POST', '/fail-requests', o),
    delayResponses: (o) => call('POST', '/delay', o),
    failFiles: (o) => call('POST', '/fail-files', o),
    stallTask: (id, stalled = true) => call('POST', `/tasks/${encodeURIComponent(id)}/stall`, { stalled }),
    setTaskInactive: (id, inactive = true, reason = 'Credentials for the collection expired') =>
      call('POST', `/tasks/${encodeURIComponent(id)}/inactive`, { inactive, reason }),
    expireTokens: () => call('POST', '/expire-tokens'),
    requireConsent: (collectionId, required = true) => call('POST', '/consent', { collectionId, required }),
    settings: (s) => call('POST', '/settings', s),
    state: () => call('GET', '/state'),
    advanceClock: (seconds) => advanceClock(baseUrl, seconds),
    clock: () => call('GET', '/clock'),
    revokeConsent: (collectionId, sub) => revokeConsent(baseUrl, collectionId, sub),
    grantConsent: (collectionId, sub) => grantConsent(baseUrl, collectionId, sub),
    injectTaskEvent: (taskId, options) => injectTaskEvent(baseUrl, taskId, options),
    dropHttps: (o) => call('POST', '/https/drop', o),
    httpsRequests: async () => (await call<{ requests: readonly HttpsRequestRecord[] }>('GET', '/https/requests')).requests,
    createGcpCollection: (init) => call('POST', '/collections/gcp', init),
    signInAs: async (identity) => {
      await call('POST', '/identity', identity === null ? { reset: true } : { sub: identity.sub, username: identity.username, name: identity.name, email: identity.email });
    },
  };
}
