import { describe, expect, it } from 'vitest';
import {
  appendQueueSample,
  appendSample,
  bytesPerDay,
  bytesPerDaySummary,
  queueSummary,
  runBars,
  runLabels,
  runBarsSummary,
  throughputOf,
  throughputSummary,
  type ByteSample,
} from './series';

describe('appendSample', () => {
  it('keeps at most max samples, dropping the oldest', () => {
    let s: readonly ByteSample[] = [];
    for (let i = 0; i < 10; i++) s = appendSample(s, { t: i * 1000, bytes: i * 10 }, 4);
    expect(s.map((x) => x.bytes)).toEqual([60, 70, 80, 90]);
  });
  it('ignores samples older than the last and replaces one at the same time', () => {
    const s = appendSample(appendSample([], { t: 2000, bytes: 5 }), { t: 1000, bytes: 9 });
    expect(s).toEqual([{ t: 2000, bytes: 5 }]);
    expect(appendSample(s, { t: 2000, bytes: 7 })).toEqual([{ t: 2000, bytes: 7 }]);
  });
  it('keeps a flat stretch as its start and its end only', () => {
    let s: readonly ByteSample[] = [];
    for (const t of [0, 1, 2, 3, 4]) s = appendSample(s, { t, bytes: 100 });
    expect(s).toEqual([
      { t: 0, bytes: 100 },
      { t: 4, bytes: 100 },
    ]);
  });
  it('refuses non-finite values', () => {
    expect(appendSample([], { t: Number.NaN, bytes: 1 })).toEqual([]);
  });
});

describe('throughputOf', () => {
  const start = '2026-01-01T00:00:00Z';
  const t0 = Date.parse(start);
  it('runs from the request (0 bytes) through the samples to the completion', () => {
    const t = throughputOf({
      requestTime: start,
      completionTime: '2026-01-01T00:00:04Z',
      bytes: 4000,
      samples: [
        { t: t0 + 1000, bytes: 500 },
        { t: t0 + 2000, bytes: 2500 },
      ],
    });
    expect(t.points.map((p) => [p.x - t0 / 1000, p.bytes, p.rate])).toEqual([
      [0, 0, null],
      [1, 500, 500],
      [2, 2500, 2000],
      [4, 4000, 750],
    ]);
    expect(t.totalBytes).toBe(4000);
    expect(t.durationMs).toBe(4000);
    expect(t.averageRate).toBe(1000);
    expect(t.peakRate).toBe(2000);
    expect(throughputSummary(t)).toBe('Throughput: 4 KB moved in 4.0 s, average 1 KB/s, peak 2 KB/s (4 points).');
  });
  it('drops samples whose count went backwards and merges equal times', () => {
    const t = throughputOf({
      requestTime: start,
      completionTime: null,
      bytes: 0,
      samples: [
        { t: t0 + 1000, bytes: 800 },
        { t: t0 + 2000, bytes: 300 },
        { t: t0 + 3000, bytes: 900 },
      ],
    });
    expect(t.points.map((p) => p.bytes)).toEqual([0, 800, 900]);
  });
  it('measures each rate over at least a second, so close samples do not spike', () => {
    const t = throughputOf({
      requestTime: start,
      completionTime: null,
      bytes: 0,
      samples: [
        { t: t0 + 1000, bytes: 1000 },
        { t: t0 + 1100, bytes: 1900 },
        { t: t0 + 2000, bytes: 2000 },
      ],
    });
    const rates = t.points.map((p) => p.rate);
    expect([rates[0], rates[1], rates[3]]).toEqual([null, 1000, 1000]);
    expect(rates[2]).toBeCloseTo(1900 / 1.1);
  });
  it('leaves out samples taken after the end', () => {
    const t = throughputOf({ requestTime: start, completionTime: '2026-01-01T00:00:02Z', bytes: 100, samples: [{ t: t0 + 1000, bytes: 50 }, { t: t0 + 3000, bytes: 100 }] });
    expect(t.points.map((p) => p.bytes)).toEqual([0, 50, 100]);
    expect(t.durationMs).toBe(2000);
  });
  it('says when there is not enough to plot', () => {
    const t = throughputOf({ requestTime: start, completionTime: null, bytes: 0, samples: [] });
    expect(t.points).toHaveLength(1);
    expect(throughputSummary(t)).toBe('Throughput: not enough data yet to plot.');
  });
  it('copes with an unreadable request time', () => {
    const t = throughputOf({ requestTime: 'garbage', completionTime: null, bytes: 0, samples: [{ t: 5, bytes: 1 }] });
    expect(t.points).toHaveLength(1);
  });
});

