import { timers } from '@globus/sdk';
import type { SDKOptions } from '@globus/sdk/services/types';
import { ConsentRequiredError, GlobusApiError, isRetryable, withSdkEnvironment, type GlobusAuth, type GlobusEnvironment } from '../globus';
import { collectionIdsIn } from './timer-mapping';
import { TIMERS_SCOPE, type TimersPort, type TransferTimerDocument } from './timers-port';

export interface TimersClientOptions {
  /** The sign-in: `tokenFor(TIMERS_SCOPE)` gives the Authorization for every call. */
  readonly auth: Pick<GlobusAuth, 'tokenFor'>;
  /** The Globus the sign-in belongs to (Settings), read before every call. */
  readonly environment: () => GlobusEnvironment;
  /** Per-request timeout. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Tries for reads on network errors and 5xx (default 3). */
  readonly readAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type Call = (headers: Record<string, string>, sdk: SDKOptions) => Promise<Response>;

/** The Timers API over @globus/sdk's `timers` service, with typed errors (GlobusApiError, ConsentRequiredError). */
export function createTimersClient(options: TimersClientOptions): TimersPort {
  const timeoutMs = options.requestTimeoutMs ?? 60_000;
  const readAttempts = options.readAttempts ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const once = async (call: Call): Promise<unknown> => {
    const token = await options.auth.tokenFor(TIMERS_SCOPE);
    const env = options.environment();
    let response: Response;
    try {
      response = await withSdkEnvironment(env, () => call({ Authorization: `Bearer ${token}` }, { fetch: { options: { signal: AbortSignal.timeout(timeoutMs) } } }));
    } catch (error) {
      throw transportError(error);
    }
    return readTimersJson(response);
  };

  /** Reads are retried on network errors and 5xx; changes are sent once (a retried create could make two timers). */
  const read = async (call: Call): Promise<unknown> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(call);
      } catch (error) {
        if (attempt >= readAttempts || !isRetryable(error)) throw error;
        await sleep(250 * 2 ** (attempt - 1));
      }
    }
  };

  return {
    async listJobs() {
      const body = await read((headers, sdk) => timers.jobs.getAll({ headers, query: { result_count: 25 } } as never, sdk));
      const jobs = isRecord(body) ? body.jobs : undefined;
      return Array.isArray(jobs) ? jobs : [];
    },
    getJob: (id) => read((headers, sdk) => timers.jobs.get(id, { headers, query: { page_size: 25 } } as never, sdk)),
    async createTimer(timer: TransferTimerDocument) {
      const body = await once((headers, sdk) => timers.timer.create({ headers, payload: { timer } } as never, sdk));
      return isRecord(body) && 'timer' in body ? body.timer : body;
    },
    renameJob: (id, name) => once((headers, sdk) => timers.jobs.patch(id, { headers, payload: { name } }, sdk)),
    async pauseJob(id) {
      await once((headers, sdk) => timers.jobs.pause(id, { headers }, sdk));
    },
    async resumeJob(id, { updateCredentials }) {
      // The Timers OpenAPI takes `update_credentials` as a query parameter; globus-sdk-python
      // sends it in the JSON body. Both are sent, so either reading of the API gets it.
      await once((headers, sdk) =>
        timers.jobs.resume(
          id,
          (updateCredentials
            ? { headers, query: { update_credentials: true }, payload: { update_credentials: true } }
            : { headers }) as never,
          sdk,
        ),
      );
    },
    async deleteJob(id) {
      await once((headers, sdk) => timers.jobs.remove(id, { headers }, sdk));
    },
  };
}

function transportError(error: unknown): GlobusApiError {
  if (error instanceof GlobusApiError) return error;
  const e = error as { name?: string; message?: string; code?: string } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return new GlobusApiError({ code: 'Timeout', status: 0, message: 'Globus Timers did not answer in time. Check your network and try again.' });
  }
  return new GlobusApiError({ code: 'NetworkError', status: 0, message: `Could not reach Globus Timers (${e?.code ?? e?.message ?? String(error)}). Check your network and try again.` });
}

/** A successful JSON answer, or the typed error Timers' answer describes. */
export async function readTimersJson(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  if (response.ok) return body ?? {};
  throw timersError(response.status, body, response.headers.get('x-request-id') ?? undefined);
}

/** Timers' error shapes: a Globus Auth requirements error (GARE), `{error: {code, detail}}`, FastAPI's `{detail}`. */
export function timersError(status: number, body: unknown, requestId?: string): GlobusApiError {
  const record = isRecord(body) ? body : {};
  const inner = isRecord(record.error) ? record.error : record;
  const params = isRecord(record.authorization_parameters) ? record.authorization_parameters : isRecord(inner.authorization_parameters) ? inner.authorization_parameters : null;
  const code = typeof inner.code === 'string' ? inner.code : typeof record.code === 'string' ? record.code : `HTTP${status}`;
  const message = detailText(inner.detail) ?? detailText(record.detail) ?? (typeof record.message === 'string' ? record.message : null) ?? defaultMessage(status);
  const extra = requestId ? { requestId } : {};
  if (params && (code === 'ConsentRequired' || status === 403 || status === 401)) {
    const requiredScopes = Array.isArray(params.required_scopes) ? params.required_scopes.filter((s): s is string => typeof s === 'string') : [];
    const sessionMessage = typeof params.session_message === 'string' ? params.session_message : null;
    return new ConsentRequiredError({
      message: sessionMessage ?? message,
      status,
      body,
      collectionIds: collectionIdsIn(requiredScopes),
      requiredScopes,
      ...extra,
    });
  }
  return new GlobusApiError({ code, status, message, body, ...extra });
}

function detailText(detail: unknown): string | null {
  if (typeof detail === 'string' && detail) return detail;
  if (Array.isArray(detail)) {
    const parts = detail.map((d) => (isRecord(d) && typeof d.msg === 'string' ? `${Array.isArray(d.loc) ? `${d.loc.slice(1).join('.')}: ` : ''}${d.msg}` : null)).filter((d): d is string => d !== null);
    if (parts.length > 0) return `Globus Timers refused the timer: ${parts.join('; ')}`;
  }
  return null;
}

function defaultMessage(status: number): string {
  if (status === 401) return 'Globus Timers did not accept Ferry\u2019s sign-in. Sign in again.';
  if (status === 403) return 'Globus Timers refused this request: you lack permission.';
  if (status === 404) return 'Globus Timers has no such timer (it may have been deleted). Reload the list.';
  if (status >= 500) return `Globus Timers had a problem (HTTP ${status}). Try again later.`;
  return `Globus Timers refused the request (HTTP ${status}).`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
