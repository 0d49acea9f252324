/**
 * Pure data shaping for a timer's "Files and bytes per run" chart (no DOM, no chart library): the
 * runs `timers:run-stats` gives, as bars for `<Chart>` and a text summary that names the values.
 */
import type { TimerRunStats } from '../../../shared/contract/timers';
import { formatBytes, formatCount } from '../../../shared/format';

export interface TimerRunBars {
  /** 1 … n, oldest first. */
  readonly x: readonly number[];
  /** Files each run's task moved; null when not known (no task, or it could not be read). */
  readonly files: readonly (number | null)[];
  readonly bytes: readonly (number | null)[];
  /** When each run ran (epoch ms). */
  readonly ranAt: readonly number[];
  /** Runs whose task is still moving files (its numbers will grow). */
  readonly running: number;
  /** Runs Globus reports in all (more than `x.length` when older runs are left out). */
  readonly runCount: number;
}

const movingStatuses = new Set(['ACTIVE', 'INACTIVE']);

/** The runs in `stats` (already oldest first, at most 50), the newest `limit` of them. */
export function timerRunBars(stats: TimerRunStats, limit = 50): TimerRunBars {
  const sorted = [...stats.runs].sort((a, b) => a.ranAt - b.ranAt);
  const runs = sorted.slice(Math.max(0, sorted.length - Math.max(0, limit)));
  return {
    x: runs.map((_r, i) => i + 1),
    files: runs.map((r) => r.files),
    bytes: runs.map((r) => r.bytes),
    ranAt: runs.map((r) => r.ranAt),
    running: runs.filter((r) => r.taskStatus !== null && movingStatuses.has(r.taskStatus.toUpperCase())).length,
    runCount: Math.max(stats.runCount, runs.length),
  };
}

const sum = (values: readonly (number | null)[]): number => values.reduce<number>((a, v) => a + (v ?? 0), 0);

/**
 * "Files and bytes moved per run, last 2 runs: 2 files, 16 B in all; latest run 1 file, 8 B."
 * Runs still moving files and runs without numbers are said after it.
 */
export function timerRunBarsSummary(b: TimerRunBars): string {
  const n = b.x.length;
  if (n === 0) return 'Files and bytes moved per run: no runs yet.';
  const of = b.runCount > n ? ` (of ${formatCount(b.runCount, 'run')})` : '';
  const lastFiles = b.files[n - 1] ?? null;
  const lastBytes = b.bytes[n - 1] ?? null;
  const latest = lastFiles === null ? 'latest run not known' : `latest run ${formatCount(lastFiles, 'file')}, ${formatBytes(lastBytes ?? 0)}`;
  const unknown = b.files.filter((f) => f === null).length;
  const notes = [
    b.running > 0 ? `${formatCount(b.running, 'run')} still moving files.` : '',
    unknown > 0 ? `No numbers for ${formatCount(unknown, 'run')} (no Transfer task, or it could not be read).` : '',
  ].filter(Boolean);
  return [`Files and bytes moved per run, last ${formatCount(n, 'run')}${of}: ${formatCount(sum(b.files), 'file')}, ${formatBytes(sum(b.bytes))} in all; ${latest}.`, ...notes].join(' ');
}
