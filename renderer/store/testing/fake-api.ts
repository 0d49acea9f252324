/**
 * A fake AppApi for renderer tests: every verb rejects with "not faked" unless overridden,
 * every `onX` records its listener so a test can push events.
 */
import type { AppApi } from '../../../shared/ipc-contract';

type Overrides = { [K in keyof AppApi]?: Partial<AppApi[K]> };

export interface FakeApi {
  readonly api: AppApi;
  /** Pushes an event to every listener registered through `namespace.onX`. */
  emit(namespace: keyof AppApi, event: string, payload: unknown): void;
  listenerCount(namespace: keyof AppApi, event: string): number;
}

export function createFakeApi(overrides: Overrides = {}): FakeApi {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const namespace = (name: keyof AppApi) =>
    new Proxy({} as Record<string, unknown>, {
      get(_target, prop: string) {
        const custom = (overrides[name] as Record<string, unknown> | undefined)?.[prop];
        if (custom) return custom;
        if (prop.startsWith('on')) {
          return (listener: (p: unknown) => void) => {
            const key = `${name}.${prop}`;
            const set = listeners.get(key) ?? new Set();
            listeners.set(key, set);
            set.add(listener);
            return () => set.delete(listener);
          };
        }
        return () => Promise.reject(new Error(`${name}.${prop} is not faked in this test`));
      },
    });
  const api = new Proxy({} as AppApi, { get: (_t, prop: string) => namespace(prop as keyof AppApi) });
  return {
    api,
    emit: (ns, event, payload) => listeners.get(`${ns}.${event}`)?.forEach((l) => l(payload)),
    listenerCount: (ns, event) => listeners.get(`${ns}.${event}`)?.size ?? 0,
  };
}
