/**
 * Files and bytes per timer run: each run's Transfer task, read through Activity (which records
 * the task in the history as it reads it). A task that has ended is read once and kept; one still
 * running is read again on the next ask. The pure parts (`taskStatsOf`, `runStatsOf`) are tested alone.
 */
import { z } from 'zod';
import { timerRunStatsMax, timerRunStatsSchema, type TimerDetail, type TimerRunStats } from '../../../shared/contract/timers';

/** What the chart needs of one Transfer task. */
export interface TaskStats {
  readonly status: string | null;
  readonly files: number;
  readonly bytes: number;
}

const count = z.number().min(0).transform(Math.floor);
const statsFields = z.object({
  status: z.string().max(64).nullish(),
  files_transferred: count,
  bytes_transferred: count,
});

/**
 * Activity's task detail (`{ task, row }`, see ActivityService.detail) to what a run moved: the
 * task document when there is one, else the history row. Anything else is null.
 */
export function taskStatsOf(value: unknown): TaskStats | null {
  const outer = z.object({ task: z.unknown().optional(), row: z.unknown().optional() }).safeParse(value);
  if (!outer.success) return null;
  for (const candidate of [outer.data.task, outer.data.row]) {
    const parsed = statsFields.safeParse(candidate);
    if (parsed.success) return { status: parsed.data.status ?? null, files: parsed.data.files_transferred, bytes: parsed.data.bytes_transferred };
  }
  return null;
}

const endedStatuses = new Set(['SUCCEEDED', 'FAILED']);

/** Whether a task's numbers are final (it has ended at Globus). */
export function taskEnded(stats: TaskStats): boolean {
  return stats.status !== null && endedStatuses.has(stats.status.toUpperCase());
}

/** A timer's newest runs (at most `limit`), oldest first, each with what its task moved (`statsOf`). */
export function runStatsOf(detail: TimerDetail, statsOf: (taskId: string) => TaskStats | null, limit: number = timerRunStatsMax): TimerRunStats {
  const newest = [...detail.runs].sort((a, b) => b.ranAt - a.ranAt).slice(0, Math.max(0, Math.min(limit, timerRunStatsMax)));
  const runs = newest.reverse().map((run) => {
    const stats = run.taskId ? statsOf(run.taskId.toLowerCase()) : null;
    return {
      ranAt: run.ranAt,
      status: run.status,
      taskId: run.taskId,
      taskStatus: stats?.status ?? null,
      files: stats ? stats.files : null,
      bytes: stats ? stats.bytes : null,
    };
  });
  return timerRunStatsSchema.parse({ timerId: detail.id, runs, runCount: Math.max(detail.runCount, detail.runs.length) });
}

export interface RunStatsReader {
  /** Reads one task (or answers from the cache when it has ended); null when it cannot be read. Rejects only when `readTask` does, for the caller that wants to know. */
  read(taskId: string): Promise<TaskStats | null>;
  /** What each of the timer's newest runs moved, reading the tasks not yet known to have ended. */
  statsFor(detail: TimerDetail): Promise<TimerRunStats>;
  /** Tasks whose final numbers are kept (for tests). */
  cachedCount(): number;
}

export interface RunStatsReaderOptions {
  /** Activity's detail of one task (what `ActivityService.detail` answers); null: no reader, no numbers. */
  readonly readTask: ((taskId: string) => Promise<unknown>) | null;
  /** Runs per timer (default and at most `timerRunStatsMax`). */
  readonly limit?: number;
  /** Tasks read at once (default 4). */
  readonly concurrency?: number;
  /** Ended tasks kept (default 2,000; the oldest go first). */
  readonly maxCached?: number;
}

export function createRunStatsReader(options: RunStatsReaderOptions): RunStatsReader {
  const limit = Math.min(options.limit ?? timerRunStatsMax, timerRunStatsMax);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxCached = Math.max(1, options.maxCached ?? 2_000);
  const ended = new Map<string, TaskStats>();
  const inFlight = new Map<string, Promise<TaskStats | null>>();

  const keep = (taskId: string, stats: TaskStats): void => {
    ended.delete(taskId);
    ended.set(taskId, stats);
    while (ended.size > maxCached) {
      const oldest = ended.keys().next().value;
      if (oldest === undefined) break;
      ended.delete(oldest);
    }
  };

  const read = (rawId: string): Promise<TaskStats | null> => {
    const taskId = rawId.toLowerCase();
    const known = ended.get(taskId);
    if (known) return Promise.resolve(known);
    const reader = options.readTask;
    if (!reader) return Promise.resolve(null);
    const running = inFlight.get(taskId);
    if (running) return running;
    const next = reader(taskId)
      .then((value) => {
        const stats = taskStatsOf(value);
        if (stats && taskEnded(stats)) keep(taskId, stats);
        return stats;
      })
      .finally(() => inFlight.delete(taskId));
    inFlight.set(taskId, next);
    return next;
  };

  const statsFor = async (detail: TimerDetail): Promise<TimerRunStats> => {
    const wanted = [...detail.runs]
      .sort((a, b) => b.ranAt - a.ranAt)
      .slice(0, limit)
      .map((r) => r.taskId?.toLowerCase())
      .filter((id): id is string => !!id);
    const found = new Map<string, TaskStats | null>();
    const queue = [...new Set(wanted)];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        found.set(id, await read(id).catch(() => null));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    return runStatsOf(detail, (id) => found.get(id) ?? null, limit);
  };

  return { read, statsFor, cachedCount: () => ended.size };
}
