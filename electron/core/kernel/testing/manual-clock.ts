import type { Clock } from '../clock';

/** A clock that only moves when told to; for tests and benches. */
export interface ManualClock extends Clock {
  /** Moves time forward, running every timer that falls due, in order (synchronously). */
  advance(ms: number): void;
  /** Like `advance`, but lets the work each timer starts settle before the next one fires. */
  advanceAndSettle(ms: number): Promise<void>;
  /** Timers not yet run. */
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

export function createManualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  let nextId = 1;
  let timers: ManualTimer[] = [];
  const nextDue = (target: number): ManualTimer | undefined => {
    let next: ManualTimer | undefined;
    for (const t of timers) if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
    return next;
  };
  const fire = (timer: ManualTimer) => {
    timers = timers.filter((t) => t !== timer);
    now = Math.max(now, timer.due);
    timer.fn();
  };
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { id: nextId++, due: now + Math.max(0, ms), fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
    pending: () => timers.length,
    advance(ms) {
      const target = now + ms;
      for (let t = nextDue(target); t; t = nextDue(target)) fire(t);
      now = target;
    },
    async advanceAndSettle(ms) {
      const target = now + ms;
      await settle();
      for (let t = nextDue(target); t; t = nextDue(target)) {
        fire(t);
        // A poll awaits several promises; give each a chance to finish before the next timer.
        for (let i = 0; i < 3; i += 1) await settle();
      }
      now = target;
    },
  };
}
