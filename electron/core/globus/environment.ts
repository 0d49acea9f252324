import type { GlobusEnvironment } from '../../../shared/settings';

export type { GlobusEnvironment };

const AUTH_VAR = 'GLOBUS_SDK_SERVICE_URL_AUTH';
const TRANSFER_VAR = 'GLOBUS_SDK_SERVICE_URL_TRANSFER';
const TIMERS_VAR = 'GLOBUS_SDK_SERVICE_URL_TIMERS';
const GROUPS_VAR = 'GLOBUS_SDK_SERVICE_URL_GROUPS';
const VARS = [AUTH_VAR, TRANSFER_VAR, TIMERS_VAR, GROUPS_VAR] as const;

/**
 * Runs one @globus/sdk call against `env`.
 *
 * The SDK has no per-request base URL: it reads `GLOBUS_SDK_SERVICE_URL_<SERVICE>` from
 * `process.env` when it builds the URL, which happens synchronously inside the service method,
 * before its first await. So for a custom environment we set the service variables, call `fn`
 * synchronously, and put the previous values back before returning the promise: every call
 * honours the environment it was given, even with two environments in one process.
 *
 * `production` leaves `process.env` as it is, so the SDK's own defaults apply (including a
 * `GLOBUS_SDK_ENVIRONMENT` or `GLOBUS_SDK_SERVICE_URL_*` set outside Ferry).
 */
export function withSdkEnvironment<T>(env: GlobusEnvironment, fn: () => T): T {
  if (env.kind === 'production') return fn();
  const saved = VARS.map((name) => process.env[name]);
  process.env[AUTH_VAR] = stripSlash(env.authUrl);
  process.env[TRANSFER_VAR] = stripSlash(env.transferUrl);
  process.env[TIMERS_VAR] = stripSlash(env.timersUrl ?? env.transferUrl);
  process.env[GROUPS_VAR] = stripSlash(env.groupsUrl ?? env.transferUrl);
  try {
    return fn();
  } finally {
    VARS.forEach((name, i) => restore(name, saved[i]));
  }
}

/** A stable key for "which Globus": tokens issued by one environment are never sent to another. */
export function environmentKey(env: GlobusEnvironment): string {
  return env.kind === 'production' ? 'production' : `custom:${stripSlash(env.authUrl)}|${stripSlash(env.transferUrl)}`;
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
