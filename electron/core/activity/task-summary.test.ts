import { describe, expect, it, vi } from 'vitest';
import type { ActivityRow, TaskEnded, TasksEndedSummary } from '../../../shared/activity';
import { createTaskEndNotifier } from './task-summary';

const ended = (taskId: string, origin: ActivityRow['origin'], status: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED'): TaskEnded => ({
  row: { task_id: taskId, status, origin, label: `label ${taskId}` } as ActivityRow,
  previousStatus: 'ACTIVE',
});

describe('task end notifications', () => {
  it('tells a person at once about a task they submitted', () => {
    const single: TaskEnded[] = [];
    const n = createTaskEndNotifier({ single: (e) => single.push(e), summary: () => undefined });
    n.ended(ended('a', 'manual'));
    expect(single.map((e) => e.row.task_id)).toEqual(['a']);
  });

  it('gathers bulk task endings into one summary after a quiet moment', () => {
    vi.useFakeTimers();
    try {
      const summaries: TasksEndedSummary[] = [];
      const single: TaskEnded[] = [];
      const n = createTaskEndNotifier({ single: (e) => single.push(e), summary: (s) => summaries.push(s) }, { quietMs: 1000, maxWaitMs: 10_000 });
      n.ended(ended('q1', 'queue'));
      vi.advanceTimersByTime(500);
      n.ended(ended('q2', 'queue', 'FAILED'));
      n.ended(ended('s1', 'sync'));
      expect(summaries).toEqual([]);
      vi.advanceTimersByTime(1000);
      expect(summaries).toEqual([{ succeeded: 2, failed: 1, sample: ['label q1', 'label q2', 'label s1'] }]);
      expect(single).toEqual([]);
      // a lone bulk task is told as itself
      n.ended(ended('q3', 'queue'));
      vi.advanceTimersByTime(1000);
      expect(single.map((e) => e.row.task_id)).toEqual(['q3']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not wait forever while endings keep coming', () => {
    vi.useFakeTimers();
    try {
      const summaries: TasksEndedSummary[] = [];
      const n = createTaskEndNotifier({ single: () => undefined, summary: (s) => summaries.push(s) }, { quietMs: 1000, maxWaitMs: 3000 });
      for (let i = 0; i < 10; i++) {
        n.ended(ended(`q${i}`, 'queue'));
        vi.advanceTimersByTime(400);
      }
      expect(summaries.length).toBeGreaterThanOrEqual(1);
      expect(summaries[0]!.succeeded).toBeLessThanOrEqual(9);
    } finally {
      vi.useRealTimers();
    }
  });
});
