/**
 * Pure data shaping for Ferry's plots: bounded sample series, throughput from byte counts, runs and
 * days. No DOM, no chart library: the views pass the results to `<Chart>`.
 */
import { formatBytes, formatCount, formatDuration, formatRate } from '../../../shared/format';

/** A count of bytes (and files) at a moment (epoch ms). */
export interface ByteSample {
  readonly t: number;
  readonly bytes: number;
  readonly files?: number;
}

/** At most this many samples are kept per series. */
export const maxSamples = 120;

/**
 * Adds a sample at the end, keeping at most `max` (the oldest go first). A sample that repeats the
 * last one's values only moves its time forward when nothing changed since the one before (a flat
 * stretch keeps its start and its end, not every poll); a sample older than the last is ignored.
 */
export function appendSample(samples: readonly ByteSample[], sample: ByteSample, max: number = maxSamples): readonly ByteSample[] {
  if (!Number.isFinite(sample.t) || !Number.isFinite(sample.bytes)) return samples;
  const last = samples[samples.length - 1];
  if (last && sample.t < last.t) return samples;
  if (last && sample.t === last.t) return [...samples.slice(0, -1), sample];
  const beforeLast = samples[samples.length - 2];
  if (last && beforeLast && last.bytes === sample.bytes && beforeLast.bytes === sample.bytes && last.files === sample.files) {
    return [...samples.slice(0, -1), sample];
  }
  const next = [...samples, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** The shortest span a rate is measured over. */
export const rateWindowMs = 1000;

export interface ThroughputPoint {
  /** Seconds since the epoch (the chart's time axis). */
  readonly x: number;
  readonly bytes: number;
  /** Bytes per second since the previous point; null for the first. */
  readonly rate: number | null;
}

export interface Throughput {
  readonly points: readonly ThroughputPoint[];
  readonly totalBytes: number;
  readonly durationMs: number;
  readonly averageRate: number | null;
  readonly peakRate: number | null;
}

/**
 * The throughput of one task: its start (0 bytes at `requestTime`), the live samples taken while it
 * ran, and its end (`completionTime`, final bytes). Samples out of order or with fewer bytes than an
 * earlier one (a restarted count) are dropped.
 */
export function throughputOf(input: {
  readonly requestTime: string | null;
  readonly completionTime: string | null;
  readonly bytes: number;
  readonly samples: readonly ByteSample[];
}): Throughput {
  const all: ByteSample[] = [];
  const start = input.requestTime ? Date.parse(input.requestTime) : NaN;
  if (Number.isFinite(start)) all.push({ t: start, bytes: 0 });
  const end = input.completionTime ? Date.parse(input.completionTime) : NaN;
  // A sample taken after the end (the delta that brought the end arrives after it) adds nothing.
  all.push(...(Number.isFinite(end) ? input.samples.filter((s) => s.t < end) : input.samples));
  if (Number.isFinite(end)) all.push({ t: end, bytes: input.bytes });
  all.sort((a, b) => a.t - b.t);
  const kept: ByteSample[] = [];
  for (const s of all) {
    const last = kept[kept.length - 1];
    if (last && s.bytes < last.bytes) continue;
    if (last && s.t === last.t) {
      kept[kept.length - 1] = { t: s.t, bytes: Math.max(s.bytes, last.bytes) };
      continue;
    }
    kept.push(s);
  }
  // Samples are stamped when a delta arrives, so two close together carry the jitter of the polls:
  // each rate spans at least `rateWindowMs` back (or to the first point).
  const points: ThroughputPoint[] = kept.map((s, i) => {
    if (i === 0) return { x: s.t / 1000, bytes: s.bytes, rate: null };
    let j = i - 1;
    while (j > 0 && s.t - (kept[j]?.t ?? 0) < rateWindowMs) j--;
    const prev = kept[j] as ByteSample;
    return { x: s.t / 1000, bytes: s.bytes, rate: ((s.bytes - prev.bytes) * 1000) / (s.t - prev.t) };
  });
  const first = kept[0];
  const last = kept[kept.length - 1];
  const durationMs = first && last ? last.t - first.t : 0;
  const totalBytes = last ? last.bytes : 0;
  const rates = points.map((p) => p.rate).filter((r): r is number => r !== null);
  return {
    points,
    totalBytes,
    durationMs,
    averageRate: durationMs > 0 ? (totalBytes * 1000) / durationMs : null,
    peakRate: rates.length > 0 ? Math.max(...rates) : null,
  };
}

/** "Throughput: 12 MB moved in 4.2 s, average 2.9 MB/s, peak 5 MB/s (3 points)." */
export function throughputSummary(t: Throughput): string {
  if (t.points.length < 2) return 'Throughput: not enough data yet to plot.';
  const peak = t.peakRate !== null && t.points.length > 2 ? `, peak ${formatRate(t.peakRate)}` : '';
  return `Throughput: ${formatBytes(t.totalBytes)} moved in ${formatDuration(t.durationMs)}, average ${formatRate(t.averageRate)}${peak} (${formatCount(t.points.length, 'point')}).`;
}

/** What a sync run sent: enough of `SyncRun` for the per-run plot. */
export interface RunLike {
  readonly id: string;
  readonly startedAt: string;
  readonly stats: { readonly changedFiles: number; readonly changedBytes: number };
}

export interface RunBars {
  /** 1 … n, oldest first. */
  readonly x: readonly number[];
  readonly files: readonly number[];
  readonly bytes: readonly number[];
  readonly startedAt: readonly string[];
}

/** The last `limit` runs, oldest first (the history arrives newest first). */
export function runBars(runs: readonly RunLike[], limit = 30): RunBars {
  const chosen = [...runs]
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))
    .slice(-limit);
  return {
    x: chosen.map((_r, i) => i + 1),
    files: chosen.map((r) => r.stats.changedFiles),
    bytes: chosen.map((r) => r.stats.changedBytes),
    startedAt: chosen.map((r) => r.startedAt),
  };
}

