/**
 * Plain-JSON shapes the activity module hands out (everything here can cross to the UI as is).
 */
import type {
  DeleteSubmission,
  FileRecord,
  TaskDocument,
  TaskEvent,
  TaskStatus,
  TaskType,
  TransferSubmission,
} from './globus-types';

/** Where a task in the history came from. `account`: found on the Globus account, not submitted by Ferry. */
export const activityOrigins = ['manual', 'queue', 'sync', 'connector', 'resubmit', 'account'] as const;
export type ActivityOrigin = (typeof activityOrigins)[number];

/**
 * One row of the history table: what the list view needs, nothing more (the raw task document
 * is kept in the database and returned by the detail call).
 */
export interface ActivityRow {
  readonly task_id: string;
  readonly status: TaskStatus;
  readonly type: TaskType;
  readonly label: string | null;
  readonly source_id: string | null;
  readonly source_name: string | null;
  readonly destination_id: string | null;
  readonly destination_name: string | null;
  /** e.g. `/data/run1 → /scratch/run1 (+3 more)`; null when unknown (tasks found on the account). */
  readonly paths: string | null;
  readonly files: number;
  readonly files_transferred: number;
  readonly files_skipped: number;
  readonly bytes_transferred: number;
  readonly effective_bytes_per_second: number;
  readonly faults: number;
  readonly nice_status: string | null;
  /** ISO time as Globus sends it. */
  readonly request_time: string;
  readonly completion_time: string | null;
  readonly submitted_by_ferry: boolean;
  readonly origin: ActivityOrigin;
}

/** Pushed to listeners after each change: only the rows that changed. */
export interface ActivityDelta {
  /** Increases by one per delta; the snapshot carries the revision it reflects. */
  readonly revision: number;
  readonly upserted: readonly ActivityRow[];
  readonly removed: readonly string[];
}

export interface ActivitySnapshot {
  readonly revision: number;
  readonly rows: readonly ActivityRow[];
}

export const activitySortKeys = [
  'status',
  'label',
  'type',
  'source_name',
  'destination_name',
  'paths',
  'files',
  'files_transferred',
  'bytes_transferred',
  'effective_bytes_per_second',
  'faults',
  'request_time',
  'completion_time',
  'origin',
] as const;
export type ActivitySortKey = (typeof activitySortKeys)[number];

export interface ActivitySort {
  readonly key: ActivitySortKey;
  readonly direction: 'asc' | 'desc';
}

export interface ActivityFilter {
  /** Empty or missing: every status. */
  readonly statuses?: readonly TaskStatus[];
  /** Case-insensitive substring over label, paths, collection names and task id. */
  readonly text?: string;
  /** ISO times, inclusive, over `request_time`. */
  readonly from?: string;
  readonly to?: string;
  /** Only tasks Ferry submitted. */
  readonly submittedByFerry?: boolean;
}

export interface ActivityPageQuery {
  readonly filter?: ActivityFilter;
  readonly sort?: ActivitySort;
  readonly offset?: number;
  readonly limit?: number;
}

export interface ActivityPage {
  readonly rows: readonly ActivityRow[];
  /** Rows matching the filter (for the scroll height). */
  readonly total: number;
  readonly offset: number;
}

export interface ActivityCounts {
  readonly total: number;
  readonly byStatus: { readonly [S in TaskStatus]: number };
}

/** What a caller that just submitted a task knows about it. */
export interface SubmittedTask {
  readonly task_id: string;
  readonly label?: string | null;
  readonly type?: TaskType;
  /** The document Ferry submitted: kept so the task can be resubmitted with the same items. */
  readonly submission?: TransferSubmission | DeleteSubmission;
  readonly source_endpoint_id?: string | null;
  readonly destination_endpoint_id?: string | null;
  readonly source_endpoint_display_name?: string | null;
  readonly destination_endpoint_display_name?: string | null;
  readonly request_time?: string;
}

export interface TaskDetail {
  readonly row: ActivityRow;
  /** The latest task document from Globus (or the stored one when Globus could not be reached). */
  readonly task: TaskDocument | null;
  /** Set when the fresh fetch failed and `task` is the stored copy. */
  readonly stale: boolean;
  readonly submission: TransferSubmission | DeleteSubmission | null;
  readonly canResubmit: boolean;
}

export interface EventPage {
  readonly items: readonly TaskEvent[];
  readonly offset: number;
  readonly limit: number;
  readonly total: number | null;
  readonly hasMore: boolean;
}

export const fileListKinds = ['successful', 'skipped'] as const;
export type FileListKind = (typeof fileListKinds)[number];

export interface FilePage {
  readonly items: readonly FileRecord[];
  /** Pass back to get the next page; null at the end. */
  readonly nextMarker: string | null;
}

export interface ResubmitResult {
  readonly task_id: string;
  readonly submission_id: string;
  readonly code: string;
  readonly itemCount: number;
}

/** A task submitted by Ferry that reached SUCCEEDED or FAILED. */
export interface TaskEnded {
  readonly row: ActivityRow;
  readonly previousStatus: TaskStatus | null;
}

export interface PollStatus {
  readonly running: boolean;
  readonly mode: 'fast' | 'slow';
  /** Epoch ms of the last finished poll (success or failure), null before the first. */
  readonly lastPollAt: number | null;
  readonly lastError: { readonly code: string; readonly message: string } | null;
  readonly activeCount: number;
}

/**
 * Tasks Ferry submitted in bulk (queue, sync) that ended close together, told once: Globus'
 * per-task e-mails are off for them, and one local summary replaces a notification per task.
 */
export interface TasksEndedSummary {
  readonly succeeded: number;
  readonly failed: number;
  /** Labels (or task ids) of a few of them, newest last. */
  readonly sample: readonly string[];
}
