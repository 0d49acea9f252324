/** Time as the poller sees it: injectable so tests and the bench run on a fake clock. */
export interface ActivityClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: ActivityClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending poll never keeps a process (a CLI run, a test) alive on its own.
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A clock that only moves when told to; for tests and benches. */
export interface ManualClock extends ActivityClock {
  /** Moves time forward, firing due timers in order and letting the work they start settle. */
  advance(ms: number): Promise<void>;
  /** Timers not yet fired. */
  pending(): number;
}

interface ManualTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** Lets every queued promise continuation run (microtasks drain before the next macrotask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createManualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  let timers: ManualTimer[] = [];
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { id: nextId++, due: now + Math.max(0, ms), fn };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    pending: () => timers.length,
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        let next: ManualTimer | undefined;
        for (const t of timers) if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
        if (!next) break;
        const fire = next;
        timers = timers.filter((t) => t !== fire);
        now = fire.due;
        fire.fn();
        // A poll awaits several promises; give each a chance to finish before the next timer.
        for (let i = 0; i < 3; i += 1) await settle();
      }
      now = target;
    },
  };
}
