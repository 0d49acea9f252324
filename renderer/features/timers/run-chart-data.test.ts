import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TimerRunStat, TimerRunStats } from '../../../shared/contract/timers';
import { timerRunBars, timerRunBarsSummary } from './run-chart-data';

const HOUR = 3_600_000;
const stat = (n: number, over: Partial<TimerRunStat> = {}): TimerRunStat => ({
  ranAt: n * HOUR,
  status: 'SUCCEEDED',
  taskId: `task-${n}`,
  taskStatus: 'SUCCEEDED',
  files: n,
  bytes: n * 1000,
  ...over,
});
const stats = (runs: TimerRunStat[], runCount = runs.length): TimerRunStats => ({ timerId: 't', runs, runCount });

describe('timerRunBars', () => {
  it('numbers the runs oldest first with their files and bytes', () => {
    const bars = timerRunBars(stats([stat(2), stat(1)]));
    expect(bars).toEqual({ x: [1, 2], files: [1, 2], bytes: [1000, 2000], ranAt: [HOUR, 2 * HOUR], running: 0, runCount: 2 });
  });

  it('keeps the newest `limit` runs, leaves unknown numbers as gaps and counts runs still moving files', () => {
    const bars = timerRunBars(stats([stat(1), stat(2, { files: null, bytes: null, taskStatus: null, taskId: null }), stat(3, { taskStatus: 'ACTIVE' }), stat(4, { taskStatus: 'INACTIVE' })], 9), 3);
    expect(bars.x).toEqual([1, 2, 3]);
    expect(bars.files).toEqual([null, 3, 4]);
    expect(bars.ranAt).toEqual([2 * HOUR, 3 * HOUR, 4 * HOUR]);
    expect(bars.running).toBe(2);
    expect(bars.runCount).toBe(9);
  });

  it('always gives aligned series of at most `limit` runs, oldest first', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ n: fc.integer({ min: 0, max: 10_000 }), files: fc.option(fc.nat(1_000_000)) }), { maxLength: 60 }), fc.integer({ min: 0, max: 60 }), (rows, limit) => {
        const bars = timerRunBars(stats(rows.map((r) => stat(r.n, { files: r.files, bytes: r.files === null ? null : r.files * 10 }))), limit);
        expect(bars.x.length).toBe(Math.min(rows.length, limit));
        expect(bars.files.length).toBe(bars.x.length);
        expect(bars.bytes.length).toBe(bars.x.length);
        for (let i = 1; i < bars.ranAt.length; i++) expect(bars.ranAt[i] ?? 0).toBeGreaterThanOrEqual(bars.ranAt[i - 1] ?? 0);
      }),
    );
  });
});

describe('timerRunBarsSummary', () => {
  it('names the runs, the files and bytes in all and the latest run', () => {
    expect(timerRunBarsSummary(timerRunBars(stats([stat(1, { files: 1, bytes: 8 }), stat(2, { files: 1, bytes: 8 })])))).toBe(
      'Files and bytes moved per run, last 2 runs: 2 files, 16 B in all; latest run 1 file, 8 B.',
    );
  });

  it('says when there are no runs, when older runs are left out, runs still moving and runs without numbers', () => {
    expect(timerRunBarsSummary(timerRunBars(stats([])))).toBe('Files and bytes moved per run: no runs yet.');
    expect(
      timerRunBarsSummary(timerRunBars(stats([stat(1, { files: 0, bytes: 0 }), stat(2, { files: null, bytes: null, taskId: null }), stat(3, { files: 3, bytes: 4200, taskStatus: 'ACTIVE' })], 70))),
    ).toBe(
      'Files and bytes moved per run, last 3 runs (of 70 runs): 3 files, 4.2 KB in all; latest run 3 files, 4.2 KB. 1 run still moving files. No numbers for 1 run (no Transfer task, or it could not be read).',
    );
    expect(timerRunBarsSummary(timerRunBars(stats([stat(1, { files: null, bytes: null })])))).toBe(
      'Files and bytes moved per run, last 1 run: 0 files, 0 B in all; latest run not known. No numbers for 1 run (no Transfer task, or it could not be read).',
    );
  });
});