describe('runBars', () => {
  const run = (id: string, startedAt: string, files: number, bytes: number) => ({ id, startedAt, stats: { changedFiles: files, changedBytes: bytes } });
  it('puts runs oldest first and keeps the last `limit`', () => {
    const b = runBars([run('c', '2026-01-03T00:00:00Z', 3, 300), run('b', '2026-01-02T00:00:00Z', 2, 200), run('a', '2026-01-01T00:00:00Z', 1, 100)], 2);
    expect(b.x).toEqual([1, 2]);
    expect(b.files).toEqual([2, 3]);
    expect(b.bytes).toEqual([200, 300]);
  });
  it('summarises totals and the latest run with correct plurals', () => {
    const b = runBars([run('b', '2026-01-02T00:00:00Z', 1, 4200), run('a', '2026-01-01T00:00:00Z', 2, 1000)]);
    expect(runBarsSummary(b)).toBe('Files and bytes sent per run, last 2 runs: 3 files, 5.2 KB in all; latest run 1 file, 4.2 KB.');
    expect(runBarsSummary(runBars([]))).toBe('Files and bytes sent per run: no runs yet.');
  });
});

describe('bytesPerDay', () => {
  const now = new Date(2026, 10, 30, 15, 0, 0).getTime();
  const local = (d: number, h: number) => new Date(2026, 10, d, h, 0, 0).toISOString();
  it('sums bytes per local day over the window, days without tasks at 0', () => {
    const b = bytesPerDay(
      [
        { bytes_transferred: 100, request_time: local(30, 1), completion_time: local(30, 2) },
        { bytes_transferred: 50, request_time: local(29, 9), completion_time: local(30, 3) },
        { bytes_transferred: 70, request_time: local(28, 9), completion_time: null },
        { bytes_transferred: 999, request_time: local(1, 9), completion_time: local(1, 10) },
      ],
      now,
      3,
    );
    expect(b.x).toEqual([new Date(2026, 10, 28).getTime() / 1000, new Date(2026, 10, 29).getTime() / 1000, new Date(2026, 10, 30).getTime() / 1000]);
    expect(b.bytes).toEqual([70, 0, 150]);
    expect(bytesPerDaySummary(b)).toMatch(/^Bytes moved per day, last 3 days: 220 B in all; busiest .+ with 150 B\.$/);
  });
  it('says when nothing moved', () => {
    expect(bytesPerDaySummary(bytesPerDay([], now, 1))).toBe('Bytes moved per day, last 1 day: nothing moved.');
  });
});

describe('queue samples', () => {
  it('skips repeats and keeps the bound', () => {
    let s = appendQueueSample([], { t: 0, done: 0, total: 10 });
    s = appendQueueSample(s, { t: 1, done: 0, total: 10 });
    s = appendQueueSample(s, { t: 2, done: 4, total: 10 });
    expect(s).toHaveLength(2);
    expect(queueSummary(s, 'item')).toBe('Queue progress: 4 of 10 items done, up from 0 over 2 ms.');
    expect(queueSummary([])).toBe('Queue progress: nothing sampled yet.');
  });
});

describe('runLabels', () => {
  it('names the runs there are, and nothing where uPlot pads the axis', () => {
    const label = runLabels([1]);
    expect([0, 0.5, 1, 1.5, 2].map(label)).toEqual(['', '', '#1', '', '']);
    expect([3, 4, 5, 6].map(runLabels([3, 4, 6]))).toEqual(['#3', '#4', '', '#6']);
  });
});
