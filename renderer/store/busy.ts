/** Which actions of a slice are running, by key (a button shows it and disables itself). */
export type BusyMap = Readonly<Record<string, true>>;

/**
 * Runs an action marked busy under `key` until it settles. A rejection resolves to null: the
 * error toast already told the person (see with-error-toasts.ts).
 */
export function createBusyRunner<K extends string = string>(update: (change: (busy: BusyMap) => BusyMap) => void) {
  return async <T>(key: K, fn: () => Promise<T>): Promise<T | null> => {
    update((busy) => ({ ...busy, [key]: true }));
    try {
      return await fn();
    } catch {
      return null;
    } finally {
      update((busy) => {
        const next: Record<string, true> = { ...busy };
        delete next[key];
        return next;
      });
    }
  };
}
