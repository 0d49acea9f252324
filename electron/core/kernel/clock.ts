/**
 * Time as core sees it: every poller, queue and schedule takes a Clock so tests drive time
 * instead of sleeping. A pending timer never keeps a process (a CLI run, a test) alive by itself.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels the call. */
  setTimeout(fn: () => void, ms: number): () => void;
}

/** Node's setTimeout caps delays at 2^31-1 ms (about 24.8 days); longer waits fire then. */
const MAX_DELAY = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, Math.min(ms, MAX_DELAY)));
    t.unref?.();
    return () => clearTimeout(t);
  },
};

/** Resolves after `ms` on `clock`, or at once when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      cancel();
      resolve();
    };
    const cancel = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
