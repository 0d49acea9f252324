import type { AppApi } from '../../shared/ipc-contract';

/**
 * Wraps every verb of the API so that any rejected call reports its message (one place,
 * so no call can forget), then rejects as before for the caller to handle.
 */
export function withErrorToasts(api: AppApi, report: (error: unknown) => void): AppApi {
  const wrap = (value: unknown): unknown => {
    if (typeof value === 'function') {
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown)(...args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          return (result as Promise<unknown>).catch((error: unknown) => {
            report(error);
            throw error;
          });
        }
        return result;
      };
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]));
    }
    return value;
  };
  return wrap(api) as AppApi;
}
