/**
 * Typed client for the emulator-only control endpoints (`/_emulator/...`). Tests and the demo use
 * it to switch faults on and off; production code never sees these endpoints.
 */
import type { FileErrorCode } from './faults';

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
}

export function createControlClient(baseUrl: string): EmulatorControl {
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Emulator control ${path} failed: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
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
  };
}
