import type { AppApi } from '../../shared/ipc-contract';

/**
 * Wraps every verb of the API so that any rejected call reports its message (one place,
 * so no call can forget), then rejects as before for the caller to handle.
 */
export function withErrorToasts(api: AppApi, report: (error: unknown) => void): AppApi {
  const wrapFn =
    (fn: (...a: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const result = fn(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).catch((error: unknown) => {
          report(error);
          throw error;
        });
      }
      return result;
    };
  const namespaces = new Map<string, unknown>();
  return new Proxy({} as AppApi, {
    get(_target, name: string) {
      if (!namespaces.has(name)) {
        const inner = (api as unknown as Record<string, Record<string, unknown>>)[name];
        const wrapped = new Map<string, unknown>();
        namespaces.set(
          name,
          new Proxy({} as Record<string, unknown>, {
            get(_t, verb: string) {
              if (!wrapped.has(verb)) {
                const value = inner?.[verb];
                wrapped.set(verb, typeof value === 'function' ? wrapFn(value.bind(inner) as (...a: unknown[]) => unknown) : value);
              }
              return wrapped.get(verb);
            },
          }),
        );
      }
      return namespaces.get(name);
    },
  });
}