/** "Files and bytes sent per run, last 3 runs: 7 files, 12 KB in all; latest run 3 files, 4.2 KB." */
export function runBarsSummary(b: RunBars): string {
  const n = b.x.length;
  if (n === 0) return 'Files and bytes sent per run: no runs yet.';
  const files = b.files.reduce((a, v) => a + v, 0);
  const bytes = b.bytes.reduce((a, v) => a + v, 0);
  const lastFiles = b.files[n - 1] ?? 0;
  const lastBytes = b.bytes[n - 1] ?? 0;
  return `Files and bytes sent per run, last ${formatCount(n, 'run')}: ${formatCount(files, 'file')}, ${formatBytes(bytes)} in all; latest run ${formatCount(lastFiles, 'file')}, ${formatBytes(lastBytes)}.`;
}

/** What a task moved and when: enough of `ActivityRow` for the per-day plot. */
export interface DayRowLike {
  readonly bytes_transferred: number;
  readonly request_time: string;
  readonly completion_time: string | null;
}

export interface DayBars {
  /** Local midnight of each day, seconds since the epoch, oldest first. */
  readonly x: readonly number[];
  readonly bytes: readonly number[];
}

function localDayStart(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * Bytes moved per local day over the last `days` days up to `now` (a task counts on the day it
 * ended, or was requested while it runs). Days without tasks are 0, so the bars are evenly spaced.
 */
export function bytesPerDay(rows: readonly DayRowLike[], now: number, days = 14): DayBars {
  const today = localDayStart(now);
  const starts: number[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(today);
    d.setDate(d.getDate() - i);
    starts.push(d.getTime());
  }
  const index = new Map(starts.map((s, i) => [s, i]));
  const bytes = starts.map(() => 0);
  for (const r of rows) {
    const ms = Date.parse(r.completion_time ?? r.request_time);
    if (!Number.isFinite(ms) || r.bytes_transferred <= 0) continue;
    const at = index.get(localDayStart(ms));
    if (at !== undefined) bytes[at] = (bytes[at] ?? 0) + r.bytes_transferred;
  }
  return { x: starts.map((s) => s / 1000), bytes };
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A day label for axes and summaries: "Nov 30". */
export function formatDay(secondsSinceEpoch: number): string {
  return dayFormat.format(secondsSinceEpoch * 1000);
}

/** "Bytes moved per day, last 14 days: 1.2 GB in all; busiest Nov 30 with 800 MB." */
export function bytesPerDaySummary(b: DayBars): string {
  const total = b.bytes.reduce((a, v) => a + v, 0);
  const n = b.x.length;
  if (total === 0) return `Bytes moved per day, last ${formatCount(n, 'day')}: nothing moved.`;
  let best = 0;
  b.bytes.forEach((v, i) => {
    if (v > (b.bytes[best] ?? 0)) best = i;
  });
  return `Bytes moved per day, last ${formatCount(n, 'day')}: ${formatBytes(total)} in all; busiest ${formatDay(b.x[best] ?? 0)} with ${formatBytes(b.bytes[best] ?? 0)}.`;
}

/** A queue's progress at a moment. */
export interface QueueSample {
  readonly t: number;
  readonly done: number;
  readonly total: number;
}

/** Adds a queue sample, keeping `max`; a sample with the same counts as the last is skipped. */
export function appendQueueSample(samples: readonly QueueSample[], sample: QueueSample, max: number = maxSamples): readonly QueueSample[] {
  const last = samples[samples.length - 1];
  if (last && (sample.t < last.t || (last.done === sample.done && last.total === sample.total))) return samples;
  const next = [...samples, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** "Queue progress: 120 of 200 files done, up from 20 over 42 s." */
export function queueSummary(samples: readonly QueueSample[], noun = 'file'): string {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return 'Queue progress: nothing sampled yet.';
  const span = last.t - first.t;
  const trend = samples.length > 1 ? `, up from ${formatNumber0(first.done)} over ${formatDuration(span)}` : '';
  return `Queue progress: ${formatNumber0(last.done)} of ${formatCount(last.total, noun)} done${trend}.`;
}

function formatNumber0(n: number): string {
  return formatCount(n);
}

/**
 * The axis label of x value `v` on a chart of runs: a run's number where a run is, nothing
 * elsewhere (uPlot pads the axis of a lone run #1 with 0 and 2, which read as runs #0 and #2
 * that never happened).
 */
export function runLabels(x: readonly number[]): (v: number) => string {
  const runs = new Set(x);
  return (v) => (runs.has(v) ? `#${v}` : '');
}
