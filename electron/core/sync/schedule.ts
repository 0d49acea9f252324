/** When sync jobs run and how their runs are named: next run times, AUTO_ labels, log times. */
import { Cron } from 'croner';
import { assertNever } from '../../../shared/assert-never';
import type { SyncJob } from '../../../shared/contract/syncs';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2018-09-26 10:45:01,743` in local time, as globus_auto's log. */
export function formatLogTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`;
}

/** `AUTO_2018-09-26_104555` in local time. */
export function autoLabel(ms: number): string {
  const d = new Date(ms);
  return `AUTO_${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}_${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

/**
 * When a job should run next (ms since the epoch), or null when it never runs by itself.
 * `lastStartMs` is the start of its latest run (any outcome) or the last time the scheduler fired it.
 */
export function nextRunTime(job: SyncJob, lastStartMs: number | null, nowMs: number): number | null {
  if (!job.enabled || job.paused) return null;
  const s = job.schedule;
  switch (s.kind) {
    case 'manual':
      return null;
    case 'interval': {
      const base = lastStartMs ?? Date.parse(job.createdAt);
      return Math.max(nowMs, base + s.minutes * 60_000);
    }
    case 'watch': {
      // file events start runs (watch-trigger.ts); this is the periodic full scan, the safety net
      const base = lastStartMs ?? Date.parse(job.createdAt);
      return Math.max(nowMs, base + s.fullScanMinutes * 60_000);
    }
    case 'cron': {
      // the first match after the last run (a match missed while Ferry was closed runs once, now)
      const from = lastStartMs ?? Date.parse(job.createdAt);
      const next = new Cron(s.expression, { paused: true }).nextRun(new Date(from));
      return next ? Math.max(nowMs, next.getTime()) : null;
    }
    default:
      return assertNever(s, 'schedule');
  }
}
