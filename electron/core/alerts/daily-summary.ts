import type { ActivityRow } from '../../../shared/activity';
import { formatBytes, formatCount } from '../../../shared/format';
import type { NotificationText } from '../../../shared/notifications';
import { isCancelled } from '../../../shared/notifications';

/** What moved and what failed between two times (tasks that ended then). */
export interface DaySummary {
  readonly ended: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly files: number;
  readonly bytes: number;
  /** Labels (or task ids) of up to five failed tasks, most recent first. */
  readonly failedSample: readonly string[];
}

function endedAt(row: ActivityRow): number | null {
  if (!row.completion_time) return null;
  const ms = Date.parse(row.completion_time);
  return Number.isFinite(ms) ? ms : null;
}

/** Tasks that ended in `[from, to)`: counts, files and bytes moved, a few of those that failed. */
export function summarizeDay(rows: readonly ActivityRow[], from: number, to: number): DaySummary {
  let succeeded = 0;
  let failed = 0;
  let cancelled = 0;
  let files = 0;
  let bytes = 0;
  const failures: { at: number; name: string }[] = [];
  for (const row of rows) {
    const at = endedAt(row);
    if (at === null || at < from || at >= to) continue;
    if (row.status === 'SUCCEEDED') succeeded += 1;
    else if (row.status === 'FAILED' && isCancelled(row)) cancelled += 1;
    else if (row.status === 'FAILED') {
      failed += 1;
      failures.push({ at, name: row.label ?? row.task_id });
    } else continue;
    files += row.files_transferred;
    bytes += row.bytes_transferred;
  }
  failures.sort((a, b) => b.at - a.at);
  return { ended: succeeded + failed + cancelled, succeeded, failed, cancelled, files, bytes, failedSample: failures.slice(0, 5).map((f) => f.name) };
}

/**
 * The daily notification that replaces Globus' per-task e-mails: what moved and what failed.
 * Null when no task ended (no news is not worth a notification; the watchdog covers silence).
 */
export function dailySummaryText(summary: DaySummary, period = 'the last 24 hours'): NotificationText | null {
  if (summary.ended === 0) return null;
  const title = summary.failed > 0 ? `Ferry daily summary: ${formatCount(summary.failed, 'transfer')} failed` : `Ferry daily summary: ${formatBytes(summary.bytes)} moved`;
  const parts = [`${formatCount(summary.ended, 'transfer')} ended in ${period}`, `${summary.succeeded} succeeded`];
  if (summary.failed > 0) parts.push(`${summary.failed} failed`);
  if (summary.cancelled > 0) parts.push(`${summary.cancelled} cancelled`);
  let body = `${parts.join(', ')}. Moved ${formatCount(summary.files, 'file')}, ${formatBytes(summary.bytes)}.`;
  if (summary.failedSample.length > 0) {
    const more = summary.failed - summary.failedSample.length;
    body += ` Failed: ${summary.failedSample.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`;
  }
  return { title, body };
}
