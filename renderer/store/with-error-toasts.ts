import { RemoteError } from '../../shared/errors';
import type { AppApi } from '../../shared/ipc-contract';

/**
 * Refusals a view shows where they happened (and offers the fix, such as a consent), so a toast
 * would only say it twice: `namespace.verb` for every refusal of a verb, `namespace.verb:Code`
 * for one error code.
 */
export const errorsShownByView: ReadonlySet<string> = new Set(['transfers.sendLocal', 'https.download', 'https.upload', 'https.resume:ConsentRequired']);

function shownBy(set: ReadonlySet<string>, verb: string, error: unknown): boolean {
  const code = error instanceof RemoteError ? error.code : null;
  return set.has(verb) || (code !== null && set.has(`${verb}:${code}`));
}

/**
 * Wraps every verb of the API so that any rejected call reports its message (one place,
 * so no call can forget), then rejects as before for the caller to handle. Verbs in
 * `shownByView` only reject: their view says why.
 */
export function withErrorToasts(api: AppApi, report: (error: unknown) => void, shownByView: ReadonlySet<string> = errorsShownByView): AppApi {
  const wrapFn =
    (fn: (...a: unknown[]) => unknown, verb: string) =>
    (...args: unknown[]) => {
      const result = fn(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).catch((error: unknown) => {
          if (!shownBy(shownByView, verb, error)) report(error);
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
                wrapped.set(verb, typeof value === 'function' ? wrapFn(value.bind(inner) as (...a: unknown[]) => unknown, `${name}.${verb}`) : value);
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
