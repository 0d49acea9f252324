/** How the Activity view words a task: status and progress (numbers and times: shared/format). */
import { isCancelled } from '../../../shared/notifications';
import type { ActivityRow, TaskDetail } from '../../../shared/activity';
import { assertNever } from '../../../shared/assert-never';
import type { TaskStatus } from '../../../shared/globus-types';

export type StatusTone = 'active' | 'inactive' | 'succeeded' | 'failed' | 'cancelled';

export interface StatusLook {
  readonly tone: StatusTone;
  /** Short word for the badge. */
  readonly text: string;
}

/**
 * Badge for a row. A FAILED task counts as cancelled when Globus says so in `nice_status` or
 * when the person cancelled it from this window (`cancelled`).
 */
export function statusLook(row: Pick<ActivityRow, 'status' | 'nice_status'>, cancelled = false): StatusLook {
  const status: TaskStatus = row.status;
  switch (status) {
    case 'ACTIVE':
      return { tone: 'active', text: 'Active' };
    case 'INACTIVE':
      return { tone: 'inactive', text: 'Inactive' };
    case 'SUCCEEDED':
      return { tone: 'succeeded', text: 'Succeeded' };
    case 'FAILED':
      return isCancelled(row, cancelled) ? { tone: 'cancelled', text: 'Cancelled' } : { tone: 'failed', text: 'Failed' };
    default:
      return assertNever(status, 'task status');
  }
}

export interface Progress {
  /** Files done (transferred + skipped as unchanged). */
  readonly done: number;
  readonly total: number;
  /** 0..1, or null when the total is not known yet (indeterminate bar). */
  readonly fraction: number | null;
}

export function progressOf(row: Pick<ActivityRow, 'status' | 'files' | 'files_transferred' | 'files_skipped'>): Progress {
  const done = row.files_transferred + row.files_skipped;
  const total = Math.max(row.files, done);
  if (total === 0) return { done, total, fraction: row.status === 'SUCCEEDED' ? 1 : row.status === 'ACTIVE' ? null : 0 };
  return { done, total, fraction: Math.min(1, done / total) };
}

/** `source → destination` collection names, with ids when the names are unknown. */
export { routeOf, shortId } from '../../../shared/notifications';

export interface FolderTarget {
  readonly side: 'source' | 'destination';
  readonly collectionId: string;
  readonly path: string;
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : trimmed.slice(0, i);
}

/** The folders a task read from and wrote to, from the submission Ferry kept (first item). */
export function folderTargets(detail: TaskDetail | null): { readonly source: FolderTarget | null; readonly destination: FolderTarget | null } {
  const submission = detail?.submission;
  if (!submission) return { source: null, destination: null };
  if ('endpoint' in submission) {
    const first = submission.DATA[0];
    return { source: first ? { side: 'source', collectionId: submission.endpoint, path: parentOf(first.path) } : null, destination: null };
  }
  const first = submission.DATA[0];
  if (!first) return { source: null, destination: null };
  const folder = (p: string) => (first.recursive ? p.replace(/\/+$/, '') || '/' : parentOf(p));
  return {
    source: { side: 'source', collectionId: submission.source_endpoint, path: folder(first.source_path) },
    destination: { side: 'destination', collectionId: submission.destination_endpoint, path: folder(first.destination_path) },
  };
}
