import type { TaskEnded, TasksEndedSummary } from '../../../shared/activity';

/** Origins whose tasks come in batches: their endings are summarised, not notified one by one. */
const BULK_ORIGINS = new Set(['queue', 'sync']);

export interface TaskEndNotifier {
  /** A task Ferry submitted ended. */
  ended(event: TaskEnded): void;
  dispose(): void;
}

/**
 * Sends a task's end at once when a person submitted it, and gathers bulk (queue, sync) task
 * endings into one summary sent after `quietMs` without another ending (at most `maxWaitMs`
 * after the first).
 */
export function createTaskEndNotifier(
  sink: { single(event: TaskEnded): void; summary(summary: TasksEndedSummary): void },
  options: { quietMs?: number; maxWaitMs?: number; setTimer?: typeof setTimeout; clearTimer?: typeof clearTimeout } = {},
): TaskEndNotifier {
  const quietMs = options.quietMs ?? 5_000;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const setTimer = options.setTimer ?? setTimeout;
  const clearTimer = options.clearTimer ?? clearTimeout;
  let batch: TaskEnded[] = [];
  let firstAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    timer = undefined;
    if (batch.length === 0) return;
    const ended = batch;
    batch = [];
    if (ended.length === 1 && ended[0]) {
      sink.single(ended[0]);
      return;
    }
    sink.summary({
      succeeded: ended.filter((e) => e.row.status === 'SUCCEEDED').length,
      failed: ended.filter((e) => e.row.status !== 'SUCCEEDED').length,
      sample: ended.slice(-5).map((e) => e.row.label ?? e.row.task_id),
    });
  };

  return {
    ended(event) {
      if (!BULK_ORIGINS.has(event.row.origin)) {
        sink.single(event);
        return;
      }
      const now = Date.now();
      if (batch.length === 0) firstAt = now;
      batch.push(event);
      if (timer !== undefined) clearTimer(timer);
      timer = setTimer(flush, Math.max(0, Math.min(quietMs, firstAt + maxWaitMs - now)));
    },
    dispose() {
      if (timer !== undefined) clearTimer(timer);
      flush();
    },
  };
}
