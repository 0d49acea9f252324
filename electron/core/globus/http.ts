import type { SDKOptions } from '@globus/sdk/services/types';
import { ConsentRequiredError, localError } from './errors';
import { collectionIdsInScopes } from './scopes';
import { GlobusApiError } from './transfer-port';

/** Bounded exponential backoff for 5xx and network errors. */
export interface RetryPolicy {
  /** Total tries, including the first. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 300, maxDelayMs: 5_000 };

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Worth another try: no answer at all, or a 5xx from Globus itself. Never a 4xx. A 5xx whose
 * code is `ExternalError.*` is the collection's own definite answer (e.g. `MkdirFailed.Exists`),
 * so it is not retried either.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof GlobusApiError)) return false;
  if (error.code === 'NetworkError' || error.code === 'Timeout') return true;
  return error.status >= 500 && error.status <= 599 && !error.code.startsWith('ExternalError.');
}

/** Delay before try number `attempt + 1` (attempt counts from 1): base * 2^(attempt-1), capped, with jitter. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.5 + random() / 2));
}

export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  sleep: Sleep = realSleep,
  random?: () => number,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
      await sleep(backoffDelay(policy, attempt, random));
    }
  }
}

/** SDK options for one request: a timeout through the fetch signal. */
export function requestOptions(timeoutMs: number): SDKOptions {
  return { fetch: { options: { signal: AbortSignal.timeout(timeoutMs) } } };
}

/** Runs an SDK call and turns a thrown fetch failure into a typed error. */
export async function sendSdk(service: string, start: () => Promise<Response>): Promise<Response> {
  try {
    return await start();
  } catch (error) {
    throw transportError(service, error);
  }
}

export function transportError(service: string, error: unknown): GlobusApiError {
  if (error instanceof GlobusApiError) return error;
  const e = error as { name?: string; message?: string; code?: string } | undefined;
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
    return localError('Timeout', `Globus ${service} did not answer in time. Check your network and try again.`);
  }
  const why = e?.code ?? e?.message ?? String(error);
  return localError('NetworkError', `Could not reach Globus ${service} (${why}). Check your network and try again.`);
}

export function requestIdOf(response: Response, body: unknown): string | undefined {
  const fromBody = isRecord(body) && typeof body.request_id === 'string' ? body.request_id : undefined;
  return fromBody ?? response.headers.get('x-request-id') ?? response.headers.get('x-transfer-request-id') ?? undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A successful JSON document, or a typed error for anything else. */
export async function readJson(service: string, response: Response, context?: { collectionId?: string }): Promise<unknown> {
  const body = await readBody(response);
  // Globus answers a reused submission id with the original task and code `Duplicate`.
  if (response.ok || (isRecord(body) && body.code === 'Duplicate' && typeof body.task_id === 'string')) {
    if (body === undefined || typeof body === 'string') {
      throw new GlobusApiError({
        code: 'InvalidResponse',
        message: `Globus ${service} sent an answer Ferry cannot read (HTTP ${response.status}).`,
        status: response.status,
        ...optionalRequestId(requestIdOf(response, body)),
      });
    }
    return body;
  }
  throw errorFromBody(service, response, body, context);
}

export function errorFromBody(
  service: string,
  response: Response,
  body: unknown,
  context?: { collectionId?: string },
): GlobusApiError {
  const status = response.status;
  const requestId = requestIdOf(response, body);
  const record = isRecord(body) ? body : {};
  const code =
    typeof record.code === 'string'
      ? record.code
      : typeof record.error === 'string'
        ? record.error
        : `HTTP${status}`;
  const message =
    (typeof record.message === 'string' && record.message) ||
    (typeof record.error_description === 'string' && record.error_description) ||
    (Array.isArray(record.errors) && isRecord(record.errors[0]) && typeof record.errors[0].detail === 'string'
      ? record.errors[0].detail
      : '') ||
    defaultMessage(service, status);
  if (code === 'ConsentRequired') {
    const requiredScopes = stringList(record.required_scopes ?? (isRecord(record.authorization_parameters) ? record.authorization_parameters.required_scopes : undefined));
    const fromScopes = collectionIdsInScopes(requiredScopes);
    const collectionIds = fromScopes.length > 0 ? fromScopes : context?.collectionId ? [context.collectionId.toLowerCase()] : [];
    return new ConsentRequiredError({ message, status, ...optionalRequestId(requestId), body, collectionIds, requiredScopes });
  }
  return new GlobusApiError({ code, message, status, ...optionalRequestId(requestId), body });
}

function defaultMessage(service: string, status: number): string {
  if (status === 401) return `Globus ${service} did not accept Ferry's sign-in. Sign in again.`;
  if (status === 403) return `Globus ${service} refused this request: you lack permission.`;
  if (status === 404) return `Globus ${service} could not find that.`;
  if (status >= 500) return `Globus ${service} had a problem (HTTP ${status}). Try again later.`;
  return `Globus ${service} refused the request (HTTP ${status}).`;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function optionalRequestId(requestId: string | undefined): { requestId?: string } {
  return requestId ? { requestId } : {};
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when a 401 body asks for a new authorization (session/consent) instead of a refresh. */
export function hasAuthorizationRequirements(body: unknown): boolean {
  return isRecord(body) && isRecord(body.authorization_parameters);
}
