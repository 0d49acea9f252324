import type { TimerDetail, TimerRun, TimersSnapshot } from '../../../shared/contract/timers';

/** What a watchdog reads about one timer (structural: the watchdog imports nothing from here). */
export interface TimerWatchItem {
  readonly kind: 'timer';
  readonly id: string;
  readonly name: string;
  /** Epoch ms of the end of the last successful run (the last time this timer moved files), or null. */
  readonly lastMovedAt: number | null;
  /** Epoch ms of the tick by which the timer was due to have moved something; null when paused or ended. */
  readonly expectingSince: number | null;
}

export interface TimersWatchSource {
  list(): Promise<readonly TimerWatchItem[]>;
}

const succeeded = new Set(['SUCCEEDED', 'SUCCESS', 'COMPLETED']);

/** Whether a run ended well (Timers' run status words, in any case). */
export function runSucceeded(run: TimerRun): boolean {
  return succeeded.has(run.status.toUpperCase()) && run.error === null;
}

/** The pure part: a timer and its runs to the watchdog's item. */
export function watchItemOf(timer: TimerDetail): TimerWatchItem {
  const lastGood = timer.runs.filter(runSucceeded).sort((a, b) => b.ranAt - a.ranAt)[0] ?? null;
  const lastMovedAt = lastGood ? (lastGood.endedAt ?? lastGood.ranAt) : null;
  return { kind: 'timer', id: timer.id, name: timer.name, lastMovedAt, expectingSince: expectingSince(timer, lastGood) };
}

function expectingSince(timer: TimerDetail, lastGood: TimerRun | null): number | null {
  if (timer.state === 'paused' || timer.state === 'ended' || timer.state === 'deleting') return null;
  const base = timer.startAt ?? timer.submittedAt;
  if (base === null) return null;
  if (lastGood === null) return base;
  if (timer.intervalSeconds === null) return null;
  const interval = timer.intervalSeconds * 1000;
  // The first tick after the one whose run moved the files.
  const k = Math.max(0, Math.floor((lastGood.ranAt - base) / interval)) + 1;
  return base + k * interval;
}

/**
 * Timers for a watchdog: each timer Globus holds, with when it last moved files and since when it
 * has been due to. Reads the list and each live timer's runs from the Timers capability.
 */
export function createTimersWatchSource(timers: {
  refresh(): Promise<TimersSnapshot>;
  detail(id: string): Promise<TimerDetail>;
}): TimersWatchSource {
  return {
    async list() {
      const snapshot = await timers.refresh();
      if (snapshot.access !== 'ready') return [];
      const out: TimerWatchItem[] = [];
      for (const summary of snapshot.timers) {
        if (summary.state === 'deleting') continue;
        try {
          out.push(watchItemOf(await timers.detail(summary.id)));
        } catch {
          out.push(watchItemOf({ ...summary, options: {}, runs: [] }));
        }
      }
      return out;
    },
  };
}
