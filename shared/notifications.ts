/**
 * The words of Ferry's task notifications, composed once: Electron's main process shows them as
 * desktop notifications, the browser page as web notifications or toasts.
 */
import type { ActivityRow, TasksEndedSummary } from './activity';
import { formatCount } from './format';

export interface NotificationText {
  readonly title: string;
  readonly body: string;
}

/** `8c1f3a2e…` for a long id, `unknown` for none. */
export function shortId(id: string | null): string {
  if (!id) return 'unknown';
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}

/** `Source → Destination` by name where known, else by short id; deletes name one collection. */
export function routeOf(row: Pick<ActivityRow, 'source_name' | 'source_id' | 'destination_name' | 'destination_id' | 'type'>): string {
  const src = row.source_name ?? shortId(row.source_id);
  if (row.type === 'DELETE') return `${src} (delete)`;
  return `${src} → ${row.destination_name ?? shortId(row.destination_id)}`;
}

/** A FAILED task counts as cancelled when Globus says so in `nice_status` or the person cancelled it here. */
export function isCancelled(row: Pick<ActivityRow, 'status' | 'nice_status'>, cancelledHere = false): boolean {
  return row.status === 'FAILED' && (cancelledHere || (row.nice_status !== null && /cancel/i.test(row.nice_status)));
}

export function taskEndedText(row: ActivityRow, cancelledHere = false): NotificationText {
  const outcome = row.status === 'SUCCEEDED' ? 'succeeded' : isCancelled(row, cancelledHere) ? 'cancelled' : 'failed';
  return { title: `Transfer ${outcome}`, body: `${row.label ?? row.task_id} · ${routeOf(row)}` };
}

export function tasksSummaryText(summary: TasksEndedSummary): NotificationText {
  return {
    title: `${formatCount(summary.succeeded + summary.failed, 'transfer')} ended`,
    body: `${summary.succeeded} succeeded${summary.failed ? `, ${summary.failed} failed` : ''}: ${summary.sample.join(', ')}`,
  };
}
